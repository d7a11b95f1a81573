"""The `awesome-enrich` command: a thin dispatcher (main.py) and one module per command."""
