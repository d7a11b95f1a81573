"""benchmarks/RESULTS.md is written by more than one script: each owns a named section."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, name: str, text: str) -> None:
    """Replace (or append) the section `name` of the results file, keeping the others."""
    begin, end = f"<!-- section: {name} -->\n", f"<!-- end of section: {name} -->\n"
    block = begin + text.rstrip("\n") + "\n" + end
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if begin in old and end in old:
        before, rest = old.split(begin, 1)
        after = rest.split(end, 1)[1]
        new = before + block + after
    else:
        new = old + ("\n" if old and not old.endswith("\n\n") else "") + block
    path.write_text(new, encoding="utf-8")
