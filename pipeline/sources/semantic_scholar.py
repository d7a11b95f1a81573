"""Semantic Scholar Graph API client: batch lookup by id and title match. Typed records out.

Written on the shared HTTP layer rather than the `semanticscholar` package: that package sends
through its own httpx client (so our cache, pacing, single retry policy and credential pinning
would not apply), retries on its own, and raises on a title-match 404 that is a normal answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from pipeline.core.batching import chunked
from pipeline.core.errors import ApiError, is_outage, is_server_error
from pipeline.sources.batches import split_failing_batch
from pipeline.sources.config import Settings
from pipeline.sources.gates import ApiGate
from pipeline.sources.http import (
    CONNECT_TIMEOUT_S,
    HALF_FUSE,
    S2_CACHE_TTL,
    S2_MIN_INTERVAL_WITH_KEY_S,
    S2_MIN_INTERVAL_WITHOUT_KEY_S,
    SPLIT_FUSE,
    ApiProfile,
    Clock,
    HttpClient,
    RetryPolicy,
    schema_problem,
)

# POST /paper/batch takes at most 500 ids per call (S2 API docs).
S2_BATCH_SIZE = 500
S2_FIELDS = (
    "paperId,corpusId,externalIds,title,year,venue,publicationVenue,authors,"
    "citationCount,influentialCitationCount,citationStyles,url"
)
# GET /paper/{id}/citations: `limit` at most 1000 per page; the page says `next` while more
# remain (S2 API docs). `fields` name the citing paper's fields.
S2_CITATIONS_PAGE = 1000
# /paper/search results read when the best title match was rejected: the true record of a title
# with namesakes is among the first few; 10 keeps the answer small (limit is at most 100).
SEARCH_LIMIT = 10

# offset + limit must stay below 10,000: the endpoint serves at most 9,999 citing papers
# (s2-folks#12 and #27; semanticscholar#82, maintainer).
S2_CITATIONS_REACHABLE = 9999
S2_CITATION_FIELDS = "year,publicationDate"
# S2 answers 429 often, with no Retry-After: more attempts, longer backoff (S2 staff, s2-folks#84).
S2_RETRY = RetryPolicy(
    max_attempts=6, max_total_wait_s=180.0, backoff_initial_s=2.0, backoff_max_s=60.0
)
# The wait for an answer, per attempt (docs/RELIABILITY.md, "Slow answers"): S2 answers a title
# match or a search within a second or two; a citation page of 1,000 and a batch take longer,
# the batch in proportion to its ids (50 ids: 7 s; 500 ids: 25 s).
S2_READ_TIMEOUT_S = 10.0
S2_BATCH_READ_TIMEOUT_S = 5.0
S2_CITATIONS_READ_TIMEOUT_S = 20.0
S2_CONNECT_TIMEOUT_S = min(5.0, CONNECT_TIMEOUT_S)


def batch_read_timeout(ids: int) -> float:
    """The wait for a /paper/batch answer of `ids` papers: 5 s, and 0.04 s more per id."""
    return S2_BATCH_READ_TIMEOUT_S + 0.04 * ids


def arxiv_paper_id(arxiv_id: str) -> str:
    """The S2 id form for an arXiv id (without version)."""
    return f"ARXIV:{arxiv_id}"


def doi_paper_id(doi: str) -> str:
    return f"DOI:{doi}"


@dataclass(frozen=True)
class S2Author:
    author_id: str | None
    name: str


@dataclass(frozen=True)
class S2Paper:
    paper_id: str
    corpus_id: int | None
    title: str
    year: int | None
    venue: str | None
    publication_venue: str | None
    authors: tuple[S2Author, ...]
    citation_count: int | None
    influential_citation_count: int | None
    bibtex: str | None
    url: str | None
    doi: str | None
    arxiv_id: str | None
    external_ids: tuple[tuple[str, str], ...]  # every external id S2 knows, as strings


@dataclass(frozen=True)
class S2Lookup:
    """The answer for one requested id. `paper` None means S2 does not know the id."""

    requested: str
    paper: S2Paper | None
    failure: str | None = None  # S2 failed on this id tonight: not "unknown", not an answer
    # The failure is this id's alone (a poisoned id, isolated by splitting its batch); False:
    # its whole batch failed after its retries, the id says nothing.
    isolated: bool = True

    @property
    def merged_from(self) -> str | None:
        """The requested S2 paperId when S2 answered with another one (the papers were merged)."""
        if self.paper is None or ":" in self.requested:
            return None
        return self.requested if self.paper.paper_id != self.requested else None


@dataclass(frozen=True)
class S2Match:
    paper: S2Paper
    match_score: float | None  # S2's own score, on an open scale (~110 for an exact title)


def _optional_int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _optional_str(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value or None


def parse_paper(data: Any) -> S2Paper:
    """A paper object as documented; raises TypeError/KeyError on another shape."""
    if not isinstance(data, dict):
        raise TypeError(f"expected a paper object, got {type(data).__name__}")
    paper_id = data["paperId"]
    if not isinstance(paper_id, str):
        raise TypeError(f"paperId is {paper_id!r}")
    external = data.get("externalIds") or {}
    if not isinstance(external, dict):
        raise TypeError(f"externalIds is {external!r}")
    authors = tuple(
        S2Author(_optional_str(author.get("authorId")), str(author.get("name") or ""))
        for author in (data.get("authors") or [])
    )
    venue = data.get("publicationVenue")
    styles = data.get("citationStyles") or {}
    doi = external.get("DOI")
    arxiv = external.get("ArXiv")
    return S2Paper(
        paper_id=paper_id,
        corpus_id=_optional_int(data.get("corpusId")),
        title=str(data.get("title") or ""),
        year=_optional_int(data.get("year")),
        venue=_optional_str(data.get("venue")),
        publication_venue=_optional_str(venue.get("name")) if isinstance(venue, dict) else None,
        authors=authors,
        citation_count=_optional_int(data.get("citationCount")),
        influential_citation_count=_optional_int(data.get("influentialCitationCount")),
        bibtex=_optional_str(styles.get("bibtex")) if isinstance(styles, dict) else None,
        url=_optional_str(data.get("url")),
        doi=str(doi).casefold() if doi else None,
        arxiv_id=str(arxiv) if arxiv else None,
        external_ids=tuple(sorted((str(k), str(v)) for k, v in external.items() if v is not None)),
    )


def parse_batch(data: Any, requested: Sequence[str]) -> list[S2Lookup]:
    """Batch answers are matched by position: same length and order as the ids, null = unknown."""
    if not isinstance(data, list):
        raise TypeError(f"expected a list, got {type(data).__name__}")
    if len(data) != len(requested):
        raise ValueError(f"{len(data)} results for {len(requested)} ids")
    return [_lookup(paper_id, item) for paper_id, item in zip(requested, data, strict=True)]


def _lookup(paper_id: str, item: Any) -> S2Lookup:
    """One id's answer in a batch; one that does not fit the schema is that id's failure."""
    if item is None:
        return S2Lookup(paper_id, None)
    try:
        return S2Lookup(paper_id, parse_paper(item))
    except (KeyError, TypeError, ValueError) as error:
        return S2Lookup(paper_id, None, f"S2's answer does not fit ({schema_problem(error)})")


def parse_match(data: Any) -> S2Match | None:
    """`{"data": [paper]}`: a list of one. An empty list is treated as no match."""
    if not isinstance(data, dict) or not isinstance(data.get("data", []), list):
        raise TypeError("expected {'data': [...]}")
    papers = data.get("data", [])
    if not papers:
        return None
    score = papers[0].get("matchScore") if isinstance(papers[0], dict) else None
    return S2Match(parse_paper(papers[0]), float(score) if score is not None else None)


def parse_search(data: Any) -> list[S2Paper]:
    """`{total, offset, next?, data: [paper]}`; zero hits come without a `data` key at all."""
    if not isinstance(data, dict) or not isinstance(data.get("data", []), list):
        raise TypeError("expected {'total': n, 'data': [...]}")
    return [parse_paper(item) for item in data.get("data", [])]


def search_words(title: str) -> str:
    """The title as S2's search wants it: plain words. Hyphenated terms find nothing (API
    docs), so hyphens become spaces."""
    return " ".join(title.replace("-", " ").split())


def year_filter(years: tuple[int, int]) -> str:
    """S2's `year` filter: `2021` or `2021-2023`."""
    first, last = years
    return str(first) if first == last else f"{first}-{last}"


