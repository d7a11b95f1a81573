"""World descriptions: the papers of a list as records written (and checked) by hand, from
which `fakeapi.world.world_from_records` builds a SYNTHETIC world.

A description is a JSON file:

    {
      "format": "awesome-enrich world description 1",
      "list": "data/raw/README.md",            # the list it describes
      "checked": "how the records were checked",  # free text, kept with the file
      "papers": [
        {"title": "...",              # the title as the services know the paper
         "written": "...",            # optional: the title as the list writes it, when it
                                      #   differs (the fake's nights find the entry's line by it)
         "year": 2024, "venue": "CVPR",   # venue by its short name (fakeapi/venues.py)
         "arxiv_id": "2403.13225", "doi": "10.1007/...",  # optional, as the paper link says
         "repos": ["owner/name"],     # GitHub repositories the entry links to
         "authors": ["Full Name"]}    # optional; else synthetic names
      ]
    }

One record per list entry, in list order: an entry written twice is two records (the world
keeps one paper for them). Nothing here reads the list: the records are the truth the fake
serves, and the product must find them by reading the list on its own.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

DESCRIPTION_FORMAT = "awesome-enrich world description 1"
_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}|[a-z][a-z.\-]*/\d{7}")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+")


@dataclass(frozen=True)
class PaperRecord:
    title: str
    year: int | None = None
    venue: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    repos: tuple[str, ...] = ()
    written: str | None = None
    authors: tuple[str, ...] = ()

    @property
    def as_written(self) -> str:
        """The title as the list writes it."""
        return self.written or self.title

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["repos"], data["authors"] = list(self.repos), list(self.authors)
        return {k: v for k, v in data.items() if v not in (None, [], "")}

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "record") -> PaperRecord:
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        title = data.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ValueError(f"{where}: a title is required")
        record = cls(
            title=title,
            year=data.get("year"),
            venue=data.get("venue"),
            arxiv_id=data.get("arxiv_id"),
            doi=data.get("doi"),
            repos=tuple(data.get("repos", ())),
            written=data.get("written"),
            authors=tuple(data.get("authors", ())),
        )
        record.check(where)
        return record

    def check(self, where: str = "record") -> None:
        """ValueError when a field is not of its form (so a typo in a hand-written file shows)."""
        if self.year is not None and (
            not isinstance(self.year, int) or not 1900 < self.year < 2100
        ):
            raise ValueError(f"{where}: year {self.year!r} is not a year")
        if self.arxiv_id is not None and not _ARXIV_ID.fullmatch(self.arxiv_id):
            raise ValueError(f"{where}: arxiv_id {self.arxiv_id!r} is not an arXiv id (no version)")
        if self.doi is not None and not _DOI.fullmatch(self.doi):
            raise ValueError(f"{where}: doi {self.doi!r} is not a DOI")
        for repo in self.repos:
            if not _REPO.fullmatch(repo):
                raise ValueError(f"{where}: repo {repo!r} is not owner/name")


@dataclass
class WorldDescription:
    list_name: str  # "list" in the file
    checked: str
    papers: list[PaperRecord] = field(default_factory=list)

    def to_json(self) -> str:
        """One record a line, so that a file can be checked (and diffed) entry by entry."""
        head = {"format": DESCRIPTION_FORMAT, "list": self.list_name, "checked": self.checked}
        lines = [f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
        records = [f"  {json.dumps(r.to_dict(), ensure_ascii=False)}" for r in self.papers]
        body = ",\n".join(records)
        return "{\n" + "\n".join(lines) + '\n "papers": [\n' + body + "\n ]\n}\n"

    @classmethod
    def from_json(cls, text: str, source: str = "description") -> WorldDescription:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != DESCRIPTION_FORMAT:
            raise ValueError(f"{source}: not a world description ({DESCRIPTION_FORMAT!r})")
        papers = [
            PaperRecord.from_dict(item, f"{source}: paper {index + 1}")
            for index, item in enumerate(data.get("papers", []))
        ]
        return cls(
            list_name=str(data.get("list", "")), checked=str(data.get("checked", "")), papers=papers
        )

    def save(self, path: Path) -> None:
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> WorldDescription:
        return cls.from_json(path.read_text(encoding="utf-8"), str(path))


def description_path(list_path: Path) -> Path:
    """Where a list's hand-checked description lives: next to it, `<name>.world.json`."""
    return list_path.with_name(f"{list_path.stem}.world.json")
