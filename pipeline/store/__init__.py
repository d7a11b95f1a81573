"""What stays on disk between runs: the Parquet schemas and readers, the atomic writer, the
output-folder lock, and reading list files.
"""
