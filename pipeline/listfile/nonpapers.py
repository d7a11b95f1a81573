"""What is not a paper: sections that hold none, and the rows of a paper table that are blog
posts, announcements, tools or model names. Pure."""

from __future__ import annotations

import re

from pipeline.listfile.links import PAPER_HOSTS, names_a_paper, on_code_host
from pipeline.listfile.markdown import IDEOGRAPH, find_links, plain_text, word_count
from pipeline.listfile.model import SkipReason
from pipeline.listfile.venues import find_venue
from pipeline.listfile.years import year_from_text

# Bullets with links under these headings are navigation or prose, not papers.
NON_PAPER_SECTION = re.compile(
    r"(?i)\b(contents|toc|contribut\w*|licen[cs]e|acknowledg\w*|"
    r"related (awesome )?(lists?|repo\w*|projects?|resources?|links?)|"
    r"other (awesome )?lists?|see also)\b"
    # `Citation`, `How to cite`, `📖 Citation`: how to cite the list; not `Citation Recommendation`
    r"|^\W*(?:citations?|cite|citing|bibtex|how to cite(?: us| this(?: \w+)?)?|"
    r"cite (?:us|this(?: \w+)?))\W*$"
)
# Headings that are nothing but a kind of non-paper resource ("Talks", "Implementations",
# "Libraries and Tools"), or end in one ("Distiller Tools", "Github Repositories"):
# everything under them, subsections included, holds no papers. A resource word that opens
# a longer heading does not count: "Tool Selection" in a list about LLM agents holds papers.
_RESOURCE = (
    r"talks?|tutorials?|videos|blogs?|podcasts?|courses?|lectures?|implementations?|tools?|"
    r"toolkits?|toolbox(?:es)?|librar(?:y|ies)|frameworks?|competitions?|challenges|news|"
    r"updates?|star history|slides|demos?|codebases?|software|packages?|github|(?:text)?books?|"
    r"webcasts?|"
    r"leaderboards?|video lectures?|lecture notes|online courses?|contacts?|contact (?:me|us)|"
    r"feedback|workshops?|conferences?|events?|datasets?|databases?|corpora|benchmarks?|notebooks?|"
    r"(?:jupyter|colab)(?: notebooks?| tutorials?)?|"
    r"(?:github )?repositories|repos|"
    r"laborator(?:y|ies)|labs?|(?:research )?groups|research labs|people|researchers|products"
)
_RESOURCES = rf"(?:{_RESOURCE})(?:\s*(?:and|&|,|/)\s*(?:{_RESOURCE}))*"
# Words that name resources only beside a resource word (`Articles and Blogs`), or alone
# where the word cannot be a topic (`Blog Posts`, `Changelog`, `Related`, `Data`)
_WEAK_RESOURCE = (
    r"articles?|posts?|resources?|links?|others?|misc|materials?|websites?|sites?|"
    r"content websites?|channels?"
)
_ALONE = (
    r"blog ?posts?|posts|change ?log|what'?s new|release notes|related|data|"
    r"(?:news|updates?) (?:and|&) (?:updates?|news)|external (?:reading )?lists?|"
    # the same kinds in Chinese: books, talks, tutorials, blogs, videos, tools, datasets,
    # courses, news, code, related links
    r"书籍|书|演讲|报告|教程|博客|视频|工具|工具包|数据集|数据|课程|新闻|动态|代码|代码库|相关链接|其他"
)
# `Tutorial List`, `Conference/Workshop List`: resources named with a "list" after them
NON_PAPER_HEADING = re.compile(
    rf"(?i)^(?:{_RESOURCES}(?:\s*(?:and|&|,|/)?\s*(?:{_WEAK_RESOURCE}))*"
    rf"|(?:{_WEAK_RESOURCE})\s*(?:and|&|,|/)\s*{_RESOURCES}|{_ALONE})(?:\s+lists?)?$"
)
_RESOURCE_KINDS = (
    r"(?:tools|toolkits|librar(?:y|ies)|repositories|repos|codebases|packages|blogs|talks|"
    r"tutorials|slides|videos|books|leaderboards?|datasets?|workshops|conferences|courses|"
    r"lectures|podcasts|competitions|challenges|events|symposi(?:a|ums)|journals|magazines|"
    r"venues|projects)"
)
# `Academic Workshops`, `Open-source Tools`, `Academic conferences & symposiums`, `Other
# Projects` (a heading of `Projects` alone may list research projects by their papers)
_ENDS_IN_RESOURCE = re.compile(
    rf"(?i)^[\w.+-]+(?: [\w.+-]+)? {_RESOURCE_KINDS}(?:\s*(?:&|and|,|/)\s*{_RESOURCE_KINDS})?$"
)
# Headings of learning material: under them a PDF is the book, the slides or the notes
_MATERIAL = re.compile(
    r"(?i)\b(?:(?:text)?books?|courses?|lectures?|lecture notes|talks?|tutorials?|slides|videos?|"
    r"podcasts?|keynotes?|reading materials?)\b|书|课程|教程|演讲|视频|讲义"
)

