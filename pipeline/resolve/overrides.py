"""Manual overrides (`data/raw/overrides.yaml`): the maintainer's word wins over every source.

    overrides:
      - title: "Weakly Supervised Semantic Segmentation via Alternate Self-Dual Teaching"
        doi: 10.1109/TIP.2023.3343112      # pin the paper by DOI, arXiv id or S2 paper id
      - paper_url: https://mftp.mmcheng.net/Papers/21TIP_LayerCAM.pdf
        s2_paper_id: 0123456789abcdef0123456789abcdef01234567
        repo: PengtaoJiang/LayerCAM-jittor # the code repository to track
      - title: "A survey we list for context"
        not_a_paper: true                  # never resolved, never counted
      - title: "Teh Title As Written"
        set: {title: "The Title As Published", venue: CVPR 2022, year: 2022}
        note: free text, kept in the report

Each override names its entry by `title` (compared after folding case, accents and punctuation)
or `paper_url`. Unknown keys are errors that name the file, line and key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.core.errors import PipelineError
from pipeline.core.textfile import read_utf8_file
from pipeline.listfile.identifiers import normalise_title, normalise_url, parse_arxiv_id, repo_ref
from pipeline.listfile.model import Entry

ENTRY_KEYS = ("title", "paper_url")
PIN_KEYS = ("s2_paper_id", "arxiv_id", "doi", "repo")
ALLOWED_KEYS = (*ENTRY_KEYS, *PIN_KEYS, "not_a_paper", "set", "note")
SET_KEYS = ("title", "venue", "year", "abbreviation")
# Overrides are exceptions: a few dozen, about 100 bytes each. 1 MiB holds some 7,000, and
# PyYAML (pure Python here) composes 1 MiB in about 4.5 s; a bigger file is not an overrides file.
MAX_OVERRIDES_BYTES = 2**20


class OverridesError(PipelineError):
    """An overrides file that cannot be used; the message names the file, line and key."""


@dataclass(frozen=True)
class Override:
    line: int
    title: str | None = None
    paper_url: str | None = None
    s2_paper_id: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    repo: str | None = None  # GitHub owner/name
    not_a_paper: bool = False
    set_title: str | None = None
    set_venue: str | None = None
    set_year: int | None = None
    set_abbreviation: str | None = None
    note: str | None = None

    def names(self, entry: Entry) -> bool:
        if self.title is not None:
            return normalise_title(self.title) == normalise_title(entry.title)
        return entry.paper_url is not None and normalise_url(entry.paper_url) == normalise_url(
            self.paper_url or ""
        )

    @property
    def pins_a_paper(self) -> bool:
        return bool(self.s2_paper_id or self.arxiv_id or self.doi)


@dataclass(frozen=True)
class Overrides:
    source: str = "<none>"
    items: tuple[Override, ...] = field(default=())

    def for_entry(self, entry: Entry) -> Override | None:
        """The last override naming the entry (a later one refines an earlier one)."""
        found = [item for item in self.items if item.names(entry)]
        return found[-1] if found else None

    def unused(self, entries: Sequence[Entry]) -> list[Override]:
        return [item for item in self.items if not any(item.names(e) for e in entries)]


def _quote(text: str, limit: int = 60) -> str:
    """`'text'` for a message: one line, at most `limit` characters."""
    if text.isprintable() and len(text) <= limit:
        return f"'{text}'"
    return repr(text[:limit]) + ("..." if len(text) > limit else "")


def _fail(source: str, node: yaml.Node, message: str) -> OverridesError:
    return OverridesError(f"{source}:{node.start_mark.line + 1}: {message}")


def _scalar(source: str, node: yaml.Node, key: str) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise _fail(source, node, f"'{key}' must be a single value")
    try:
        return yaml.safe_load(yaml.serialize(node))
    except Exception:  # YAML's constructors fail in assorted ways on bad tagged values
        raise _fail(
            source,
            node,
            f"'{key}' has a value YAML cannot read ({node.tag} {_quote(str(node.value))})",
        ) from None


def _text(source: str, node: yaml.Node, key: str) -> str:
    value = _scalar(source, node, key)
    if value is None or isinstance(value, bool | dict | list) or not str(value).strip():
        raise _fail(source, node, f"'{key}' must be a non-empty text")
    # The text as written: YAML reads `arxiv_id: 2403.01260` as the number 2403.0126.
    return str(node.value).strip()


def _keys(source: str, node: yaml.MappingNode) -> list[tuple[str, yaml.Node, yaml.Node]]:
    """(key, key node, value node) of a mapping; a repeated or non-text key is an error."""
    seen: dict[str, int] = {}
    keys: list[tuple[str, yaml.Node, yaml.Node]] = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _fail(source, key_node, "a key must be a name, not a list or mapping")
        key = str(key_node.value)
        if key in seen:
            raise _fail(
                source, key_node, f"duplicate key {_quote(key)} (first on line {seen[key]})"
            )
        seen[key] = key_node.start_mark.line + 1
        keys.append((key, key_node, value_node))
    return keys


def _override(source: str, node: yaml.Node) -> Override:
    if not isinstance(node, yaml.MappingNode):
        raise _fail(source, node, "each override must be a mapping (key: value lines)")
    values: dict[str, Any] = {}
    for key, key_node, value_node in _keys(source, node):
        if key not in ALLOWED_KEYS:
            raise _fail(
                source, key_node, f"unknown key {_quote(key)} (allowed: {', '.join(ALLOWED_KEYS)})"
            )
        if key == "not_a_paper":
            flag = _scalar(source, value_node, key)
            if not isinstance(flag, bool):
                raise _fail(source, value_node, "'not_a_paper' must be true or false")
            values[key] = flag
        elif key == "set":
            if not isinstance(value_node, yaml.MappingNode):
                raise _fail(source, value_node, "'set' must be a mapping of fields to correct")
            for name, field_node, field_value in _keys(source, value_node):
                if name not in SET_KEYS:
                    raise _fail(
                        source,
                        field_node,
                        f"unknown key {_quote('set.' + name)} (allowed: {', '.join(SET_KEYS)})",
                    )
                if name == "year":
                    year = _scalar(source, field_value, "set.year")
                    if not isinstance(year, int) or not 1900 <= year <= 2100:
                        raise _fail(source, field_value, "'set.year' must be a year such as 2024")
                    values["set_year"] = year
                else:
                    values[f"set_{name}"] = _text(source, field_value, f"set.{name}")
        else:
            values[key] = _text(source, value_node, key)
    named_by = [key for key in ENTRY_KEYS if key in values]
    if len(named_by) != 1:
        raise _fail(source, node, "an override names its entry by exactly one of: title, paper_url")
    if "arxiv_id" in values and parse_arxiv_id(values["arxiv_id"]) is None:
        raise _fail(source, node, f"'arxiv_id' {values['arxiv_id']!r} is not an arXiv id")
    if "repo" in values:
        repo = values["repo"]
        ref = repo_ref(repo if "://" in repo else f"https://github.com/{repo}")
        if ref.github is None or ref.github.count("/") != 1:
            raise _fail(source, node, f"'repo' {values['repo']!r} is not a GitHub owner/name")
        values["repo"] = ref.github
    if "arxiv_id" in values:
        values["arxiv_id"] = parse_arxiv_id(values["arxiv_id"])[0]  # type: ignore[index]
    if "doi" in values:
        values["doi"] = values["doi"].removeprefix("https://doi.org/").casefold()
    return Override(line=node.start_mark.line + 1, **values)


def _where(text: str, error: yaml.YAMLError) -> str:
    """`:line` of a YAML error, when it has one."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is not None:
        return f":{mark.line + 1}"
    position = getattr(error, "position", None)  # a ReaderError: a character YAML refuses
    if isinstance(position, int):
        line = text.count("\n", 0, position) + 1
        return f":{line}"
    return ""


