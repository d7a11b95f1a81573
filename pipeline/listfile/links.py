"""What a link in a list is: the paper, its code, or something else. The label says first
(`[PDF]`, `[Code]`, a venue name, a paper emoji), then the host. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.listfile.identifiers import paper_ids
from pipeline.listfile.markdown import Link, is_anchor_url, plain_text
from pipeline.listfile.venues import find_venue

_MIN_TITLE_WORDS = 2

CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "gitee.com")
PAPER_HOSTS = (
    "arxiv.org",
    "doi.org",
    "openreview.net",
    "aclanthology.org",
    "aclweb.org",
    "proceedings.mlr.press",
    "papers.nips.cc",
    "proceedings.neurips.cc",
    "openaccess.thecvf.com",
    "ieeexplore.ieee.org",
    "dl.acm.org",
    "link.springer.com",
    "sciencedirect.com",
    "ojs.aaai.org",
    "ijcai.org",
    "semanticscholar.org",
    "researchgate.net",
    "biorxiv.org",
    "medrxiv.org",
    "nature.com",
    "science.org",
    "jmlr.org",
    "ecva.net",
    "mdpi.com",
    "wiley.com",
    "tandfonline.com",
    "iopscience.iop.org",
    "isca-speech.org",
    "huggingface.co/papers",
    # preprint and working-paper servers, indexes and publishers of other fields
    "ssrn.com",
    "nber.org/papers",
    "ideas.repec.org",
    "citeseerx.ist.psu.edu",
    "pubmed.ncbi.nlm.nih.gov",
    "ncbi.nlm.nih.gov/pmc",
    "europepmc.org",
    "jstor.org/stable",
    "osf.io/preprints",
    "psyarxiv.com",
    "chemrxiv.org",
    "hal.science",
    "journals.plos.org",
    "frontiersin.org/articles",
    "pnas.org",
    "academic.oup.com",
    "journals.sagepub.com",
    "aeaweb.org/articles",
    "journals.aps.org",
    "pubs.acs.org",
    "pubs.rsc.org",
    "elifesciences.org/articles",
    "peerj.com/articles",
    "cell.com",
    "thelancet.com",
    "bmj.com",
    "computer.org/csdl",
)
_CODE_LABEL = re.compile(
    r"(?i)^\W*(code|codes|github|gitlab|repo|repository|implementation|official|pytorch|"
    r"tensorflow|tf|torch|jax|paddle|mindspore|colab|project code|source code|\w+ code|"
    r"octocat|computer|keras|caffe|mxnet|chainer|matlab|\U0001f4bb|\u2328\ufe0f?|\U0001f419)\W*$"
)
_PAPER_LABEL = re.compile(
    r"(?i)^\W*(paper|papers|papeer|paperr|pdf|arxiv|link|doi|openreview|html|abs|abstract|"
    r"url|publication|proceedings|article|preprint|acm|ieee|springer|full ?text|download|"
    r"论文|paper link|pdf link|pub|publisher|official paper|memo|page_facing_up|"
    r"\U0001f4dd|\U0001f4c4|\U0001f4c3|\U0001f4d1|\U0001f4dc)\W*$"
)
# Labels of links that are neither the paper nor its code.
_OTHER_LABEL = re.compile(
    r"(?i)^\W*(blog|video|slides?|talk|poster|bibtex|bib|cite|citation|demo|website|homepage|"
    r"project( page)?|page|dataset|data|models?|weights|checkpoints?|docs?|notes?|review|"
    r"zhihu|知乎|解读|media|youtube|twitter|x|huggingface|hf|leaderboard|benchmark|source|"
    r"here|this|(?:dataset|data|project|video|demo|website|web|model) link)\W*$"
)
# Labels that name any link, not a paper: they say nothing against the host.
_WEAK_PAPER_LABEL = re.compile(r"(?i)^\W*(link|url|html|download|here|website)\W*$")


def link_word_kind(label: str) -> str | None:
    """`paper`, `code` or `other` when `label` is a word for a link (`Paper`, `pdf`, `Code`,
    `Homepage`, `Video`), else None."""
    label = _NUMBERED_LABEL.sub("", label)  # `PDF1`, `code 2`: one of several
    for kind, pattern in (("code", _CODE_LABEL), ("paper", _PAPER_LABEL), ("other", _OTHER_LABEL)):
        if pattern.match(label):
            return kind
    return None


_NUMBERED_LABEL = re.compile(r"(?<=[A-Za-z])\s?\d{1,2}(?=\W*$)")


def is_link_word(label: str) -> bool:
    return link_word_kind(label) is not None


# A conference's page for one paper's poster or talk: `https://neurips.cc/virtual/2024/poster/95598`
_PRESENTATION_PAGE = re.compile(
    r"(?i)^https?://(?:www\.)?(?:[\w-]+\.)?(?:neurips\.cc|nips\.cc|icml\.cc|iclr\.cc|thecvf\.com"
    r"|aaai\.org|auai\.org)/virtual/(?:19|20)\d\d/(?:poster|oral|spotlight|paper)s?/\d+\b"
)


def names_a_paper(url: str, *, pdf: bool = True) -> bool:
    """A link that is surely to a paper: an arXiv id or a DOI (S2 looks the paper up by it),
    a paper site, or (with `pdf`) a PDF."""
    ids = paper_ids(url)
    path = url.split("?", 1)[0].split("#", 1)[0].casefold()
    is_pdf = pdf and path.endswith(".pdf")
    presented = _PRESENTATION_PAGE.match(url) is not None
    return bool(ids.arxiv_id or ids.doi) or host_matches(url, PAPER_HOSTS) or is_pdf or presented


# A search engine's results page: it finds the paper, it is not the paper
_SEARCH_PAGE = re.compile(
    r"(?i)^https?://(?:www\.)?(?:google\.[a-z.]+/search|scholar\.google\.[a-z.]+/scholar|"
    r"bing\.com/search|duckduckgo\.com/|search\.yahoo\.com/search|baidu\.com/s\?)"
)


def is_search_page(url: str) -> bool:
    return _SEARCH_PAGE.match(url.strip()) is not None


def on_code_host(url: str) -> bool:
    """A link to code: a code host's page that is not a PDF kept there."""
    return host_matches(url, CODE_HOSTS) and not _is_pdf(url)


