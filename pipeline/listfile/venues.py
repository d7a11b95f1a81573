"""Venue names: the acronyms lists use, the long names APIs use, and what kind of venue each is.

Used to tell whether two venue texts conflict (a guard on title matches) and to write BibTeX
(`@inproceedings{booktitle=...}` for conferences, `@article{journal=...}` for journals).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pipeline.listfile.identifiers import normalise_title


@dataclass(frozen=True)
class Venue:
    acronym: str
    kind: Literal["conference", "journal", "preprint"]
    name: str  # the long name, as BibTeX booktitle/journal
    aliases: tuple[str, ...] = ()  # other spellings, normalised


VENUES: tuple[Venue, ...] = (
    Venue(
        "CVPR",
        "conference",
        "IEEE/CVF Conference on Computer Vision and Pattern Recognition",
        ("computer vision and pattern recognition",),
    ),
    Venue(
        "ICCV",
        "conference",
        "IEEE/CVF International Conference on Computer Vision",
        ("international conference on computer vision",),
    ),
    Venue(
        "ECCV",
        "conference",
        "European Conference on Computer Vision",
        ("european conference on computer vision",),
    ),
    Venue(
        "WACV",
        "conference",
        "IEEE/CVF Winter Conference on Applications of Computer Vision",
        (
            "workshop on applications of computer vision",
            "winter conference on applications of computer vision",
        ),
    ),
    Venue(
        "NeurIPS",
        "conference",
        "Advances in Neural Information Processing Systems",
        ("neural information processing systems", "nips"),
    ),
    Venue(
        "ICLR",
        "conference",
        "International Conference on Learning Representations",
        ("international conference on learning representations",),
    ),
    Venue(
        "ICML",
        "conference",
        "International Conference on Machine Learning",
        ("international conference on machine learning",),
    ),
    Venue(
        "AAAI",
        "conference",
        "AAAI Conference on Artificial Intelligence",
        ("aaai conference on artificial intelligence",),
    ),
    Venue(
        "IJCAI",
        "conference",
        "International Joint Conference on Artificial Intelligence",
        ("international joint conference on artificial intelligence",),
    ),
    Venue(
        "ACM MM",
        "conference",
        "ACM International Conference on Multimedia",
        ("acm multimedia", "acmmm", "acm international conference on multimedia"),
    ),
    Venue(
        "MICCAI",
        "conference",
        "International Conference on Medical Image Computing and Computer-Assisted Intervention",
        ("medical image computing and computer assisted intervention",),
    ),
    Venue(
        "BMVC",
        "conference",
        "British Machine Vision Conference",
        ("british machine vision conference",),
    ),
    Venue(
        "TPAMI",
        "journal",
        "IEEE Transactions on Pattern Analysis and Machine Intelligence",
        ("pami", "ieee transactions on pattern analysis and machine intelligence"),
    ),
    Venue(
        "TIP",
        "journal",
        "IEEE Transactions on Image Processing",
        ("ieee transactions on image processing",),
    ),
    Venue(
        "TMM", "journal", "IEEE Transactions on Multimedia", ("ieee transactions on multimedia",)
    ),
    Venue(
        "TCSVT",
        "journal",
        "IEEE Transactions on Circuits and Systems for Video Technology",
        ("ieee transactions on circuits and systems for video technology",),
    ),
    Venue(
        "TMI",
        "journal",
        "IEEE Transactions on Medical Imaging",
        ("ieee transactions on medical imaging",),
    ),
    Venue(
        "IJCV",
        "journal",
        "International Journal of Computer Vision",
        ("international journal of computer vision",),
    ),
    Venue("PR", "journal", "Pattern Recognition", ("pattern recognition",)),
    # Beyond vision: the venues of the paper lists in NLP, IR, data mining, ML, robotics, speech.
    Venue(
        "ACL",
        "conference",
        "Annual Meeting of the Association for Computational Linguistics",
        ("annual meeting of the association for computational linguistics",),
    ),
    Venue(
        "EMNLP",
        "conference",
        "Conference on Empirical Methods in Natural Language Processing",
        ("empirical methods in natural language processing",),
    ),
    Venue(
        "NAACL",
        "conference",
        "North American Chapter of the Association for Computational Linguistics",
        ("north american chapter of the association for computational linguistics",),
    ),
    Venue(
        "COLING",
        "conference",
        "International Conference on Computational Linguistics",
        ("international conference on computational linguistics",),
    ),
    Venue(
        "KDD",
        "conference",
        "ACM SIGKDD Conference on Knowledge Discovery and Data Mining",
        ("knowledge discovery and data mining", "sigkdd"),
    ),
    Venue(
        "WWW",
        "conference",
        "The Web Conference",
        ("the web conference", "web conference", "the acm web conference"),
    ),
    Venue(
        "SIGIR",
        "conference",
        "International ACM SIGIR Conference on Research and Development in Information Retrieval",
        ("research and development in information retrieval",),
    ),
    Venue(
        "WSDM",
        "conference",
        "ACM International Conference on Web Search and Data Mining",
        ("web search and data mining",),
    ),
    Venue(
        "CIKM",
        "conference",
        "ACM International Conference on Information and Knowledge Management",
        ("information and knowledge management",),
    ),
    Venue(
        "RecSys",
        "conference",
        "ACM Conference on Recommender Systems",
        ("conference on recommender systems",),
    ),
    Venue(
        "ICDM",
        "conference",
        "IEEE International Conference on Data Mining",
        ("international conference on data mining",),
    ),
    Venue(
        "AISTATS",
        "conference",
        "International Conference on Artificial Intelligence and Statistics",
        ("artificial intelligence and statistics",),
    ),
    Venue(
        "UAI",
        "conference",
        "Conference on Uncertainty in Artificial Intelligence",
        ("uncertainty in artificial intelligence",),
    ),
    Venue(
        "COLT", "conference", "Conference on Learning Theory", ("conference on learning theory",)
    ),
    Venue(
        "ICRA",
        "conference",
        "IEEE International Conference on Robotics and Automation",
        ("international conference on robotics and automation",),
    ),
    Venue(
        "IROS",
        "conference",
        "IEEE/RSJ International Conference on Intelligent Robots and Systems",
        ("intelligent robots and systems",),
    ),
    Venue("CoRL", "conference", "Conference on Robot Learning", ("conference on robot learning",)),
    Venue("Interspeech", "conference", "Interspeech", ("interspeech",)),
    Venue(
        "ICASSP",
        "conference",
        "IEEE International Conference on Acoustics, Speech and Signal Processing",
        ("acoustics speech and signal processing",),
    ),
    Venue(
        "TNNLS",
        "journal",
        "IEEE Transactions on Neural Networks and Learning Systems",
        ("ieee transactions on neural networks and learning systems",),
    ),
    Venue(
        "TKDE",
        "journal",
        "IEEE Transactions on Knowledge and Data Engineering",
        ("ieee transactions on knowledge and data engineering",),
    ),
    Venue(
        "JMLR",
        "journal",
        "Journal of Machine Learning Research",
        ("journal of machine learning research",),
    ),
    Venue(
        "TMLR",
        "journal",
        "Transactions on Machine Learning Research",
        ("transactions on machine learning research",),
    ),
    Venue(
        "TACL",
        "journal",
        "Transactions of the Association for Computational Linguistics",
        ("transactions of the association for computational linguistics",),
    ),
    # Vision, graphics, robotics, speech, medical imaging, data and security venues that real
    # lists tag entries with (`[[3DV](pdf)]`, `(WWW 2023)`, `SIGGRAPH Asia 2022`).
    Venue(
        "3DV",
        "conference",
        "International Conference on 3D Vision",
        ("international conference on 3d vision",),
    ),
    Venue(
        "ACCV",
        "conference",
        "Asian Conference on Computer Vision",
        ("asian conference on computer vision",),
    ),
    Venue(
        "ICIP",
        "conference",
        "IEEE International Conference on Image Processing",
        ("international conference on image processing",),
    ),
    Venue(
        "ICME",
        "conference",
        "IEEE International Conference on Multimedia and Expo",
        ("international conference on multimedia and expo",),
    ),
    Venue(
        "ICPR",
        "conference",
        "International Conference on Pattern Recognition",
        ("international conference on pattern recognition",),
    ),
    Venue(
        "ISBI",
        "conference",
        "IEEE International Symposium on Biomedical Imaging",
        ("international symposium on biomedical imaging",),
    ),
    Venue(
        "MIDL",
        "conference",
        "Medical Imaging with Deep Learning",
        ("medical imaging with deep learning",),
    ),
    Venue(
        "RA-L",
        "journal",
        "IEEE Robotics and Automation Letters",
        ("ral", "robotics and automation letters", "ieee robotics and automation letters"),
    ),
    Venue(
        "SIGGRAPH Asia", "conference", "ACM SIGGRAPH Asia Conference", ("siggraph asia conference",)
    ),
    Venue("SIGGRAPH", "conference", "ACM SIGGRAPH Conference", ("siggraph conference",)),
    Venue("TOG", "journal", "ACM Transactions on Graphics", ("acm transactions on graphics",)),
    Venue(
        "TVCG",
        "journal",
        "IEEE Transactions on Visualization and Computer Graphics",
        ("ieee transactions on visualization and computer graphics",),
    ),
    Venue(
        "ICDE",
        "conference",
        "IEEE International Conference on Data Engineering",
        ("international conference on data engineering",),
    ),
    Venue(
        "VLDB",
        "conference",
        "International Conference on Very Large Data Bases",
        ("proceedings of the vldb endowment", "very large data bases"),
    ),
    Venue(
        "SIGMOD",
        "conference",
        "ACM SIGMOD International Conference on Management of Data",
        ("international conference on management of data",),
    ),
    Venue(
        "CCS",
        "conference",
        "ACM Conference on Computer and Communications Security",
        ("conference on computer and communications security",),
    ),
    Venue(
        "NDSS",
        "conference",
        "Network and Distributed System Security Symposium",
        ("network and distributed system security symposium",),
    ),
    Venue(
        "USENIX Security", "conference", "USENIX Security Symposium", ("usenix security symposium",)
    ),
    Venue(
        "ECAI",
        "conference",
        "European Conference on Artificial Intelligence",
        ("european conference on artificial intelligence",),
    ),
    Venue("arXiv", "preprint", "arXiv", ("arxiv", "arxiv org", "corr")),
)


def _key(text: str) -> str:
    return normalise_title(text)


_BY_KEY: dict[str, Venue] = {}
for _venue in VENUES:
    _BY_KEY[_key(_venue.acronym)] = _venue
    _BY_KEY[_key(_venue.name)] = _venue
    for _alias in _venue.aliases:
        _BY_KEY[_alias] = _venue


_PUBLISHER_FIRST = re.compile(r"^(?:ieee(?: cvf)?|acm|springer|elsevier)\s+")


# Kept per text: a list names few venues, thousands of times (the guard, BibTeX, the report),
# and a text that is not a known key is looked for inside every known long name.
@lru_cache(maxsize=4096)
def find_venue(text: str | None) -> Venue | None:
    """The venue a text names: `CVPR 2024`, `Computer Vision and Pattern Recognition`,
    `NeurIPS'22`, `ArXiv`. None when it names none we know."""
    if not text:
        return None
    words = _key(re.sub(r"'?\d{2,4}\b", " ", text))
    if words in _BY_KEY:
        return _BY_KEY[words]
    # `IEEE TIP`, `ACM TOG`: a publisher's name before the venue's
    unpublished = _PUBLISHER_FIRST.sub("", words)
    if unpublished != words and unpublished in _BY_KEY:
        return _BY_KEY[unpublished]
    # A known long name inside a longer text ("Proceedings of the IEEE/CVF Conference on Computer
    # Vision and Pattern Recognition"): the longest one wins. Workshops are other venues.
    if "workshop" in words:
        return None
    contained = [key for key in _BY_KEY if len(key) > 6 and f" {key} " in f" {words} "]
    if contained:
        return _BY_KEY[max(contained, key=len)]
    first = words.split(" ", 1)[0] if words else ""
    return _BY_KEY.get(first)


def only_a_venue(text: str) -> bool:
    """Whether the text is a known venue's name and nothing else, its year aside
    (`IEEE Transactions on Image Processing 2005`, `CVPR'21`)."""
    words = _key(re.sub(r"'?\d{2,4}\b", " ", text))
    return bool(words) and words in _BY_KEY


def venues_conflict(list_venue: str | None, record_venues: tuple[str | None, ...]) -> bool:
    """True when the list names a known venue and the record names a different known one.
    A preprint record never conflicts (the paper was on arXiv before its venue)."""
    ours = find_venue(list_venue)
    if ours is None or ours.kind == "preprint":
        return False
    theirs = [venue for text in record_venues if (venue := find_venue(text)) is not None]
    theirs = [venue for venue in theirs if venue.kind != "preprint"]
    return bool(theirs) and all(venue.acronym != ours.acronym for venue in theirs)