# Venue cells that name a kind of resource, not where a paper appeared.
_NON_PAPER_VENUES = frozenset(
    {
        "blog",
        "blog post",
        "blogpost",
        "toolkit",
        "tool",
        "library",
        "software",
        "website",
        "news",
        "product",
        "api",
        "package",
        "leaderboard",
        "model card",
    }
)
_BLOG_URL = re.compile(
    r"(?i)^https?://(?:blogs?\.[^/]+/|[^/]+/(?:[^?#]*/)?"
    r"(?:blogs?|news|announcements?|index)(?:/|[-_]|$))"
)
# `/2018/06/17/title/`, `someone.blog/...`, `/posts/title`: a post, however long its title
_DATED_POST_URL = re.compile(
    r"(?i)^https?://(?:[^/]+\.blog/|[^/]+/(?:[^?#]*/)?(?:posts?/|(?:19|20)\d\d/[01]\d/))"
)
_SLIDES_URL = re.compile(
    r"(?i)\.(?:pptx?|key|odp)(?:[?#]|$)"
    r"|^https?://(?:[\w-]+\.)*(?:slideshare\.net|speakerdeck\.com|slides\.com)/"
)
# `rase-challenge.github.io`, `www.codabench.org/competitions/...`: a challenge's site
_EVENT_URL = re.compile(
    r"(?i)^https?://[^/?#]*(?:challenge|competition)[^/?#]*/"
    r"|^https?://(?:[\w-]+\.)*(?:codabench\.org|codalab\.org|eval\.ai)/"
)
# `Curated List of X Resources`, `Awesome X`, `A Reading List on X`: another list
_OTHER_LIST = re.compile(
    r"(?i)^(?:awesome\b|.*\b(?:curated|awesome|reading)\s+lists?\b"
    r"|(?:a\s+)?list of\b.*\bresources\b)"
)
# `sciencedirect.com/book/978...`, `link.springer.com/book/10.1007/...`: a book's page, on a
# publisher's site; `aclanthology.org/volumes/2020.x-1/`: a whole volume of proceedings
_BOOK_URL = re.compile(r"(?i)^https?://[^/?#]+/(?:[^?#]*/)?books?/")
# a volume of proceedings; a venue's or workshop's page on OpenReview (`/group?id=`,
# `/submissions?venue=`), where its papers are `/forum?id=` and `/pdf?id=`
_VOLUME_URL = re.compile(
    r"(?i)^https?://(?:[^/?#]+/(?:[^?#]*/)?volumes/|(?:www\.)?openreview\.net/(?:group|submissions)\b)"
)
# Where a link goes to a page that is no paper: social and chat sites, data and notebook
# hosts, documentation.
_SITE_URL = re.compile(
    r"(?i)^https?://(?:[\w-]+\.)*(?:twitter\.com|x\.com|discord\.gg|discord\.com|slack\.com|"
    r"t\.me|facebook\.com|instagram\.com|linkedin\.com|youtube\.com|youtu\.be|"
    r"kaggle\.com|colab\.research\.google\.com|readthedocs\.io|"
    # a model's, dataset's or demo's page (a paper's page is `huggingface.co/papers/...`)
    r"huggingface\.co/(?!papers/)[^/?#]+(?=/)|"
    # app stores, video sites, forums of posts
    r"play\.google\.com|apps\.apple\.com|bilibili\.com|b23\.tv|vimeo\.com|"
    r"lesswrong\.com|alignmentforum\.org|"
    # an encyclopedia's article, a shop's or a catalogue's page for a book
    r"wikipedia\.org|ncatlab\.org|wikidata\.org|amazon\.[a-z.]{2,6}|books\.google\.[a-z.]{2,6}|goodreads\.com|"
    r"docs\.[\w.-]+)(?:/|$)"
)
_POST_HOST = re.compile(
    r"(?i)^https?://(?:[\w-]+\.)*(?:medium\.com|towardsdatascience\.com|substack\.com)/"
)
_ANNOUNCEMENT = re.compile(r"(?i)^(?:introducing|announcing|meet)\b")
# `[Share on Twitter](http://twitter.com/home?status=...)`: buttons to share the list itself.
_SHARE_URL = re.compile(
    r"(?i)^https?://(?:www\.)?(?:twitter\.com/(?:home\?status|intent/tweet|share)|x\.com/intent/"
    r"|facebook\.com/shar|plus\.google\.com/share|linkedin\.com/(?:shareArticle|sharing)"
    r"|reddit\.com/submit|news\.ycombinator\.com/submitlink|t\.me/share|"
    r"(?:service\.)?weibo\.com/share)"
)