def _is_pdf(url: str) -> bool:
    return url.split("?", 1)[0].split("#", 1)[0].casefold().endswith(".pdf")


def host_matches(url: str, hosts: Sequence[str]) -> bool:
    lowered = url.casefold()
    return any(f"//{host}" in lowered or f".{host}" in lowered for host in hosts)


def link_kind(link: Link, *, leading: bool = False) -> str:
    """`code`, `paper`, `other`, `anchor` or `title` (a link whose text is a title). A link
    that opens the item (`leading`) is a title unless its label says what it is."""
    label = plain_text(link.text)
    url = link.url.strip()
    if is_anchor_url(url):
        return "anchor"
    if is_search_page(url):
        return "other"  # `[Paper](https://scholar.google.com/scholar?q=...)`: a search, not it
    if not url:
        return "empty"
    kind = link_word_kind(label)
    if kind == "paper" and _WEAK_PAPER_LABEL.match(label) and on_code_host(url):
        return "code"  # `[link](https://github.com/o/r)`: a word for any link, to a repository
    if kind is not None:
        return kind
    if find_venue(label) is not None and len(label.split()) <= 4:
        return "paper"  # `[CVPR 2023](pdf)`: the venue names the paper link
    if leading or len(label.split()) >= _MIN_TITLE_WORDS or len(label) >= 12:
        return "title"
    if _is_pdf(url) or host_matches(url, PAPER_HOSTS):
        return "paper"  # a PDF kept in a repository is the paper, not code
    if host_matches(url, CODE_HOSTS):
        return "code"
    return "other"
