"""The Semantic Scholar Graph API endpoints of the fake (/s2)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rapidfuzz import fuzz, process
from werkzeug.wrappers import Request, Response

from fakeapi.responses import json_response
from fakeapi.world import FakePaper, World
from pipeline.listfile.identifiers import normalise_title
from pipeline.listfile.venues import find_venue


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
        self._s2_titles = [normalise_title(p.title) for p in self._s2_unique]
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
        venue = find_venue(paper.venue)
        if paper.bibtex_style == "malformed_type":
            kind, where = "['JournalArticle', 'Conference']", "booktitle"
        elif venue is not None and venue.kind == "journal":
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

    def s2_match(self, request: Request) -> Response:
        query = normalise_title(request.args.get("query", ""))
        exact = self._s2_by_title.get(query)
        if exact:
            similarity, best = 1.0, max(exact, key=lambda p: p.match_rank)
        else:
            found = process.extract(
                query, self._s2_titles, scorer=fuzz.ratio, limit=5, score_cutoff=60
            )
            if not found:
                return json_response({"error": "Title match not found"}, 404)
            top = max(round(score) for _, score, _ in found)
            candidates = [self._s2_unique[i] for _, score, i in found if round(score) == top]
            similarity, best = top / 100, max(candidates, key=lambda p: p.match_rank)
        return json_response(
            {"data": [{**self._s2_json(best), "matchScore": round(similarity * 110, 4)}]}
        )

    def s2_search(self, request: Request) -> Response:
        return json_response({"total": 0, "offset": 0})  # real zero-hit answers carry no "data"

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
