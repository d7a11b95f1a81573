"""A local fake of the Semantic Scholar, arXiv and GitHub APIs, for offline demos, end-to-end
tests and benchmarks. It binds 127.0.0.1 only and serves SYNTHETIC worlds."""
