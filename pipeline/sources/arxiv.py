"""arXiv export API client: id lookups in chunks and title search, over a pure Atom parser.

The parser reads all three recorded feed formats (legacy up to Aug 2025 with per-element
namespaces; Nov 2025 with links lacking rel/title attributes; 2026 with attributes back), by
namespace, never by prefix. Error feeds are recognised before entries are read as papers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree

from pipeline.core.batching import chunked, unique
from pipeline.core.errors import ApiError, UnexpectedAnswer
from pipeline.listfile.identifiers import parse_arxiv_id
from pipeline.sources.config import Settings
from pipeline.sources.gates import ApiGate
from pipeline.sources.http import (
    ARXIV_CACHE_TTL,
    ARXIV_MIN_INTERVAL_S,
    ApiProfile,
    Clock,
    HttpClient,
    RetryPolicy,
)

ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ARXIV = "{http://arxiv.org/schemas/atom}"

# Our chunk size for id_list (arxiv.py's page size); max_results must equal it, or arXiv
# returns at most its default of 10 entries.
ARXIV_ID_CHUNK = 100
ARXIV_RETRY = RetryPolicy(
    max_attempts=4, max_total_wait_s=120.0, backoff_initial_s=3.0, backoff_max_s=60.0
)
# The wait for an answer, per attempt (docs/RELIABILITY.md, "Slow answers"): arXiv is slower
# than the others; an id lookup's feed grows with its ids (100 ids: 30 s).
ARXIV_SEARCH_READ_TIMEOUT_S = 20.0


def ids_read_timeout(ids: int) -> float:
    """The wait for an id_list answer of `ids` entries: 15 s, and 0.15 s more per id."""
    return 15.0 + 0.15 * ids


@dataclass(frozen=True)
class ArxivEntry:
    arxiv_id: str  # without version
    version: int | None
    title: str
    authors: tuple[str, ...]
    published: datetime  # first version
    updated: datetime  # this version
    primary_category: str | None
    categories: tuple[str, ...]
    doi: str | None  # the journal DOI, when the authors gave one
    journal_ref: str | None
    comment: str | None
    abs_url: str | None
    pdf_url: str | None


@dataclass(frozen=True)
class ArxivFeed:
    total_results: int | None
    entries: tuple[ArxivEntry, ...]
    error: str | None = None  # the message of an Error feed


def _text(element: Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return " ".join(element.text.split()) or None


def _links(entry: Element) -> tuple[str | None, str | None, str | None]:
    """(abs URL, PDF URL, DOI) from an entry's links, with or without rel/title attributes."""
    abs_url = pdf_url = doi = None
    for link in entry.findall(f"{ATOM}link"):
        href = link.get("href") or ""
        title, rel, kind = link.get("title"), link.get("rel"), link.get("type")
        parts = urlsplit(href)
        host = (parts.hostname or "").casefold()
        if title == "doi" or host in {"doi.org", "dx.doi.org"}:
            doi = doi or parts.path.lstrip("/") or None
        elif title == "pdf" or kind == "application/pdf" or parts.path.startswith("/pdf/"):
            pdf_url = pdf_url or href
        elif rel == "alternate" or parts.path.startswith("/abs/"):
            abs_url = abs_url or href
    return abs_url, pdf_url, doi


def _entry(element: Element) -> ArxivEntry:
    raw_id = _text(element.find(f"{ATOM}id")) or ""
    path = urlsplit(raw_id).path
    parsed = parse_arxiv_id(path.split("/abs/", 1)[1]) if "/abs/" in path else None
    if parsed is None:
        raise ValueError(f"entry id {raw_id!r} is not an arXiv abstract URL")
    published = _text(element.find(f"{ATOM}published"))
    updated = _text(element.find(f"{ATOM}updated")) or published
    if published is None or updated is None:
        raise ValueError(f"entry {raw_id} has no published date")
    abs_url, pdf_url, link_doi = _links(element)
    primary = element.find(f"{ARXIV}primary_category")
    return ArxivEntry(
        arxiv_id=parsed[0],
        version=parsed[1],
        title=_text(element.find(f"{ATOM}title")) or "",
        authors=tuple(
            name
            for author in element.findall(f"{ATOM}author")
            if (name := _text(author.find(f"{ATOM}name")))
        ),
        published=datetime.fromisoformat(published),
        updated=datetime.fromisoformat(updated),
        primary_category=primary.get("term") if primary is not None else None,
        categories=tuple(
            term for c in element.findall(f"{ATOM}category") if (term := c.get("term"))
        ),
        doi=(_text(element.find(f"{ARXIV}doi")) or link_doi or "").casefold() or None,
        journal_ref=_text(element.find(f"{ARXIV}journal_ref")),
        comment=_text(element.find(f"{ARXIV}comment")),
        abs_url=abs_url,
        pdf_url=pdf_url,
    )


def decode_feed(body: bytes) -> Element:
    """An Atom feed's root. ValueError when the body is not one (cut XML, an HTML page, an
    empty body): the HTTP layer retries such a body."""
    try:
        root = ElementTree.fromstring(body)
    except ParseError as error:
        raise ValueError(f"not XML: {body[:60]!r}") from error
    if root.tag != f"{ATOM}feed":
        raise ValueError(f"not an Atom feed (root {root.tag})")
    return root


