"""The Semantic Scholar Graph API endpoints of the fake (/s2).

Titles are compared in the fake's own form (fakeapi/text.py: case folded, punctuation as
separators, accents kept), never the product's."""

from __future__ import annotations

from datetime import date
from typing import Any

from rapidfuzz import fuzz, process
from werkzeug.wrappers import Request, Response

from fakeapi.responses import json_response
from fakeapi.text import has_hyphenated_term, title_key
from fakeapi.venues import venue_kind
from fakeapi.world import FakePaper, World


class S2Routes:
    """FakeApi's Semantic Scholar handlers, over the paper indexes `_index_s2` builds."""

    world: World
    today: date

    def _index_s2(self, world: World) -> None:
        self._papers: dict[str, FakePaper] = {}
        for paper in world.papers:
            if not paper.in_s2:
                continue
            self._papers[paper.paper_id] = paper
            self._papers[f"corpusid:{paper.corpus_id}"] = paper
            for old in paper.merged_ids:
                self._papers[old] = paper
            if paper.arxiv_id:
                self._papers[f"arxiv:{paper.arxiv_id}"] = paper
            if paper.doi:
                self._papers[f"doi:{paper.doi.casefold()}"] = paper
                self._papers[paper.doi.casefold()] = paper  # a bare DOI resolves too
        # Title indexes: most queries name a title exactly; the fuzzy search runs in C.
        self._s2_unique = list({id(p): p for p in self._papers.values()}.values())
        self._s2_titles = [title_key(p.title) for p in self._s2_unique]
        self._s2_by_title: dict[str, list[FakePaper]] = {}
        for paper, title in zip(self._s2_unique, self._s2_titles, strict=True):
            self._s2_by_title.setdefault(title, []).append(paper)

    def _s2_json(self, paper: FakePaper, asked: str | None = None) -> dict[str, Any]:
        external: dict[str, Any] = {"CorpusId": paper.corpus_id}
        if paper.arxiv_id:
            external["ArXiv"] = paper.arxiv_id
        if paper.doi:
            external["DOI"] = paper.doi
        return {
            "paperId": paper.paper_id,
            "corpusId": paper.corpus_id,
            "externalIds": external,
            "url": f"https://www.semanticscholar.org/paper/{paper.paper_id}",
            "title": paper.title,
            "venue": paper.venue or "",
            "publicationVenue": {"name": paper.venue} if paper.venue else None,
            "year": paper.year,
            "citationCount": paper.citations_on(self.today, self.world.epoch_date),
            "influentialCitationCount": paper.citations_on(self.today, self.world.epoch_date) // 10,
            "authors": [{"authorId": author_id, "name": name} for author_id, name in paper.authors],
            "citationStyles": {"bibtex": self._bibtex(paper)},
        }

    @staticmethod
    def _bibtex(paper: FakePaper) -> str:
        key = f"{paper.authors[0][1].split()[-1] if paper.authors else 'Anon'}{paper.year}"
        authors = " and ".join(name for _, name in paper.authors)
        if paper.bibtex_style == "preprint" and paper.arxiv_id:
            return (
                f"@Article{{{key},\n author = {{{authors}}},\n booktitle = {{arXiv.org}},\n"
                f" journal = {{ArXiv}},\n title = {{{paper.title}}},\n"
                f" volume = {{abs/{paper.arxiv_id}}},\n year = {{{(paper.year or 2020) - 1}}}\n}}\n"
            )
        if paper.bibtex_style == "malformed_type":
            kind, where = "['JournalArticle', 'Conference']", "booktitle"
        elif venue_kind(paper.venue) == "journal":
            kind, where = "Article", "journal"
        else:
            kind, where = "Inproceedings", "booktitle"
        return (
            f"@{kind}{{{key},\n author = {{{authors}}},\n {where} = {{{paper.venue}}},\n"
            f" title = {{{paper.title}}},\n year = {{{paper.year}}}\n}}\n"
        )

    def _lookup(self, paper_id: str) -> FakePaper | None:
        key = paper_id.strip()
        prefix, _, rest = key.partition(":")
        if rest and prefix.casefold() in {"arxiv", "doi", "corpusid"}:
            key = f"{prefix.casefold()}:{rest.casefold() if prefix.casefold() == 'doi' else rest}"
        return self._papers.get(key)

    def s2_batch(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        ids = body.get("ids")
        if not isinstance(ids, list) or len(ids) > 500:
            return json_response({"error": "ids must be a list of at most 500 ids"}, 400)
        return json_response(
            [self._s2_json(p) if (p := self._lookup(str(i))) else None for i in ids]
        )

    def _ranked(
        self, request: Request, limit: int, *, keywords: bool = False
    ) -> list[tuple[float, FakePaper]] | Response:
        """Papers by title similarity to `query` (exact titles first, then match_rank), within
        the `year` filter (`2019`, `2016-2020`, `2010-`, `-2015`) when given. With `keywords`
        (the relevance search), titles holding every word of the query are hits too."""
        query = title_key(request.args.get("query", ""))
        try:
            years = _year_range(request.args.get("year"))
        except ValueError:
            return json_response({"error": "Unacceptable query params: [year]"}, 400)

        def within(paper: FakePaper) -> bool:
            if years is None:
                return True
            first, last = years
            return paper.year is not None and first <= paper.year <= last

        exact = [p for p in self._s2_by_title.get(query, []) if within(p)]
        ranked = [(1.0, p) for p in sorted(exact, key=lambda p: -p.match_rank)]
        found = process.extract(
            query, self._s2_titles, scorer=fuzz.ratio, limit=limit + len(exact), score_cutoff=60
        )
        seen = {id(p) for _, p in ranked}
        others = [
            (round(score) / 100, self._s2_unique[i])
            for _, score, i in found
            if id(self._s2_unique[i]) not in seen and within(self._s2_unique[i])
        ]
        if keywords and query:
            wanted = set(query.split())
            seen |= {id(p) for _, p in others}
            others += [
                (fuzz.ratio(query, title) / 100, paper)
                for paper, title in zip(self._s2_unique, self._s2_titles, strict=True)
                if id(paper) not in seen and within(paper) and wanted <= set(title.split())
            ]
        others.sort(key=lambda pair: (-pair[0], -pair[1].match_rank))
        return (ranked + others)[:limit]

    def s2_match(self, request: Request) -> Response:
        ranked = self._ranked(request, 5)
        if isinstance(ranked, Response):
            return ranked
        if not ranked:
            return json_response({"error": "Title match not found"}, 404)
        similarity, best = ranked[0]
        return json_response(
            {"data": [{**self._s2_json(best), "matchScore": round(similarity * 110, 4)}]}
        )

    def s2_search(self, request: Request) -> Response:
        """Relevance search, as titles go: `{total, offset, next?, data}`, at most 100 a page
        and 1,000 in all; zero hits carry no `data` key (as recorded from the real API), and a
        query with a hyphenated term has zero hits (as documented)."""
        try:
            offset = int(request.args.get("offset", "0"))
            limit = int(request.args.get("limit", "100"))
        except ValueError:
            return json_response({"error": "Unacceptable query params: offset, limit"}, 400)
        if not 0 < limit <= 100 or offset < 0 or offset + limit > 1000:
            return json_response({"error": f"Unacceptable query params: [limit={limit}]"}, 400)
        ranked = self._ranked(request, 1000, keywords=True)
        if isinstance(ranked, Response):
            return ranked
        if has_hyphenated_term(request.args.get("query", "")):
            ranked = []  # "hyphenated terms yield no matches" (S2's documentation)
        if not ranked:
            return json_response({"total": 0, "offset": 0})
        page = ranked[offset : offset + limit]
        body: dict[str, Any] = {
            "total": len(ranked),
            "offset": offset,
            "data": [self._s2_json(paper) for _, paper in page],
        }
        if offset + limit < len(ranked):
            body["next"] = offset + limit
        return json_response(body)

    def s2_paper(self, request: Request, paper_id: str) -> Response:
        paper = self._lookup(paper_id)
        if paper is None:
            return json_response({"error": f"Paper with id {paper_id} not found"}, 404)
        return json_response(self._s2_json(paper))

    def s2_citations(self, request: Request, paper_id: str) -> Response:
        """`{offset, next?, data: [{citingPaper: {...}}]}`, `limit` at most 1,000 (S2 docs)."""
        paper = self._lookup(paper_id)
        if paper is None:
            return json_response({"error": f"Paper with id {paper_id} not found"}, 404)
        try:
            offset = int(request.args.get("offset", "0"))
            limit = int(request.args.get("limit", "100"))
        except ValueError:
            return json_response({"error": "Unacceptable query params: offset, limit"}, 400)
        if not 0 < limit <= 1000 or offset < 0:
            return json_response({"error": f"Unacceptable query params: [limit={limit}]"}, 400)
        if offset + limit >= 10000:
            return json_response({"error": "The sum of offset and limit must be < 10000"}, 400)
        total = paper.citations_on(self.today, self.world.epoch_date)
        end = min(total, offset + limit)
        wanted = [f for f in request.args.get("fields", "").split(",") if f]
        data = []
        for index in range(offset, end):
            citing = paper.citing_paper(index, self.world.epoch_date)
            data.append(
                {"citingPaper": {k: v for k, v in citing.items() if k == "paperId" or k in wanted}}
            )
        body: dict[str, Any] = {"offset": offset, "data": data}
        if end < total:
            body["next"] = end
        return json_response(body)


def _year_range(text: str | None) -> tuple[int, int] | None:
    """S2's `year` filter as an inclusive range; None without one. ValueError when unreadable."""
    if not text:
        return None
    first, dash, last = text.partition("-")
    if not dash:
        return int(first), int(first)
    return (int(first) if first else 0, int(last) if last else 9999)
