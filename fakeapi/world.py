"""The world a fake API serves: papers (with citation counts that grow with a simulated date)
and repositories. Worlds are JSON files; `world_from_records` builds a SYNTHETIC one from a list's
records (a world description, fakeapi/description.py: written and checked by hand, or generated
with the list), never from the product's reading of the list.

Every generated world says `"synthetic": true`, and every output made from it must say so.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from fakeapi.description import PaperRecord
from fakeapi.text import title_key
from fakeapi.venues import s2_venue

WORLD_FORMAT = 1


@dataclass
class FakePaper:
    paper_id: str
    corpus_id: int
    title: str
    year: int | None
    venue: str | None
    authors: list[tuple[str, str]]  # (S2 author id, S2 name: often initials)
    arxiv_authors: list[str] = field(default_factory=list)  # full names
    arxiv_id: str | None = None
    arxiv_version: int = 1
    arxiv_published: str | None = None  # ISO timestamp of v1
    arxiv_category: str = "cs.CV"
    doi: str | None = None
    in_s2: bool = True
    in_arxiv: bool = False
    merged_ids: list[str] = field(default_factory=list)  # old S2 ids that now answer with this one
    citations_at_epoch: int = 0
    citations_per_day: float = 0.0
    bibtex_style: str = "ok"  # ok | malformed_type | preprint
    match_rank: int = 0  # S2 title match prefers higher ranks among equally similar titles
    decoy: bool = False
    list_positions: list[int] = field(default_factory=list)  # the entries it is the record of

    def citations_on(self, day: date, epoch: date) -> int:
        return self.citations_at_epoch + int(self.citations_per_day * max(0, (day - epoch).days))

    def citing_paper(self, index: int, epoch: date) -> dict[str, Any]:
        """The `index`-th paper citing this one, consistent with `citations_on`: the first
        `citations_at_epoch` appeared between publication and the epoch, the others at the
        paper's daily rate after it. About one in ten has only a year, one in thirty neither."""
        rng = _rng(self.paper_id, "citing", index)
        if index < self.citations_at_epoch:
            start = self.published_on()
            span = max(1, (epoch - start).days)
            day = start + timedelta(days=rng.randrange(span))
        else:
            day = epoch + timedelta(
                days=int((index - self.citations_at_epoch) / self.citations_per_day)
            )
        roll = rng.random()
        return {
            "paperId": _digest(self.paper_id, "citing", index)[:40],
            "year": None if roll < 1 / 30 else day.year,
            "publicationDate": None if roll < 0.1 else day.isoformat(),
        }

    def published_on(self) -> date:
        if self.arxiv_published:
            return datetime.fromisoformat(self.arxiv_published.replace("Z", "+00:00")).date()
        return date(self.year or 2020, 1, 1)


@dataclass
class FakeRepo:
    full_name: str  # the current owner/name
    repo_id: int
    status: str = "ok"  # ok | not_found | blocked | empty
    old_names: list[str] = field(default_factory=list)  # answered with a 301 to repositories/id
    stars_at_epoch: int = 0
    stars_per_day: float = 0.0
    forks: int = 0
    archived: bool = False
    pushed_at: str = "2024-01-01T00:00:00Z"
    last_commit_at: str | None = "2024-01-01T00:00:00Z"
    # The star history (fakeapi/stars.py): the day the repository was made (its stars before
    # the epoch were given since then), and how many of those early stars are taken back a day
    # after the epoch (replaced by as many new ones: `stars_on` stays the count still present).
    created_at: str | None = None
    unstars_per_day: float = 0.0

    def stars_on(self, day: date, epoch: date) -> int:
        return self.stars_at_epoch + int(self.stars_per_day * max(0, (day - epoch).days))


@dataclass
class World:
    synthetic: bool
    description: str
    epoch: str  # the date citation counts start from, ISO
    papers: list[FakePaper] = field(default_factory=list)
    repos: list[FakeRepo] = field(default_factory=list)

    @property
    def epoch_date(self) -> date:
        return date.fromisoformat(self.epoch)

    def to_json(self) -> str:
        data = {"format": WORLD_FORMAT, **asdict(self)}
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> World:
        data: dict[str, Any] = json.loads(text)
        if data.pop("format", None) != WORLD_FORMAT:
            raise ValueError(f"not a world file of format {WORLD_FORMAT}")
        papers = [
            FakePaper(**{**p, "authors": [tuple(a) for a in p["authors"]]})
            for p in data.pop("papers")
        ]
        repos = [FakeRepo(**r) for r in data.pop("repos")]
        return cls(papers=papers, repos=repos, **data)

    def save(self, path: Path) -> None:
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> World:
        return cls.from_json(path.read_text(encoding="utf-8"))


_FIRST = ["Alice", "Bao", "Carla", "Dmitri", "Emeka", "Fatima", "Goran", "Hana", "Ivan", "Jia"]
_LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Novak", "Haddad", "Silva", "Kowalski"]


def _digest(*parts: object) -> str:
    return hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()  # noqa: S324 - ids, not security


def _rng(*parts: object) -> random.Random:
    return random.Random(_digest(*parts))  # noqa: S311 - deterministic synthetic data


def _authors(rng: random.Random, count: int) -> tuple[list[tuple[str, str]], list[str]]:
    full = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(count)]
    s2 = [(str(rng.randrange(10**6, 10**8)), f"{name[0]}. {name.split()[-1]}") for name in full]
    return s2, full