def bare_heading(heading: str) -> str:
    """A heading without numbering, emoji and punctuation around it: `3.1 Tools :hammer:`."""
    text = re.sub(r":[a-z0-9_+-]+:", " ", heading)
    text = re.sub(r"^[\W\d_]+|[\W_]+$", "", text)
    return " ".join(text.split())


def is_non_paper_heading(heading: str) -> bool:
    """`Tools`, `Distiller Tools`, `框架与库 | Frameworks and Libraries`: a resource heading
    (each side of a bilingual `|` heading is tried)."""
    parts = [bare_heading(part) for part in heading.split("|")]
    return any(NON_PAPER_HEADING.match(part) or _ENDS_IN_RESOURCE.match(part) for part in parts)


def paper_among_resources(heading: str, paper_url: str | None, title: str, markdown: str) -> bool:
    """Whether an item under a resource heading (`Tools`, `Books`) is a paper all the same: its
    link surely names a paper (under books, courses or talks a PDF is the material itself), and
    its title is not the name of a repository it links (`[Tool](github) - what it does
    ([paper](arxiv))` is the tool, cited with its paper)."""
    if paper_url is None or _BOOK_URL.match(paper_url):
        return False
    if not names_a_paper(paper_url, pdf=_MATERIAL.search(bare_heading(heading)) is None):
        return False
    short = len(title.split()) <= _NAME_WORDS and not IDEOGRAPH.search(title)
    if short and year_from_text(markdown) is None:
        return False  # `[SIGACT News](acm-dl-url)` under journals: a name, not a title
    data = _DATA_HEADING.search(bare_heading(heading)) is not None
    if data and (short or _CITED_BESIDE.search(markdown)):
        # `| FSCS (Niklaus et al., 2021) | [📄](arxiv) |` under datasets: the data's name, its
        # paper cited beside it
        return False
    if data and (
        _names_its_data(markdown) or _DATA_HOST.match(paper_url) or _DATA_DOI.search(paper_url)
    ):
        # `**DFDC**: Its paper's title. [Paper](arxiv) [Download](kaggle)`, or a link to the
        # files themselves (`[Original version](https://doi.org/10.6084/m9.figshare.978904)`)
        return False
    named = title.strip().casefold()
    return not any(
        on_code_host(link.url) and plain_text(link.text).strip().casefold() == named
        for link in find_links(markdown)
    )


