"""The docs stay true to the repository: every relative link in README.md and docs/ points at a
file that exists, and every `awesome-enrich` command and option they name is one the command
line accepts (and every `make` target they name is in the Makefile)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from pipeline.cli.main import build_parser
from tests.conftest import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("**/*.md"))]
LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
COMMAND = re.compile(r"(?:^|[$/|]\s*)awesome-enrich\s+([a-z][a-z-]*)([^`\n|]*)")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
MAKE = re.compile(r"(?:^|[`|] ?)make ([a-z][a-z-]*)")


CODE_SPAN = re.compile(r"(`+)((?:(?!\n[ \t]*\n).)+?)\1", re.DOTALL)


def _lines(path: Path) -> list[tuple[int, str, str]]:
    """Each line's number, its prose (code spans blanked) and its code (its code spans, which
    may run over from the line before, or the whole line inside a fenced block)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    fenced, inside = set(), False
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith(("```", "~~~")):
            inside = not inside
            fenced.add(number)
        elif inside:
            fenced.add(number)
    prose_text = "\n".join("" if n in fenced else line for n, line in enumerate(lines, 1))
    code: dict[int, list[str]] = {n: [lines[n - 1]] for n in fenced}
    for span in CODE_SPAN.finditer(prose_text):
        number = prose_text.count("\n", 0, span.start()) + 1
        code.setdefault(number, []).append(" ".join(span.group(2).split()))
    blanked = CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), prose_text)
    return [
        (number, prose, " | ".join(code.get(number, [])))
        for number, prose in enumerate(blanked.split("\n"), start=1)
    ]


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices)


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(REPO)))
def test_every_relative_link_resolves(doc: Path) -> None:
    broken = []
    for number, prose, _ in _lines(doc):
        for target in LINK.findall(prose):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue  # a public address or an anchor in the same page
            if not (doc.parent / target.split("#", 1)[0]).exists():
                broken.append(f"{doc.name}:{number}: {target}")
    assert broken == []


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(REPO)))
def test_every_command_and_option_named_exists(doc: Path) -> None:
    commands = _subcommands()
    unknown = []
    for number, _, code in _lines(doc):
        for match in COMMAND.finditer(code):
            name, rest = match.groups()
            if name not in commands:
                unknown.append(f"{doc.name}:{number}: awesome-enrich {name}")
                continue
            accepted = commands[name]._option_string_actions
            unknown += [
                f"{doc.name}:{number}: awesome-enrich {name} {option}"
                for option in OPTION.findall(rest)
                if option not in accepted
            ]
    assert unknown == []


def test_every_make_target_named_exists() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.MULTILINE))
    named = {t for doc in DOCS for _, _, code in _lines(doc) for t in MAKE.findall(f"`{code}")}
    assert named and named <= targets, named - targets


def test_make_echoes_no_comment_lines(tmp_path: Path) -> None:
    """Issue 27: a comment line inside a recipe goes to the shell, and make prints it at set-up.
    `make -n` prints every command a target would run (nothing runs): the set-up's and the test
    targets' hold no comment."""
    import shutil
    import subprocess

    make = shutil.which("make")
    if make is None:
        pytest.fail("make is missing: the README's commands need it (Debian package 'make')")
    venv = tmp_path / "venv"
    printed = subprocess.run(
        [make, "-n", "-B", f"VENV={venv}", f"{venv}/.installed", "test", "test-fast"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert f"{venv}/bin/uv pip install" in printed  # the set-up's commands were printed
    comments = [line for line in printed.splitlines() if line.lstrip().startswith("#")]
    assert comments == []
