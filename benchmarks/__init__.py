"""Benchmarks of the pipeline against the local fake of the APIs (see benchmarks/RESULTS.md)."""