def parse_feed(body: bytes) -> ArxivFeed:
    """Parse an Atom answer. Raises ValueError when the body is not an arXiv Atom feed."""
    return read_feed(decode_feed(body))


def read_feed(root: Element) -> ArxivFeed:
    """An Atom feed's entries; ValueError when an entry does not fit (no id, no date)."""
    total = _text(root.find(f"{OPENSEARCH}totalResults"))
    elements = root.findall(f"{ATOM}entry")
    for element in elements:
        entry_id = _text(element.find(f"{ATOM}id")) or ""
        if "/api/errors" in entry_id or _text(element.find(f"{ATOM}title")) == "Error":
            message = _text(element.find(f"{ATOM}summary")) or "unspecified error"
            return ArxivFeed(int(total) if total and total.isdigit() else None, (), message)
    return ArxivFeed(
        int(total) if total and total.isdigit() else None,
        tuple(_entry(element) for element in elements),
    )


def title_query(title: str) -> str:
    """`ti:"..."` phrase query on the title's words (punctuation would break the phrase)."""
    words = re.findall(r"[^\W_]+", title)
    return f'ti:"{" ".join(words)}"'


class ArxivClient:
    def __init__(self, http: HttpClient, query_url: str) -> None:
        self.http = http
        self.query_url = query_url

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        clock: Clock | None = None,
        limiter: Callable[[str], None] | None = None,
        gate: ApiGate | None = None,
    ) -> ArxivClient:
        profile = ApiProfile(
            name="arxiv",
            base_url=settings.arxiv_api_url,
            min_interval_s=ARXIV_MIN_INTERVAL_S,
            cache_ttl=ARXIV_CACHE_TTL,
            retry=ARXIV_RETRY,
            max_connections=1,  # arXiv terms of use: one connection at a time
        )
        http = HttpClient.for_settings(profile, settings, clock, limiter, gate)
        return cls(http, settings.arxiv_api_url)

    def _query(
        self, params: dict[str, str | int], read_timeout_s: float, *, refresh: bool = False
    ) -> ArxivFeed:
        """One query. A 2xx body that is not an Atom feed is retried by the HTTP layer
        (MalformedResponse after the retries); an entry that does not fit is UnexpectedAnswer."""
        response, root = self.http.exchange(
            "GET",
            self.query_url,
            params=params,
            refresh=refresh,
            decode=decode_feed,
            read_timeout_s=read_timeout_s,
        )
        try:
            feed = read_feed(root if root is not None else decode_feed(response.content))
        except ValueError as error:
            self.http.forget(response)
            if response.status_code != 200:
                raise ApiError(
                    "arxiv", self.query_url, "unexpected answer", response.status_code
                ) from None
            raise UnexpectedAnswer(
                "arxiv", self.query_url, str(error)[:200], response.status_code
            ) from None
        if feed.error is not None or response.status_code != 200:
            self.http.forget(response)
            raise ApiError(
                "arxiv", self.query_url, f"query error: {feed.error}", response.status_code
            )
        return feed

    def _query_once_more_if_empty(
        self, params: dict[str, str | int], read_timeout_s: float
    ) -> ArxivFeed:
        """arXiv sometimes answers a valid query with an empty page: ask once more, uncached."""
        feed = self._query(params, read_timeout_s)
        if not feed.entries:
            feed = self._query(params, read_timeout_s, refresh=True)
        return feed

    def get_by_ids(self, arxiv_ids: Sequence[str]) -> dict[str, ArxivEntry]:
        """Entries by version-less id, in chunks of 100. Ids arXiv does not know are absent
        from the result (arXiv drops them silently)."""
        ids = unique([self._checked(arxiv_id) for arxiv_id in arxiv_ids])
        found: dict[str, ArxivEntry] = {}
        for chunk in chunked(ids, ARXIV_ID_CHUNK):
            params: dict[str, str | int] = {
                "id_list": ",".join(chunk),
                "start": 0,
                "max_results": len(chunk),
            }
            feed = self._query_once_more_if_empty(params, ids_read_timeout(len(chunk)))
            found.update((entry.arxiv_id, entry) for entry in feed.entries)
        return found

    def search_title(self, title: str, max_results: int = 10) -> list[ArxivEntry]:
        """Entries whose title holds the title's words as a phrase, most relevant first. Ten
        (arXiv's default page): a title that opens several others' ('... Segmentation' and
        '... Segmentation in the Wild') must not push the paper itself off the page; the
        request costs the same."""
        params: dict[str, str | int] = {
            "search_query": title_query(title),
            "start": 0,
            "max_results": max_results,
            "sortBy": "relevance",
            "sortOrder": "descending",
        }
        feed = self._query(params, ARXIV_SEARCH_READ_TIMEOUT_S)
        if not feed.entries and (feed.total_results or 0) > 0:
            feed = self._query(params, ARXIV_SEARCH_READ_TIMEOUT_S, refresh=True)
        return list(feed.entries)

    @staticmethod
    def _checked(arxiv_id: str) -> str:
        parsed = parse_arxiv_id(arxiv_id)
        if parsed is None:
            raise ValueError(f"{arxiv_id!r} is not an arXiv id")
        return parsed[0]
