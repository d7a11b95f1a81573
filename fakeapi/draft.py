"""A first draft of a list's records, read with the fake's own few regexes (never the
product's reader): one record per line that starts a table row or a bullet with a linked
title. A draft is for a person to check line by line and save as the list's description
(`<list>.world.json`, fakeapi/description.py); `awesome-enrich demo` falls back to it, saying
so, when a list has no description.

What a draft reads: `[title](url)` as the first link of a table row or bullet (not a GitHub
link), the year from a "VENUE YEAR" cell or text, the arXiv id or DOI of the title's link, and
every github.com/owner/name link on the line. Anything else is for the person checking it.
"""

from __future__ import annotations

import html
import re

from fakeapi.description import PaperRecord, WorldDescription
from fakeapi.text import arxiv_id_of, doi_of, github_repo_of

_ROW_OR_BULLET = re.compile(r"^\s*(?:\||[-*+]\s|\d+[.)]\s)")
_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)")
_URL = re.compile(r"https?://[^\s)|<>\]]+")
_VENUE_YEAR = re.compile(r"\b(?P<venue>[A-Za-z][A-Za-z &]{1,30}?)\s*'?(?P<year>(?:19|20)\d\d)\b")


def draft_records(text: str) -> list[PaperRecord]:
    records = []
    for line in text.splitlines():
        if not _ROW_OR_BULLET.match(line) or set(line.strip()) <= set("|-: "):
            continue
        title_link = next(
            (m for m in _LINK.finditer(line) if github_repo_of(m.group("url")) is None), None
        )
        if title_link is None or len(title_link.group("text").split()) < 2:
            continue
        written = title_link.group("text").strip()
        title = " ".join(html.unescape(written).replace("**", "").split())
        rest = line[title_link.end() :]
        venue_year = _VENUE_YEAR.search(rest)
        url = title_link.group("url")
        repos = tuple(
            dict.fromkeys(name for u in _URL.findall(line) if (name := github_repo_of(u)))
        )
        records.append(
            PaperRecord(
                title=title,
                written=written if written != title else None,
                year=int(venue_year.group("year")) if venue_year else None,
                venue=venue_year.group("venue").strip() if venue_year else None,
                arxiv_id=arxiv_id_of(url),
                doi=doi_of(url),
                repos=repos,
            )
        )
    return records


def draft_description(text: str, list_name: str) -> WorldDescription:
    return WorldDescription(
        list_name=list_name,
        checked="NOT CHECKED: drafted by fakeapi/draft.py's regexes from the list's text",
        papers=draft_records(text),
    )
