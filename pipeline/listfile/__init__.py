"""The list as text: the pure model, parser, renderer and regenerator of Markdown paper lists,
with identifiers and venues read from them. No I/O and nothing of the project outside itself.
"""