# A heading over data: `Datasets`, `Benchmarks and Datasets`, `Data`, `Corpora`
_DATA_HEADING = re.compile(r"(?i)\b(?:data(?:\s?sets?)?|corpus|corpora|databases?|benchmarks?)\b")
# `Pile of Law (Henderson et al., 2022)`: a name, and the paper that brought it cited beside it
_CITED_BESIDE = re.compile(
    r"\w\s*\((?:[A-Z][\w'\u2019-]+(?:\s+et\s+al\.?|\s+(?:and|&)\s+[A-Z][\w'\u2019-]+)?),?\s+"
    r"(?:19|20)\d\d[a-z]?\)"
)
# A link that hands out the data: its label, or a host that keeps datasets
_DATA_LABEL = re.compile(r"(?i)^\W*(?:download|data|dataset|get (?:the )?data|\w+ data)\W*$")
_DATA_HOST = re.compile(
    r"(?i)^https?://(?:[\w-]+\.)*(?:kaggle\.com|zenodo\.org|figshare\.com|physionet\.org|"
    r"huggingface\.co/datasets/|drive\.google\.com|dropbox\.com|pan\.baidu\.com|"
    r"dataverse\.\w+|data\.mendeley\.com)"
)


# `**DFDC**:`, `**NAME** (2020) -`, `[NAME](site):`: an item that opens with a short name
_LEADING_NAME = re.compile(
    r"^\s*(?:[-*+]|\d{1,3}[.)])?\s*(?:(\*\*|__)(?P<bold>[^*_]{1,40})\1|\[(?P<linked>[^\[\]]{1,40})\]"
    r"\([^()\s]*\))\s*(?:\([^()]{1,20}\))?\s*(?::|[-\u2013\u2014]\s)"
)

# DOIs that data repositories mint: Figshare, Zenodo, Dryad, CaltechDATA, Mendeley Data, Harvard
# Dataverse, PhysioNet, PANGAEA
_DATA_DOI = re.compile(r"(?i)\b10\.(?:6084|5281|5061|22002|17632|7910|13026|1594)/")


def _names_its_data(markdown: str) -> bool:
    """An item that opens with the data's name and links where the data is got: the dataset's
    entry, though it cites the dataset's paper too. (A row of a table of paper titles that links
    its data is the paper.)"""
    named = _LEADING_NAME.match(markdown)
    if named is None or len((named.group("bold") or named.group("linked")).split()) > 3:
        return False
    return any(
        _DATA_LABEL.match(plain_text(link.text)) or _DATA_HOST.match(link.url.strip())
        for link in find_links(markdown)
    )


def _on_paper_host(url: str) -> bool:
    lowered = url.casefold()
    return any(f"//{host}" in lowered or f".{host}" in lowered for host in PAPER_HOSTS)


_NAME_WORDS = 2
_FUNCTION_WORD = re.compile(r"\s(?:for|of|the|with|in|on|to|and|via|from|by|a|an|is|are)\s")


# `[Browse](./papers/2026/index.md)`, `[2021](2021/README.md)`: another page of the list
_LIST_PAGE = re.compile(r"(?i)^(?!https?:|//)[^?#\s]*\.(?:md|markdown)(?:[?#].*)?$")
# `Title (Book)`, the same in full-width brackets, `Title, Second Edition`, `Title, 2nd ed.`
_BOOK_TITLE = re.compile(
    r"(?i)[(\uff08]\s*(?:text)?book\s*[)\uff09]"
    r"|\b(?:first|second|third|fourth|fifth|\d(?:st|nd|rd|th))\s+(?:edition|ed\b\.?)(?=\W*$)"
)
# `Past DUC Data`, `Original Dataset.`, `The Stanford 3D Scanning Repository`: a short name
# that ends in a kind of data (`Text as Data`, `Six Provocations for Big Data` are titles)
_DATA_NAME = re.compile(
    r"(?i)^(?:the\s+)?(?:(?!(?:as|for|of|the|with|in|on|to|and|via|from|by|a|an|is|are)\b)\S+\s+)"
    r"{0,5}(?:data|data ?sets?|database|corpus|corpora|repository|data portal)\W*$"
)


