"""awesome-enrich: parse, enrich and regenerate Markdown awesome lists of research papers."""
