"""Names, not titles: whether a piece of an item is a list of authors. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.listfile.markdown import plain_text
from pipeline.listfile.venues import find_venue

TITLE_WORDS = re.compile(
    r"\b(?:for|of|in|with|via|on|to|from|by|using|towards?|the|a|an|is|are|through|under|"
    r"without|beyond|into|at|as)\b"
    # Title Case: the capitalised forms that are never a name (not `An`, `In`, `To`: surnames)
    r"|\b(?:For|Of|With|Via|From|Using|Towards?|The|Through|Under|Without|Beyond|Into)\b"
)
# `Yu-an`, `Shu-tao`; not `Plug-in`, `Add-on`, `Built-in`
HYPHENATED_NAME = re.compile(r"\b[A-Z][a-z]+-(?!(?:in|on|to|at|by|of|off|up|out)\b)[a-z]+\b(?!-)")
# Words of titles, never of names: what tells `Generative Adversarial Networks, NIPS` (a title
# before its venue) and `Who Is Speaking? Faces, Voices and Identities` (a subtitle) from names.
TITLE_NOUN = re.compile(
    # suffixes no name has (not -ing: Jing, Xiaoming; not -ed: Ahmed; not -ies: Davies)
    r"(?i)^(?:\w+(?:tion|tions|ness|ity|ism|ics)|networks?|nets?|models?|training|matching|"
    r"tracking|clustering|modell?ing|planning|parsing|mining|editing|rendering|encoding|"
    r"sampling|prompting|revisited|supervised|guided|based|studies|strategies|alignment|"
    r"enhancement|"
    r"learning|vision|images?|data|datasets?|benchmarks?|transformers?|attention|features?|"
    r"representations?|graphs?|systems?|methods?|tasks?|agents?|objects?|scenes?|videos?|"
    r"language|segmentation|detection|recognition|generation|classification|estimation|"
    r"search|memory|policy|policies|reasoning|retrieval|survey|review|analysis|approach|"
    r"framework|architecture|machines?|embeddings?|priors?|maps?|fields?|points?|clouds?|"
    r"layers?|kernels?|trees?|codes?|words?|faces?|voices?|labels?)$"
)
# A short lowercase word inside a name (`van`, `de`, `et`), not one of a title's (`via`, `of`)
_PARTICLE = r"(?!(?:for|of|in|on|to|by|the|a|an|is|are|at|as|and|or|via|its|not|new)\b)[a-z]{1,3}"
# Li, J., Shu-Tao, Łukasz, Émile, van, de, and initials written together: `B.S.`, `J.-C.`
NAME_WORD = (
    rf"(?:[A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f][\w'\u00c0-\u024f-]*\.?(?:-[A-Z]\.)?"
    rf"|(?:[A-Z]\.-?){{1,3}}[A-Z]\.?|{_PARTICLE})"  # and `F.-F.`
)
NAME = re.compile(rf"^{NAME_WORD}(?: {NAME_WORD})*$")


def looks_like_authors(text: str, *, one_word_names: bool = True) -> bool:
    """`Yiming Li, Yong Jiang, and Shu-Tao Xia`: a list of names, not a title. Without
    `one_word_names`, a part of one word is a name only beside initials (`Smith, J.`), so
    `Faster, Higher, Stronger` opening an item is a title."""
    plain = plain_text(text)
    if re.match(r"^[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3},? et\.?\s?al\b", plain):
        return True
    plain = _ET_AL.sub("", plain)  # `Doe, Roe, Sun et.al`: the names before it
    plain = re.split(r"[(*\[]", plain, maxsplit=1)[0]  # not the venue that may follow
    if TITLE_WORDS.search(HYPHENATED_NAME.sub("", plain)):
        return False  # `Attacks and Defenses in Federated Learning`: names have no "in"
    if not one_word_names and any(TITLE_NOUN.match(w.strip(".,:;")) for w in plain.split()):
        return False  # `Widget Estimation and Deep Ensembles`: names hold no "estimation"
    parts = [part.strip(" .") for part in re.split(r"[,;]|\band\b|&", plain) if part.strip(" .")]
    if any(len(part.split()) >= 5 for part in parts):
        return False  # `..., Show and Tell: A Neural Image Caption Generator`: a title
    if len(parts) == 1:  # one author, with an initial: `R Neal`, `J. Smith`
        return re.match(r"^[A-Z]\.?\s[A-Z][\w'-]+$", parts[0]) is not None
    if not one_word_names:  # `..., Alan Turing, CVPR, 2015`: the venue and year are no names
        parts = [p for p in parts if not (find_venue(p) or re.fullmatch(r"(?:19|20)\d\d", p))]
        if not parts:
            return False
    names = sum(
        1
        for index, part in enumerate(parts)
        if NAME.match(part)
        and not _ACRONYM.search(part)  # `GAN and GAN`: acronyms, not people
        and len(part.split()) <= 4
        and (one_word_names or _a_name_here(parts, index))
    )
    return names >= 0.7 * len(parts)


_ACRONYM = re.compile(r"\b[A-Z]{3,}\b")
_ET_AL = re.compile(r",?\s*\bet\.?\s?al\b\.?")
_INITIALS = re.compile(r"^(?:[A-Z]\.?\s?-?){1,3}$")


def _a_name_here(parts: Sequence[str], index: int) -> bool:
    """A one-word part is a name only beside initials (`Smith, J.`) or as one itself:
    `Faster, Higher, Stronger` is a title, not three people."""
    part = parts[index]
    if len(part.split()) > 1 or _INITIALS.match(part):
        return True
    return any(_INITIALS.match(parts[i]) for i in (index - 1, index + 1) if 0 <= i < len(parts))
