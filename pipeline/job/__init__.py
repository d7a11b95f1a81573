"""The enrichment job as steps, in one place: what a run reads, asks, merges and writes. The
Prefect flow (flows/) runs the same steps as tasks.
"""
