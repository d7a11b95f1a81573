"""listfile"""