@dataclass(frozen=True)
class CitingPaper:
    """When a paper that cites ours appeared: a year, and a full date when S2 has one."""

    year: int | None
    publication_date: str | None  # YYYY-MM-DD


@dataclass(frozen=True)
class CitationPage:
    citing: tuple[CitingPaper, ...]
    next_offset: int | None


def parse_citation_page(data: Any) -> CitationPage:
    """`{offset, next?, data: [{citingPaper: {paperId, year, publicationDate}}]}`."""
    if not isinstance(data, dict):
        raise TypeError(f"expected an object, got {type(data).__name__}")
    items = data.get("data", [])
    if not isinstance(items, list):
        raise TypeError("data is not a list")
    citing = []
    for item in items:
        paper = item.get("citingPaper") if isinstance(item, dict) else None
        if not isinstance(paper, dict):
            raise TypeError(f"expected a citingPaper object, got {item!r}"[:120])
        published = _optional_str(paper.get("publicationDate"))
        citing.append(CitingPaper(_optional_int(paper.get("year")), published))
    return CitationPage(tuple(citing), _optional_int(data.get("next")))


def _s2_error(response_text: str) -> str:
    return response_text.strip().replace("\n", " ")[:200]


class SemanticScholarClient:
    def __init__(self, http: HttpClient, base_url: str) -> None:
        self.http = http
        self.graph_url = f"{base_url.rstrip('/')}/graph/v1"

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        clock: Clock | None = None,
        limiter: Callable[[str], None] | None = None,
        gate: ApiGate | None = None,
    ) -> SemanticScholarClient:
        key = settings.s2_api_key
        profile = ApiProfile(
            name="s2",
            base_url=settings.s2_api_url,
            min_interval_s=S2_MIN_INTERVAL_WITH_KEY_S if key else S2_MIN_INTERVAL_WITHOUT_KEY_S,
            cache_ttl=S2_CACHE_TTL,
            retry=S2_RETRY,
            credentials={"x-api-key": key} if key else {},
            connect_timeout_s=S2_CONNECT_TIMEOUT_S,
        )
        http = HttpClient.for_settings(profile, settings, clock, limiter, gate)
        return cls(http, settings.s2_api_url)

    def _fail(self, url: str, status: int, text: str) -> ApiError:
        rejected = status in {401, 403}  # the key: every request gets the same answer
        hint = " (check S2_API_KEY)" if rejected else ""
        error = ApiError("s2", url, f"unexpected answer{hint}: {_s2_error(text)}", status)
        error.outage = rejected  # S2 said no to the run, not to one item
        return error

    def get_papers(self, paper_ids: Sequence[str]) -> list[S2Lookup]:
        """Look ids up in POST /paper/batch calls of at most 500; one S2Lookup per id, in order.

        A batch that keeps answering 5xx is split in halves, down to single ids, so one id S2
        chokes on (a poisoned id) is isolated and reported (`failure`) while the others resolve.
        A batch that fails otherwise after its retries (a reset, a cut body, an answer that
        does not fit) is that batch's failure only: its ids come back with `failure`, not
        `isolated`. The error is raised only when S2 is out (`is_outage`: it failed every
        request lately, or said stop)."""
        results: list[S2Lookup] = []
        for chunk in chunked(paper_ids, S2_BATCH_SIZE):
            try:
                results.extend(self._chunk(chunk, answered=bool(results)))
            except ApiError as error:
                if is_outage(error):
                    raise
                failure = f"S2 batch failed ({error.detail})"
                results.extend(S2Lookup(s2_id, None, failure, isolated=False) for s2_id in chunk)
        return results

    def _chunk(self, chunk: list[str], *, answered: bool) -> list[S2Lookup]:
        try:
            # A batch of several ids is split after SPLIT_FUSE failures, not the whole policy:
            # a poisoned id costs no minutes of backoff (issue 23).
            fuse = SPLIT_FUSE if len(chunk) > 1 else None
            return self._batch(chunk, max_server_errors=fuse)
        except ApiError as error:
            if not is_server_error(error) or len(chunk) == 1:
                raise
            return self._isolate(chunk, error, answered=answered)

    def _batch(self, ids: list[str], max_server_errors: int | None = None) -> list[S2Lookup]:
        url = f"{self.graph_url}/paper/batch"
        response, lookups = self.http.request_json(
            "POST",
            url,
            partial(parse_batch, requested=ids),
            params={"fields": S2_FIELDS},
            json_body={"ids": ids},
            max_server_errors=max_server_errors,
            read_timeout_s=batch_read_timeout(len(ids)),
        )
        if lookups is None:
            raise self._fail(url, response.status_code, response.text)
        return lookups

    def _isolate(self, ids: list[str], error: ApiError, *, answered: bool) -> list[S2Lookup]:
        """The ids of a batch that failed with 5xx, asked in halves until the failing ones are
        alone; those are reported (`failure`), the others resolve."""
        parts = split_failing_batch(
            ids, partial(self._batch, max_server_errors=HALF_FUSE), error, answered=answered
        )
        failure = f"S2 fails on this id ({error})"
        return [
            lookup
            for part, answer in parts
            for lookup in (answer if answer is not None else [S2Lookup(part[0], None, failure)])
        ]

    def match_title(self, title: str, years: tuple[int, int] | None = None) -> S2Match | None:
        """The closest title match (published within `years`, when given), or None when S2 has
        none (its 404 is an answer)."""
        url = f"{self.graph_url}/paper/search/match"
        params = {"query": search_words(title), "fields": S2_FIELDS}
        if years is not None:
            params["year"] = year_filter(years)
        response, match = self.http.request_json(
            "GET", url, parse_match, params=params, read_timeout_s=S2_READ_TIMEOUT_S
        )
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._fail(url, response.status_code, response.text)
        return match

    def search_title(
        self, title: str, years: tuple[int, int] | None = None, limit: int = SEARCH_LIMIT
    ) -> list[S2Paper]:
        """The first `limit` papers of a relevance search for the title (published within
        `years`, when given); empty when nothing matches."""
        url = f"{self.graph_url}/paper/search"
        params: dict[str, str | int] = {
            "query": search_words(title),
            "fields": S2_FIELDS,
            "limit": limit,
        }
        if years is not None:
            params["year"] = year_filter(years)
        response, papers = self.http.request_json(
            "GET", url, parse_search, params=params, read_timeout_s=S2_READ_TIMEOUT_S
        )
        if papers is None:
            raise self._fail(url, response.status_code, response.text)
        return papers

    def get_citations(self, paper_id: str, max_pages: int) -> tuple[list[CitingPaper], int, bool]:
        """The papers citing `paper_id`, paged 1,000 at a time, at most `max_pages` pages and
        the 9,999 the endpoint serves.

        Returns the citing papers, the pages fetched and whether every page was read. A paper
        S2 does not know (404) has no citations to give: an empty, complete answer.
        """
        url = f"{self.graph_url}/paper/{paper_id}/citations"
        citing: list[CitingPaper] = []
        offset: int | None = 0
        pages = 0
        while offset is not None and pages < max_pages:
            limit = min(S2_CITATIONS_PAGE, S2_CITATIONS_REACHABLE - offset)
            if limit <= 0:
                break  # S2 serves no more: the count is kept as incomplete
            params = {"fields": S2_CITATION_FIELDS, "offset": offset, "limit": limit}
            response, page = self.http.request_json(
                "GET",
                url,
                parse_citation_page,
                params=params,
                read_timeout_s=S2_CITATIONS_READ_TIMEOUT_S,
            )
            pages += 1
            if response.status_code == 404:
                return [], pages, True
            if page is None:
                raise self._fail(url, response.status_code, response.text)
            citing.extend(page.citing)
            if page.next_offset is not None and page.next_offset <= offset:
                raise self._fail(url, response.status_code, f"next {page.next_offset} <= {offset}")
            offset = page.next_offset
        return citing, pages, offset is None
