"""From list entries to paper records: the match guard, the resolution order, overrides, BibTeX
and the resolution report.
"""