def _problem(error: yaml.YAMLError) -> str:
    """What is wrong, on one line (PyYAML's messages span several)."""
    if isinstance(error, yaml.reader.ReaderError):
        character = error.character
        code = f"U+{character:04X}" if isinstance(character, int) else repr(character)
        text = f"character {code} is not allowed"
    else:
        text = str(getattr(error, "problem", None) or error)
    return " ".join(text.split())


def parse_overrides(text: str, source: str = "<string>") -> Overrides:
    """Parse and validate an overrides document. Pure."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        where = _where(text, error)
        raise OverridesError(f"{source}{where}: not valid YAML ({_problem(error)})") from None
    except RecursionError:  # PyYAML composes nested collections recursively
        raise OverridesError(f"{source}: not valid YAML (nested too deeply)") from None
    if root is None:
        return Overrides(source)
    if not isinstance(root, yaml.MappingNode):
        found = (
            "a list" if isinstance(root, yaml.SequenceNode) else f"the text {_quote(root.value)}"
        )
        raise _fail(source, root, f"expected a mapping with the key 'overrides', found {found}")
    items: list[Override] = []
    for key, key_node, value_node in _keys(source, root):
        if key != "overrides":
            raise _fail(source, key_node, f"unknown key {_quote(key)} (allowed: overrides)")
        if isinstance(value_node, yaml.ScalarNode) and value_node.value in {"", "null", "~"}:
            continue
        if not isinstance(value_node, yaml.SequenceNode):
            raise _fail(source, value_node, "'overrides' must be a list")
        items.extend(_override(source, item) for item in value_node.value)
    return Overrides(source, tuple(items))


def load_overrides(path: Path) -> Overrides:
    """The overrides file, or no overrides when it does not exist."""
    if not path.exists():
        return Overrides(str(path))
    text = read_utf8_file(
        path,
        max_bytes=MAX_OVERRIDES_BYTES,
        kind="a YAML file",
        noun="overrides file",
        error=OverridesError,
    )
    return parse_overrides(text, str(path))