def non_paper_row(
    title: str,
    paper_url: str | None,
    venue: str | None,
    *,
    mostly_linked: bool,
    cited: bool = False,
    dated: bool = False,
) -> tuple[SkipReason, str] | None:
    """Why a row of a paper table is not a paper (or None when it may be one): a blog post or
    announcement, a tool, or a bare name without the paper link its neighbours all have."""
    if not re.search(r"[^\W\d_]", title):
        return SkipReason.NO_TITLE, "no words in its title cell (`[5], [6]`: references?)"
    if paper_url and _SHARE_URL.match(paper_url):
        return SkipReason.SHARE_BUTTON, "a button to share the list, not a paper"
    if paper_url and _LIST_PAGE.match(paper_url.strip()):
        return SkipReason.CONTENTS, "links another page of the list, not a paper"
    if _BOOK_TITLE.search(title):
        return SkipReason.BOOK, "its title says it is a book"
    if paper_url and _BOOK_URL.match(paper_url) and not cited:
        # a chapter is cited in quotes, linked to its book (`"Title" by A. Author ... (2014)`)
        return SkipReason.BOOK, "links a book's page, not a paper"
    if paper_url and _VOLUME_URL.match(paper_url):
        return SkipReason.VENUE_INDEX, "links a volume of proceedings or a venue's page"
    kind = plain_text(venue or "").strip(" .").casefold()
    if kind in _NON_PAPER_VENUES:
        return SkipReason.POST, f"its venue says {venue!r}: not a paper"
    if paper_url and not _on_paper_host(paper_url) and not paper_url.casefold().endswith(".pdf"):
        if _SLIDES_URL.search(paper_url):
            return SkipReason.POST, "links slides, not a paper"
        if _SITE_URL.match(paper_url):
            return SkipReason.POST, "links a social, community, data or documentation page"
        if _EVENT_URL.match(paper_url):
            return SkipReason.EVENT, "links a challenge's or competition's site, not a paper"
        if _OTHER_LIST.match(title):
            return SkipReason.POST, "names another list, not a paper"
        published = find_venue(venue or "") is not None or year_from_text(venue or "") is not None
        if _DATA_NAME.match(title) and not (published or dated):
            return SkipReason.POST, "names data, a corpus or a repository, not a paper"
        blog_post = _POST_HOST.match(paper_url) or _DATED_POST_URL.match(paper_url)
        if blog_post and not published:
            return SkipReason.POST, "links a post on a blogging site, with no venue"
        if _BLOG_URL.match(paper_url):
            return SkipReason.BLOG_POST, "links a blog post, not a paper"
        if _ANNOUNCEMENT.match(title):
            return SkipReason.POST, "an announcement, not a paper"
    # `WidgetKit`, `Widget Lab`: a name; `Networks for Widgets`, `Learning Über Widgets` and
    # `多模态大模型的评测基准` read as titles
    phrase = _FUNCTION_WORD.search(title) is not None
    words = word_count(title)
    unlinked_name = (
        words <= _NAME_WORDS and ":" not in title and not phrase and not find_venue(venue or "")
    )
    if paper_url is None and mostly_linked and unlinked_name:
        reason = "a name without a paper link, where its table links papers (a tool or model?)"
        return SkipReason.NAME_WITHOUT_LINK, reason
    return None