def world_from_records(
    records: Sequence[PaperRecord],
    seed: int = 0,
    epoch: date = date(2026, 1, 1),
    namesake_rate: float = 1 / 6,
    source: str = "records",
) -> World:
    """A SYNTHETIC world for a list's records (fakeapi/description.py): one paper per distinct
    title plus decoys, deterministic for a seed. Record `i` is the list's entry `i`.

    - Records with an arXiv id or DOI get a paper under it.
    - About 1 in 9 records with neither is known to arXiv only (found by arXiv title search).
    - A `namesake_rate` share of the other records without ids (1 in 6 by default) has a
      namesake: the same title, three years older, which the S2 title match prefers (the match
      guard must reject it, and the year-filtered match find the true record).
    - Papers known to arXiv only get a shorter-titled decoy in S2 (a title that is a prefix).
    - Repositories: mostly fine; a few renamed, gone, blocked (451), empty (409) or archived.
    """
    world = World(
        synthetic=True,
        description=f"SYNTHETIC world generated from {source} with seed {seed}",
        epoch=epoch.isoformat(),
    )
    by_title: dict[str, FakePaper] = {}
    used_arxiv_ids = {record.arxiv_id for record in records if record.arxiv_id}
    for position, record in enumerate(records):
        key = title_key(record.title)
        if key in by_title:
            by_title[key].list_positions.append(position)
            continue
        rng = _rng(seed, key)
        title_only = not (record.arxiv_id or record.doi)
        s2_authors, full_names = _authors(rng, rng.randint(1, 6))
        if record.authors:
            full_names = list(record.authors)
            s2_authors = [
                (_digest("author", name)[:8], f"{name[0]}. {name.split()[-1]}")
                for name in full_names
            ]
        arxiv_only = title_only and rng.random() < 1 / 9
        namesake = title_only and not arxiv_only and rng.random() < namesake_rate
        on_arxiv = bool(record.arxiv_id) or arxiv_only or namesake or rng.random() < 0.4
        arxiv_id = record.arxiv_id
        while on_arxiv and arxiv_id is None:
            month = f"{(record.year or 2020) % 100:02d}{rng.randint(1, 12):02d}"
            candidate = f"{month}.{rng.randint(1, 99999):05d}"
            if candidate not in used_arxiv_ids:  # synthetic ids never collide
                arxiv_id = candidate
                used_arxiv_ids.add(candidate)
        published = datetime(record.year or 2020, 1, 1) - timedelta(days=rng.randint(30, 300))
        paper = FakePaper(
            paper_id=_digest("paper", seed, key),
            corpus_id=int(_digest("corpus", seed, key)[:8], 16),
            title=record.title,
            year=record.year,
            venue=s2_venue(record.venue),
            authors=s2_authors,
            arxiv_authors=full_names,
            arxiv_id=arxiv_id,
            arxiv_published=published.isoformat() + "Z" if arxiv_id else None,
            doi=record.doi,
            in_s2=not arxiv_only,
            in_arxiv=arxiv_id is not None,
            citations_at_epoch=rng.randint(0, 800),
            citations_per_day=round(rng.uniform(0, 1.5), 3),
            bibtex_style=rng.choice(["ok", "ok", "malformed_type", "preprint"]),
            list_positions=[position],
        )
        if rng.random() < 0.05 and paper.in_s2:
            paper.merged_ids = [_digest("merged", seed, key)]
        by_title[key] = paper
        world.papers.append(paper)
        if namesake:
            world.papers.append(_decoy(paper, seed, title=record.title, year_shift=-3))
        if arxiv_only:
            title_words = record.title.split()
            world.papers.append(
                _decoy(paper, seed, title=" ".join(title_words[: max(2, len(title_words) // 2)]))
            )
    seen: set[str] = set()
    for record in records:
        for name in record.repos:
            if name.casefold() in seen:
                continue
            seen.add(name.casefold())
            world.repos.append(_repo(name, seed))
    return world


def _decoy(paper: FakePaper, seed: int, *, title: str, year_shift: int = 0) -> FakePaper:
    rng = _rng("decoy", seed, paper.paper_id, title)
    s2_authors, full = _authors(rng, 2)
    return FakePaper(
        paper_id=_digest("decoy", seed, paper.paper_id, title),
        corpus_id=int(_digest("decoy-corpus", seed, paper.paper_id)[:8], 16),
        title=title,
        year=(paper.year or 2020) + year_shift,
        venue="Journal of Namesakes",
        authors=s2_authors,
        arxiv_authors=full,
        citations_at_epoch=359,  # a well-cited namesake is the classic wrong match
        match_rank=1,
        decoy=True,
    )


def _repo(name: str, seed: int) -> FakeRepo:
    rng = _rng("repo", seed, name.casefold())
    roll = rng.random()
    repo = FakeRepo(
        full_name=name,
        repo_id=int(_digest("repo-id", seed, name.casefold())[:7], 16),
        stars_at_epoch=rng.randint(0, 3000),
        stars_per_day=round(rng.uniform(0, 2), 3),
        forks=rng.randint(0, 400),
        pushed_at=f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00Z",
    )
    repo.last_commit_at = repo.pushed_at
    history = _rng("repo-stars", seed, name.casefold())  # drawn apart: the draws above stay
    repo.created_at = f"{2016 + history.randint(0, 8)}-{history.randint(1, 12):02d}-15"
    repo.unstars_per_day = round(history.uniform(0, 0.2), 3)
    if roll < 0.06:
        owner, repo_name = name.split("/")
        repo.old_names = [name]
        repo.full_name = f"{owner}-lab/{repo_name}"
    elif roll < 0.10:
        repo.status = "not_found"
    elif roll < 0.12:
        repo.status = "blocked"
    elif roll < 0.14:
        repo.status = "empty"
        repo.last_commit_at = None
    elif roll < 0.24:
        repo.archived = True
    return repo
