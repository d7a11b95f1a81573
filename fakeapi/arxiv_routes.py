"""The arXiv export API endpoint of the fake (/arxiv), in each Atom format arXiv has served."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from werkzeug.wrappers import Request, Response

from fakeapi.text import contains_phrase, title_key
from fakeapi.world import FakePaper, World

ARXIV_NS = (
    'xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
    'xmlns:arxiv="http://arxiv.org/schemas/atom"'
)
# The Atom formats arXiv has served: legacy (to Aug 2025), Nov 2025 (links without rel/title
# attributes), 2026 (attributes back). See api-contracts.md 2.3.
ARXIV_FORMATS = ("2025-08", "2025-11", "2026")


class ArxivRoutes:
    """FakeApi's arXiv handler, over the paper indexes `_index_arxiv` builds."""

    arxiv_format: str

    def _index_arxiv(self, world: World) -> None:
        self._arxiv = {p.arxiv_id: p for p in world.papers if p.in_arxiv and p.arxiv_id}
        self._arxiv_titles = {i: title_key(p.title) for i, p in self._arxiv.items()}

    def _arxiv_entry(self, paper: FakePaper) -> str:
        published = paper.arxiv_published or f"{paper.year or 2020}-01-01T00:00:00Z"
        authors = "".join(f"<author><name>{escape(n)}</name></author>" for n in paper.arxiv_authors)
        version = f"{paper.arxiv_id}v{paper.arxiv_version}"
        title = escape(paper.title)
        if self.arxiv_format == "2025-08":
            words = title.split()
            title = "\n  ".join(" ".join(words[i : i + 6]) for i in range(0, len(words), 6))
            links = (
                f'<link href="http://arxiv.org/abs/{version}" rel="alternate" type="text/html"/>'
                f'<link title="pdf" href="http://arxiv.org/pdf/{version}" rel="related" '
                'type="application/pdf"/>'
            )
            category = (
                '<arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" '
                f'term="{paper.arxiv_category}" scheme="http://arxiv.org/schemas/atom"/>'
            )
        else:
            attributes = self.arxiv_format == "2026"
            links = (
                f'<link href="https://arxiv.org/abs/{version}"'
                + (' rel="alternate" type="text/html"' if attributes else "")
                + f'/><link href="https://arxiv.org/pdf/{version}"'
                + (' rel="related" type="application/pdf" title="pdf"' if attributes else "")
                + "/>"
            )
            category = f'<arxiv:primary_category term="{paper.arxiv_category}"/>'
        return (
            f"<entry><id>http://arxiv.org/abs/{version}</id><updated>{published}</updated>"
            f"<published>{published}</published><title>{title}</title>"
            f"<summary>SYNTHETIC abstract.</summary>{authors}{links}{category}"
            f'<category term="{paper.arxiv_category}"/></entry>'
        )

    def _feed(self, query: str, papers: list[FakePaper], total: int) -> Response:
        entries = "".join(self._arxiv_entry(p) for p in papers)
        if self.arxiv_format == "2025-08":
            head = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
                f'<title type="html">ArXiv Query: {escape(query)}</title>'
                '<opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
                f"{total}</opensearch:totalResults>"
            )
            return Response(head + entries + "</feed>", 200, content_type="application/atom+xml")
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<feed {ARXIV_NS}>'
            f"<id>https://arxiv.org/api/fake</id><title>arXiv Query: {escape(query)}</title>"
            f"<updated>{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}</updated>"
            f"<opensearch:itemsPerPage>{len(papers)}</opensearch:itemsPerPage>"
            f"<opensearch:totalResults>{total}</opensearch:totalResults>"
            f"<opensearch:startIndex>0</opensearch:startIndex>{entries}</feed>"
        )
        return Response(body, 200, content_type="application/atom+xml; charset=UTF-8")

    def _arxiv_error(self, message: str) -> Response:
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<feed {ARXIV_NS}>'
            "<opensearch:totalResults>1</opensearch:totalResults>"
            f"<entry><id>http://arxiv.org/api/errors#{message.replace(' ', '_')}</id>"
            f"<title>Error</title><summary>{escape(message)}</summary>"
            "<author><name>arXiv api core</name></author></entry></feed>"
        )
        return Response(body, 400, content_type="application/atom+xml")

    def arxiv_query(self, request: Request) -> Response:
        try:
            max_results = int(request.args.get("max_results", "10"))
        except ValueError:
            return self._arxiv_error("max_results must be an integer")
        id_list = [i for i in request.args.get("id_list", "").split(",") if i]
        search = request.args.get("search_query", "")
        if id_list:
            found = []
            for arxiv_id in id_list:
                if not re.fullmatch(
                    r"\d{4}\.\d{4,5}(v\d+)?|[a-z\-]+(\.[A-Z]{2})?/\d{7}(v\d+)?", arxiv_id
                ):
                    return self._arxiv_error(f"incorrect id format for {arxiv_id}")
                paper = self._arxiv.get(re.sub(r"v\d+$", "", arxiv_id))
                if paper is not None:
                    found.append(paper)  # unknown ids are dropped silently
            return self._feed(f"id_list={','.join(id_list)}", found[:max_results], len(found))
        phrase = re.fullmatch(r'ti:"(.*)"', search)
        if phrase is None:
            return self._feed(f"search_query=all:{search}", [], 0)
        # A phrase query: its words in a row among the title's (fakeapi/text.py), whole words.
        words = title_key(phrase.group(1))
        matching = [
            (i, t) for i, t in self._arxiv_titles.items() if contains_phrase(t, phrase.group(1))
        ]
        if request.args.get("sortBy", "relevance") == "relevance":
            # As a search engine scores a phrase: the title that is the phrase first, then the
            # shorter titles (the phrase is more of them), then the world's order.
            matching.sort(key=lambda hit: (hit[1] != words, len(hit[1])))
        hits = [self._arxiv[i] for i, _ in matching]
        return self._feed(f"search_query={search}", hits[:max_results], len(hits))
