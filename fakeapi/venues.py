"""Venue strings as Semantic Scholar returns them (`venue`, `publicationVenue.name`), by the
short names lists write. The fake's own table, written apart from the product's venue list.

Where each string comes from:
- recorded: seen in real S2 answers in ../shared/contracts/semanticscholar/ (the 100-paper
  search page `SemanticScholarTest.test_search_paper__429x2_then_200.yaml`): NeurIPS, ICLR,
  ACL, EMNLP, NAACL, arXiv.
- S2's venue pages (not in a recording here): the others, as S2 names the venue on its
  website and in its API (e.g. CVPR is "Computer Vision and Pattern Recognition", with no
  "IEEE/CVF Conference on"; TMM is lower case "IEEE transactions on multimedia").
A short name the table does not know is served as the list wrote it.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["conference", "journal", "preprint"]

# short name (case-folded) -> (the S2 string, its kind, where the string comes from)
S2_VENUES: dict[str, tuple[str, Kind, str]] = {
    "neurips": ("Neural Information Processing Systems", "conference", "recorded"),
    "nips": ("Neural Information Processing Systems", "conference", "recorded"),
    "iclr": ("International Conference on Learning Representations", "conference", "recorded"),
    "acl": (
        "Annual Meeting of the Association for Computational Linguistics",
        "conference",
        "recorded",
    ),
    "emnlp": (
        "Conference on Empirical Methods in Natural Language Processing",
        "conference",
        "recorded",
    ),
    "naacl": (
        "North American Chapter of the Association for Computational Linguistics",
        "conference",
        "recorded",
    ),
    "arxiv": ("arXiv.org", "preprint", "recorded"),
    "cvpr": ("Computer Vision and Pattern Recognition", "conference", "S2 venue page"),
    "iccv": ("IEEE International Conference on Computer Vision", "conference", "S2 venue page"),
    "eccv": ("European Conference on Computer Vision", "conference", "S2 venue page"),
    "wacv": (
        "IEEE Workshop/Winter Conference on Applications of Computer Vision",
        "conference",
        "S2 venue page",
    ),
    "icml": ("International Conference on Machine Learning", "conference", "S2 venue page"),
    "aaai": ("AAAI Conference on Artificial Intelligence", "conference", "S2 venue page"),
    "ijcai": (
        "International Joint Conference on Artificial Intelligence",
        "conference",
        "S2 venue page",
    ),
    "acm mm": ("ACM Multimedia", "conference", "S2 venue page"),
    "tpami": (
        "IEEE Transactions on Pattern Analysis and Machine Intelligence",
        "journal",
        "S2 venue page",
    ),
    "tip": ("IEEE Transactions on Image Processing", "journal", "S2 venue page"),
    "tmm": ("IEEE transactions on multimedia", "journal", "S2 venue page"),
    "tcsvt": (
        "IEEE transactions on circuits and systems for video technology (Print)",
        "journal",
        "S2 venue page",
    ),
    "ijcv": ("International Journal of Computer Vision", "journal", "S2 venue page"),
}
_KINDS = {name: kind for name, kind, _ in S2_VENUES.values()}


def s2_venue(short: str | None) -> str | None:
    """S2's string for a venue a list names by its short name ("CVPR"), else the name itself."""
    if not short or not short.strip():
        return None
    known = S2_VENUES.get(" ".join(short.split()).casefold())
    return known[0] if known else short.strip()


def venue_kind(s2_name: str | None) -> Kind:
    """Journal or conference (BibTeX `@Article` or `@Inproceedings`); unknown: conference."""
    return _KINDS.get(s2_name or "", "conference")
