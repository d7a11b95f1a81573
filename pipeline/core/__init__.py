"""The shared kernel below every layer: the exception tree, batching, the enriched row's
vocabulary and bounded UTF-8 file reading. Imports nothing of the project.
"""
