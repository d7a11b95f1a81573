"""Prefect flows that run the pipeline (the nightly `enrich-awesome-list` flow lands here)."""