# Events, not papers: `CVPR 2023 Workshop on Learning with Limited Labels`, `NTIRE 2024 Challenge`.
# `International Conference on Distributed Systems (OPODIS)`, `Journal of X`: a venue's name
_VENUE_NAME = re.compile(
    r"(?i)^(?:[\w&-]+ ){0,3}(?:conference|journal|transactions|proceedings) (?:on|of)\b"
)
_EVENT = re.compile(
    r"(?i)\b(?:workshops?|tutorials?|symposium|summer school|winter school|hackathon|keynotes?|"
    r"webinars?|meetups?|bootcamp)\b|\b(?:[A-Z]{2,}[\w-]*|(?:19|20)\d\d) Challenge\b"
)
_DATE = (
    r"(?:(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])(?:[-/.]\d{1,2})?"
    r"|(?:0?[1-9]|1[0-2])[-/.](?:19|20)\d\d"
    r"|(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)\d\d)"
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# `2023-05-01: added 12 papers`, `[2023/05/01] Update`, `**Nov 2024**: new section`
_CHANGELOG = re.compile(
    rf"(?i)^\W*(?:{_DATE}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"
    rf"|{_MONTH}\s+(?:19|20)\d\d)"
    r"\W*\s*(?:[:\-\u2013\u2014]\s*)?"
    r"(?:\S+\s+){0,6}?(?:add|added|adds|adding|update|updated|updates|release|released|new|news|"
    r"fix|fixed|reorgani[sz]ed|merged?|welcome|accepted|launch|launched|moved|renamed|"
    r"created|we|our|now)\b"
)
# `**[Oct 2021]** Release of [version 2](url) ...`: a date, then at once what changed (the
# date may be a tag the title was read after)
_DATED_CHANGE = re.compile(
    rf"(?i)^\W*(?:{_DATE}|{_MONTH}\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?(?:19|20)\d\d)\W*"
    r"(?:we\s+|🔥\s*)?(?:add|added|adds|adding|update|updated|updates|release|released|"
    r"fix|fixed|reorgani[sz]ed|merged?|launch|launched|moved|renamed|created)\b"
)
_INDEX_WORDS = re.compile(
    r"(?i)\b(?:papers?|accepted|list|lists|proceedings|open ?access|main|conference|track|"
    r"program|all|full|index|oral|orals|posters?|highlights?|(?:19|20)\d\d|'?\d\d)\b"
)


# `[Subscribe to our newsletter](url)`, `Follow us on Twitter`, `Join our Discord`
_CALL_TO_ACTION = re.compile(
    r"(?i)^\W*(?:subscribe|follow us|join (?:us|our)|sign up|star this|watch this|contact us|"
    r"sponsor|donate|buy me)\b"
)
# `Brown CSCI 2270 Advanced Topics`, `Stanford CS229: Machine Learning`, `PhD qualifying exam`
_COURSE = re.compile(
    r"(?:^|\s)(?:CS|CSCI|CSE|EE|ECE|COS|COMP|INFO|STAT|MATH)\s?\d{3,4}[A-Za-z]?\b"
    r"|(?i:\bqualifying exams?\b|\bsyllabus\b|\b(?:lecture|reading|class|study) notes\b)"
)
# `(CBDAR2019 keynote)`, `(CVPR 2020 Tutorial)`: an event named in an aside
_EVENT_ASIDE = re.compile(
    r"(?i)[(\[][^()\[\]]{0,40}\S\s+(?:keynote|tutorial|invited talk|talk)s?\b"
    r"[^()\[\]]{0,20}[)\]]"  # a word before it: not a `[talk]` link's label
)
# `CS 262a class summary slides`, `Lecture 3 slides`
_SLIDES_TITLE = re.compile(r"(?i)\b(?:slides|slide deck)\W*$")
_PROCEEDINGS = re.compile(r"(?i)^\W*proceedings of (?:the )?\w+")
# `Slides on X`, `Tutorial on [X](url)`, `Datasets for X`, `**News**: X`, `Google AI Blog: X`
_RESOURCE_LEAD = re.compile(
    r"(?i)^\W*(?:(?:slides|tutorials?|courses?|lectures?|talks?|podcasts?|keynotes?)\W*\s*"
    r"(?:on|about|:)\s|datasets\W*\s*(?:for|:)\s|(?:news|videos?|books?|textbooks?)\W*\s*:\s"
    r"|(?:[\w.-]+\s){0,3}blog\s*[:\-]\s)"  # not `Video for Learning`, a title
)
_CALL = re.compile(r"(?i)\b(?:special issue|call for papers|cfp|submission deadline|deadline)\b")
# `... 2019. Online; accessed 19-December-2019.`, `Accessed: 2020-05-01`, `Retrieved May 3, 2020,
# from`: a web page cited with the day it was read
_ACCESSED = re.compile(r"(?i)\b(?:online;\s*accessed|accessed(?: on)?:?\s+\d|retrieved\s+\w+\s+\d)")
# `SegMamba accepted by MICCAI24!`, `Two papers accepted to ICML 2024`: news of an acceptance
_ACCEPTED = re.compile(
    r"(?i)\b(?:is|are|was|were|got|been|gets|get)?\s*accepted\s+(?:by|to|at|in|as)\b"
    r"|\baccepted by\W*$"
)
# `**Note: the following papers are from ...**`, `NB: ...`: a note to the reader
_NOTE = re.compile(r"(?i)^\W*(?:note|nb|n\.b\.|p\.s\.|ps)\s*:")


def non_paper_item(
    title: str, sure_paper_link: bool, has_links: bool, text: str = ""
) -> tuple[SkipReason, str] | None:
    """Why an item that reads like a paper is something else, judged from what it says: an
    event (a workshop, challenge or tutorial), a link to a venue's page, or a changelog line.
    An item with a link that surely names a paper (an arXiv id, a DOI, a paper site, a PDF)
    is a paper whatever its words."""
    words = plain_text(title)
    if _CALL_TO_ACTION.match(words) and not sure_paper_link:
        return SkipReason.POST, "a call to follow, join or subscribe, not a paper"
    if _PROCEEDINGS.match(words):
        return SkipReason.VENUE_INDEX, "a volume of proceedings, not a paper"
    if not sure_paper_link and (_RESOURCE_LEAD.match(words) or _RESOURCE_LEAD.match(text)):
        return SkipReason.TAGGED, "named as slides, a tutorial, a dataset, news or a post"
    dated_news = _CHANGELOG.match(words) or _DATED_CHANGE.match(text)
    if dated_news and not sure_paper_link:
        return SkipReason.CHANGELOG, "a dated news or update line, not a paper"
    if _ACCEPTED.search(words) and not sure_paper_link:
        return SkipReason.CHANGELOG, "news of a paper accepted somewhere, not a paper"
    if _NOTE.match(words) and not sure_paper_link:  # `NOTE: Robust ...` may be a method's name
        return SkipReason.TAGGED, "a note to the reader, not a paper"
    if _ACCESSED.search(text) and not sure_paper_link:
        return SkipReason.POST, "a web page cited with the day it was read, not a paper"
    if _BOOK_TITLE.search(words):
        return SkipReason.BOOK, "its title says it is a book"
    rest = " ".join(_INDEX_WORDS.sub(" ", words).split())
    if has_links and rest and len(rest.split()) <= 3 and find_venue(rest) is not None:
        index = re.fullmatch(r"(?i)[\w&.' -]+", rest) is not None
        if index and find_venue(words) is not None:
            return SkipReason.VENUE_INDEX, f"{words!r} names a venue, not a paper"
    if _VENUE_NAME.search(words) and not sure_paper_link and year_from_text(words) is None:
        return SkipReason.VENUE_INDEX, f"{words!r} names a venue, not a paper"
    if _COURSE.search(words) and not sure_paper_link:
        return SkipReason.EVENT, "a course, not a paper"
    if _EVENT_ASIDE.search(text) or _SLIDES_TITLE.search(words):  # even a PDF is its slides
        return SkipReason.EVENT, "a keynote, tutorial or talk, not a paper"
    if (_EVENT.search(words) or _CALL.search(f"{words} {text}")) and not sure_paper_link:
        return SkipReason.EVENT, "a workshop, challenge, tutorial or talk, not a paper"
    return None
