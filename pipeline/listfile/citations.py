"""References written out in a citation style: who wrote it, its title, where and when. Pure.

A reference names its authors first in most styles (IEEE, ACM, APA, Vancouver, Nature,
Chicago, MLA, GB/T 7714), and a few put the title first. Rather than a rule per style, the
text is read as authors, then a title, then the rest, by the forms names take (`Smith, J.`,
`J. Smith`, `Smith J`, `John Smith`), and each candidate reading is scored: the authors it
recognises, a title of title-like length, a year after it. The best reading wins when it is
a reference at all.

No well-kept pure-Python reference-string parser exists (the good ones, GROBID and
AnyStyle, are Java and Ruby services with trained models), so this is written here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.listfile.authors import TITLE_NOUN, TITLE_WORDS
from pipeline.listfile.links import is_link_word
from pipeline.listfile.markdown import word_count
from pipeline.listfile.venues import find_venue
from pipeline.listfile.years import year_from_text

_UP = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f"
_LOW = "a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u017f"
_CAP = rf"[{_UP}]"
# A surname: `Smith`, `McRae`, `AlQuraishi`, `O'Neil`, `García-López`, `van de Geijn`
_SURNAME = (
    rf"(?:(?:van|von|der|de|den|del|da|di|dos|du|la|le|ter|zu)\s)*(?:[dl]['\u2019])?"
    rf"{_CAP}['\u2019]?[{_LOW}{_UP}]*[{_LOW}](?:[-\u2010]{_CAP}?[{_LOW}{_UP}]*[{_LOW}])*"
)
# `Peter`, `Fei-Fei`, `Shu-tao`, `ChunSheng`
_GIVEN = rf"{_CAP}[{_LOW}]+(?:{_CAP}[{_LOW}]+)?(?:-{_CAP}?[{_LOW}]+)?"
# `J.`, `A.K.`, `R. S.`, `J.-P.`, `Y .`, and two run together before one period: `MR.`
MONTH_NAME = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_SUFFIX = r"(?:,?\s(?:II|III|IV|Jr\.?|Sr\.?)(?![\w'-]))?"  # `Hiram Levy II`, `John Doe Jr.`
_INITIALS = rf"(?:{_CAP}\s?\.(?:\s?-?{_CAP}\s?\.)*|{_CAP}{{2}}\.)"
_NAME_FORMS = (
    # `Smith, J.`, `Smith, J. K.`, `Koo, Peter K.`, `Bergenius Nord, M.` (APA, Nature,
    # Chicago's first author; a surname of two words only before initials alone: `Ada
    # Lovelace, Grace B. Hopper` is two full names)
    rf"{_SURNAME}(?:,\s(?:{_GIVEN}\s)?|\s{_SURNAME},\s){_INITIALS}",
    # `J. Smith`, `R. C. Shah`, `J.-P. Serre` (IEEE, ACM with initials)
    rf"{_INITIALS}\s?{_SURNAME}(?:\s{_SURNAME}(?=\s*(?:[,;.&]|\sand\s)))?",
    # `Smith JK`, `Kyriazopoulou Panagiotopoulou S`, `Avsec Ž`, `Lee S-I`, `Pinto L-FG`
    # (Vancouver); three initials or spaced ones (`Watson JEM`, `Sather M K`) only where the
    # name ends, since `Learning CNN features` is no name
    rf"{_SURNAME}(?:\s{_SURNAME})?\s(?:(?:{_CAP}{{3,4}}|{_CAP}\s{_CAP})(?=\s*[,;&(]|\sand\s)"
    rf"|{_CAP}{{1,2}}(?:-{_CAP}{{1,2}})?)(?![\w'-]|\.\w)",
    # `Ashby W. R.`, `Barceló J.A.`, `Chang S.-F.` (surname first, initials with periods)
    rf"{_SURNAME}(?:\s{_SURNAME})?\s{_INITIALS}",
    # `Glorot, Xavier, and`, `Oord, Aaron van den, et al.` (MLA's first author: the given
    # name after the surname, with no initial, only before more names or a quoted title),
    # `Rosenzweig, Roy (2003).` (Chicago author-date: before the year)
    rf"{_SURNAME},\s{_GIVEN}(?:\s(?:{_INITIALS}|{_GIVEN}|van|von|de|den|der|da|di))*"
    r"(?=,\s*(?:and\s|et\s+al\b)|\s+and\s|[.:]\s+[\"\u201c]|\s*\((?:19|20)\d\d[a-z]?\)"
    rf"|,\s*(?:{MONTH_NAME}\s+)?(?:19|20)\d\d[a-z]?\s*:|,\s*in press\s*:"  # `Doe, John, 2005:`
    rf"|,\s(?:{_CAP}{{1,3}}[\s.]|{_GIVEN}\s{_CAP}))"  # `Miller, David, M Louise Burt`, `FF He`
    rf"|{_SURNAME},\s{_GIVEN}(?=,\s{_INITIALS}\s?{_SURNAME})",  # `Brown, Susan, S. Fisher`
    # `Warren, DL`, `Evans, Matthew R`, `Redfern, J V` (initials without their periods, as
    # some reference managers export them)
    rf"{_SURNAME},\s(?:{_GIVEN}\s)?{_CAP}{{1,2}}(?:\s{_CAP})?(?:\s{_GIVEN})?\.?(?![\w'-])",
    # `John Smith`, `Peter K. Koo`, `Mary Ann Lee`, `Brian J McGill` (full names)
    rf"{_GIVEN}(?:\s(?:{_INITIALS}|{_GIVEN}|{_CAP}(?=\s))){{0,2}}\s{_SURNAME}{_SUFFIX}",
)
# `RS Etienne`, `M C Ferguson`, `DF Rosauer`: initials without periods before the surname,
# only after another name (first, `A Survey` or `AI Agents` would read as a name)
_BARE_INITIALS_FIRST = re.compile(
    rf"(?:{_CAP}{{1,3}}|{_CAP}(?:\s{_CAP}){{1,2}})\s(?:{_GIVEN}\s)?{_SURNAME}{_SUFFIX}"
)
_NAMES = tuple(re.compile(form) for form in _NAME_FORMS)
_FULL_NAME = re.compile(_NAME_FORMS[-1])
# Vancouver, bare initials and full names: no dot says they are names
_UNMARKED = (_NAMES[2], _NAMES[-2], _NAMES[-1], _BARE_INITIALS_FIRST)
_NAME_CHOICES = 2  # readings tried per name: enough for `He K.` against `He K. Zero-Shot`
# not `:` (`Dual T: Title`), but before a quoted title: `Coase, Ronald: "Title" (1946)`
_NAME_END = re.compile(r"\s*(?:[,;.&(]|and\s|et\s+al\b|$|:\s*[\"\u201c])")
_SEPARATOR = re.compile(r"\s*(?:,\s*(?:and\s+|&\s*)?|;\s*|\s+and\s+|\s*&\s*)")
_ET_AL = re.compile(r",?\s*et\s+al\b\.?")
# Where the authors end: `. `, `, `, `: `, or APA's `(2020). ` / ACM's `. 2020. `
_MONTH = rf"(?:,?\s*{MONTH_NAME})?"
# `. `, `(2020). ` (APA), `. 2020. ` (ACM), `, 2023, July. ` (Harvard), `Baldwin, B. 1963. `
# (the names' own period before the year)
_AFTER_AUTHORS = re.compile(  # `(2020) -- Title` (an en or em dash): a dash after the year too
    # `..., and Ronald J Stouffer, May 2013: Title.`, `..., in press: Title.` (AMS, GFDL)
    rf"(?:,\s*(?:{MONTH_NAME}\s+)?(?:19|20)\d\d[a-z]?\s*:|,\s*in press\s*:"
    rf"|\s*,?\s*\((?:19|20)\d\d[a-z]?(?:,?\s*{MONTH_NAME}(?:\s\d{{1,2}})?)?\)\s*[.,:\u2013\u2014]?|\s*[.,:]\s*(?:(?:19|20)\d\d[a-z]?{_MONTH}\s*[.,:])?"
    rf"|(?<=\.)\s+(?:19|20)\d\d[a-z]?{_MONTH}\s*[.,:])\s*"
)
# `[12]`, `(12)`, `12.`, and a cite key: `[zhang2020]`, `[li2022a]`, `[Doe:2019]`
_LEAD_NUMBER = re.compile(
    r"^\s*(?:\\?\[\s*\d{1,4}\s*\\?\]|\(\d{1,4}\)|\d{1,4}[.)](?=\s)"
    r"|\\?\[[A-Za-z][\w:+-]{0,40}?(?:19|20)?\d\d[a-z]?\\?\](?=\s))\s*"
)
# `"Title,"`, curly double quotes, and single quotes, straight or curly, that are no apostrophes
_QUOTE = re.compile(
    r'["\u201c\u201e]\s*([^"\u201c\u201d\u201e]{6,400}?)\s*["\u201d]'
    r"|(?<!\w)['\u2018]\s*([^\u2018\u2019]{6,400}?)\s*['\u2019](?!\w)"
)
_GLUED_AFTER_QUOTE = re.compile(r"(?:--|[\u2013\u2014])\s*[^\W\d_]")
# What may stand between the names and a quoted title: `, `, `. `, `(1962), `, `. 1998. `
_BEFORE_QUOTE = re.compile(  # `(2016 Dec 7), "Title"`
    rf"[\s,.:;]*(?:\(?(?:19|20)\d\d[a-z]?(?:,?\s*{MONTH_NAME}(?:\s\d{{1,2}})?)?\)?[\s,.:;]*)?"
)
# Where an unquoted title ends: a sentence end, or `, In` / `, in Proc.` before a venue.
# Not after `vs.`, `e.g.`, `i.e.`, `al.`, `cf.` or a one-letter word (`Part A.`), but after
# `RGB-D.`.
_TITLE_END = re.compile(
    r"(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)(?<!\bal)(?<!\bcf)(?<!(?<![^\s(])[A-Za-z])\.(?=\s+\S|\s*$)"
    r"|[?!](?=\s+\S|\s*$)"
    r"|,(?=\s+[Ii]n[\s:])"
    r"|,(?=\s+(?:\*{1,2}|_{1,2})[A-Z])"  # `Title, *Journal*`: the venue set apart
)
_YEAR_AFTER = re.compile(r",\s*(?:19|20)\d\d[a-z]?\s*$")
_MIN_TITLE_WORDS = 2
_MAX_TITLE_WORDS = 60


@dataclass(frozen=True)
class Citation:
    """A reference read: its authors, its title and what follows the title."""

    authors: str
    title: str
    rest: str
    year: int | None
    names: int  # how many people the authors name (`et al.` counts one)
    marked: bool  # whether more than capitals says these are names: an initial (`J. Smith`,
    # `Smith J`), the year right after them (`John Smith. 2020. Title.`), a quoted title
    quoted: bool  # whether the title was in quotation marks


def _names_at(text: str, position: int) -> list[re.Match[str]]:
    """The name forms that match at `position`, longest first: `Grace B. Hopper` before
    `Grace B` (Vancouver); the shorter is tried when the longer leads nowhere (`He K.
    Zero-Shot and for ...` is `He K`, then a title)."""
    patterns = (*_NAMES, _BARE_INITIALS_FIRST) if position > 0 else _NAMES
    found = [
        match
        for pattern in patterns
        if (match := pattern.match(text, position))
        and (match.group(0).endswith(".") or _NAME_END.match(text, match.end()))
        and not (
            pattern in _UNMARKED  # `Sparse Prompt, ...`, `Learning Robust GAN.`: no title word
            and any(TITLE_NOUN.match(word) for word in re.split(r"[\s-]", match.group(0)))
        )
    ]
    ends = sorted({match.end() for match in found}, reverse=True)
    return [next(m for m in found if m.end() == end) for end in ends]


def _name_at(text: str, position: int) -> re.Match[str] | None:
    names = _names_at(text, position)
    return names[0] if names else None


def _authors_at(text: str, start: int) -> tuple[int, int, bool] | None:
    """The end of a list of names starting at `start`, how many, and whether one of them has
    an initial (a surer sign of a name than two capitalised words); None when no name starts
    there, or the list breaks off (`..., and` before no name the forms know)."""
    for found in _names_at(text, start)[:_NAME_CHOICES]:
        marked = _FULL_NAME.fullmatch(found.group(0)) is None
        position = found.end()
        et_al = _ET_AL.match(text, position)
        if et_al is not None:
            return et_al.end(), 1, marked
        separator = _SEPARATOR.match(text, position)
        if separator is None or separator.end() == position or not _names_at(text, separator.end()):
            if separator is not None and re.search(r"\band\b|&", separator.group(0)):
                continue  # `..., and Leo Yu Zhang`: a name the forms miss, or a shorter one
            return position, 1, marked
        following = _authors_at(text, separator.end())
        if following is None:
            continue
        end, count, others_marked = following
        return end, count + 1, marked or others_marked
    return None


# Who, as an author-date citation names them: `Otero, et al.`, `Delorme & Makeig`,
# `Solder Dominguez, Gonzalez`, `Yu et al.,`, `Doma`
_WHO = re.compile(
    rf"{_SURNAME}(?:\s{_SURNAME})?"
    rf"(?:(?:,\s*|\s*&\s*|\s+and\s+){_SURNAME}(?:\s{_SURNAME})?){{0,3}}"
    r"(?:,?\s+et\s+al\.?)?,?"
)
_WHEN = re.compile(r"\(\s*((?:19|20)\d\d)[a-z]?\s*\)\s*[.,:]?\s*")
_LEAD_SEARCH = 120  # who and when come first, in a few words


def author_date_lead(text: str) -> tuple[int, int] | None:
    """`Otero, et al. (2020) Title`, `Delorme & Makeig (2004) Title`, `Rakhmatulin, I.
    (2024). Title`: who and when written before a title (a short citation); where the title
    starts and the year, or None."""
    when = _WHEN.search(text, 0, _LEAD_SEARCH)
    if when is None:
        return None
    who = text[: when.start()].strip()
    if not who or not (_WHO.fullmatch(who) or only_names(who)):
        return None
    if word_count(text[when.end() :]) < _MIN_TITLE_WORDS:
        return None
    return when.end(), int(when.group(1))


def only_names(text: str, *, marked: bool = False) -> bool:
    """`J. Smith, K. Roe`, `John Smith and Jane Roe`: names and nothing else. With `marked`,
    names with an initial only (`Zero-Shot Neural Fields` may be a name or a title)."""
    names = _authors_at(text.strip(), 0)
    if names is None or (marked and not names[2]):
        return False
    return names[0] >= len(text.strip().rstrip(" .,;"))


def _title_words(title: str) -> int:
    return word_count(title)  # an ideograph a word: `基于深度学习的图像分割` is a title


# Words of a journal's or a proceedings' name: `ACM Computing Surveys`, `IEEE Signal Letters`
_VENUE_WORD = re.compile(
    r"\b(?:Journal|Transactions|Letters|Proceedings|Conference|Symposium|Magazine|"
    r"Communications|Surveys|Reviews?|Annals|Bulletin|Computing|Workshop)\b"
)


_VENUE_WORDS = 10
_REPORT_NUMBER = re.compile(r"\(\s*(?:No|p|pp)\.\s")


def _a_venue(title: str, rest: str) -> bool:
    """`Authors. *IEEE Transactions on X*, 2022.`: what stands where the title would is the
    venue, when nothing but numbers follows it and it is set apart or named like one."""
    if re.search(r"[^\W\d_]{3,}", rest) or _REPORT_NUMBER.match(rest):
        return False  # `*Title* (No. 12)`, `(p. 2025.08.07)`: APA's report or preprint
    emphasised = re.fullmatch(r"(\*{1,2}|_{1,2}).+\1", title.strip()) is not None
    named = _VENUE_WORD.search(title) is not None
    # a journal's name is short; `*A Report Title of Many Words* (p. 12)` is a title
    return (emphasised and (len(title.split()) <= _VENUE_WORDS or named)) or (
        named and len(title.split()) <= _VENUE_WORDS
    )


def _a_title(title: str) -> bool:
    if re.match(r"(?:and|&)\s", title):
        return False  # the last of the names, missed
    words = _title_words(title)
    if not _MIN_TITLE_WORDS <= words <= _MAX_TITLE_WORDS:
        return False
    if re.fullmatch(r"[\W\d]*(?:19|20)\d\d[\W\d]*", title):
        return False
    venue = find_venue(title)
    return not (venue is not None and words <= 4)


def _title_end(text: str, start: int) -> int | None:
    """Where an unquoted title that starts at `start` ends (the end of its sentence, or of the
    emphasis it opens with: APA's `*A Report Title? With a Subtitle* (No. 12).`)."""
    if text[start : start + 1] in {"*", "_"} and text[start + 1 : start + 2] not in {"*", "_", " "}:
        closing = re.compile(rf"(?<=\S){re.escape(text[start])}(?=[\s.,;:(]|$)")
        emphasis = closing.search(text, start + 1)
        if emphasis is not None and _title_words(text[start : emphasis.end()]) >= _MIN_TITLE_WORDS:
            return emphasis.end()
    for found in _TITLE_END.finditer(text, start):
        end = found.end() if found.group(0) in "?!" else found.start()
        if _title_words(text[start:end]) >= _MIN_TITLE_WORDS:
            subtitle = _SUBTITLE.match(text, end) if found.group(0) in "?!" else None
            if subtitle is not None and not find_venue(subtitle.group(1)):
                return subtitle.end(1)  # `More than a Bundle? Developing X. *Journal*.`
            return end
    return None


# After a title's `?`: its subtitle, when a sentence of three words or more follows it, then
# the venue set apart in emphasis (`Title? Developing Adaptive Guidance. *Brain Sciences*.`)
_SUBTITLE = re.compile(r"\s+([A-Z][^.?!*_\d]*?\s[^.?!*_\d]*?\s[^.?!*_\d]*?)\.\s+(?=[*_][A-Z])")


_PUBLICATION_PART = re.compile(
    r"(?i)^(?:in\b|proc|proceedings|vol\b|volume|pp\b|pages?\b|no\.|arxiv|preprint|"
    r"journal|trans(?:actions)?\b|conference|symposium|workshop|(?:19|20)\d\d\b)"
)


def _comma_title_end(text: str, start: int) -> int | None:
    """Where a title set off by commas ends (`A. Smith, B. Roe, Title, CVPR, 2016`): before
    the first comma part that names where or when it appeared."""
    position = start
    for found in re.finditer(r",\s+|\.\s+|\.?\s*$", text[start:]):
        part_end = start + found.start()
        following = text[start + found.end() :]
        if position != start or _title_words(text[start:part_end]) >= _MIN_TITLE_WORDS:
            first = re.split(r"[,.]", following, maxsplit=1)[0].strip()
            if (
                not following.strip()
                or _PUBLICATION_PART.match(following)
                or (find_venue(first) is not None and len(first.split()) <= 6)
            ):
                return part_end
        position = part_end
    return None


def _score(authors: int, marked: bool, title: str, rest: str) -> float:
    score = min(authors, 3) + (2 if marked else 0)
    if TITLE_WORDS.search(title) or any(TITLE_NOUN.match(w.strip(".,:;?!")) for w in title.split()):
        score += 1
    if year_from_text(rest) is not None:
        score += 1
    return score


_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*\)")
_URL = re.compile(r"<?https?://\S+>?")


def reference_text(markdown: str) -> str:
    """A reference's text without its addresses and links named for what they are, for
    `read_citation`: `[12] A. Smith, "Title," 2020. [[paper](url)]` gives `[12] A. Smith,
    "Title," 2020.`; a linked name or title keeps its text (`[Smith, J.](url), 1994. Title`)."""

    def label(found: re.Match[str]) -> str:
        text = found.group(1)
        return " " if found.group(0).startswith("!") or is_link_word(text) else text

    unescaped = markdown.replace("\\[", "[").replace("\\]", "]")
    text = _URL.sub(" ", _LINK.sub(label, unescaped))
    text = re.sub(r"\[\s*\]|\(\s*\)", " ", text)  # the brackets around links removed
    text = re.sub(r"\*\*|__|<[^<>]{1,40}>", " ", text)  # bold, `<br>`, `<sup>`: presentation
    return re.sub(r"\s+", " ", text).strip()


def read_citation(text: str) -> Citation | None:
    """The authors, title and rest of a reference written out (`Smith J, Roe K. A Title.
    Nature. 2020;1:2.`, `J. Smith and K. Roe, "A Title," in Proc. X, 2020.`), or None when
    the text does not open with a list of names followed by a title. `text` is plain text:
    links already replaced by their labels or removed."""
    lead = _LEAD_NUMBER.match(text)
    body = text[lead.end() :] if lead else text
    body = body.strip()
    readings: list[tuple[float, Citation]] = []
    authors = _authors_at(body, 0)
    if authors is not None:
        end, count, initialled = authors
        names = body[:end].strip(" ,;")
        after = _AFTER_AUTHORS.match(body, end)
        if after is not None:
            title_start, by_comma = after.end(), after.group(0).strip() == ","
        else:  # `Smith, J. Title`, `J. Smith et al. Title`: the names' own period ends them
            title_start, by_comma = end + len(body[end:]) - len(body[end:].lstrip()), False
            if body[end - 1 : end] != ".":
                title_start = len(body)
        # `..., and C. Author, "Title," in ...`: the quoted title, wherever the names end
        quoted = _QUOTE.search(body, end)
        if quoted is not None and _GLUED_AFTER_QUOTE.match(body, quoted.end()):
            quoted = None  # `'Warriors of the Word'-- Deciphering ...`: a quote opens the title
        if quoted is not None and _BEFORE_QUOTE.fullmatch(body, end, quoted.start()):
            title = (quoted.group(1) or quoted.group(2)).rstrip(" ,.;:")
            rest = body[quoted.end() :].strip(" ,.;")
            if _a_title(title):
                score = _score(count, initialled, title, rest) + 2
                year = year_from_text(body[end : quoted.start()]) or year_from_text(rest)
                cited = Citation(names, title, rest, year, count, True, True)
                readings.append((score, cited))
        elif title_start < len(body):
            ends = _comma_title_end if by_comma else _title_end
            title_end = ends(body, title_start)
            if title_end is None and re.search(r"[\u2013\u2014]\s*$", body[end:title_start]):
                # `(2020) -- Title` (en or em dash) sets the title off; no full stop need end it
                title_end = _comma_title_end(body, title_start)
            year_after = _YEAR_AFTER.search(body, title_start, title_end or 0)
            if title_end is not None and year_after is not None:
                title_end = year_after.start()  # `Authors. *Venue*, 2022.`: no title's year
            if title_end is not None:
                title = body[title_start:title_end].strip()
                rest = body[title_end:].strip(" ,.;")
                if (
                    _a_title(title)
                    and not only_names(title, marked=True)
                    and not _a_venue(title, rest)
                ):
                    dated = year_from_text(body[end:title_start])
                    marked = initialled or dated is not None
                    score = _score(count, marked, title, rest) + (dated is not None)
                    # `Doe J (2020) Title. *J*, 12: e10`: the year after the names is the
                    # citation's, whatever the pages look like
                    year = dated or year_from_text(rest)
                    cited = Citation(names, title, rest, year, count, marked, False)
                    readings.append((score, cited))
    # `A Title. J. Smith, K. Roe. Nature, 2020.`: the title first, the names after it
    title_end = _title_end(body, 0)
    if title_end is not None:
        gap = re.match(r"\s*[.?!]?\s*", body[title_end:])
        names_start = title_end + (gap.end() if gap else 0)
        following_names = _authors_at(body, names_start)
        title = body[:title_end].strip()
        if following_names is not None and _a_title(title) and not only_names(title, marked=True):
            names_end, people, with_initial = following_names
            following = body[names_end:]
            if re.match(r"\s*(?:[.,:;(]|$)", following) and (people >= 2 or with_initial):
                rest = following.strip(" ,.;")
                score = _score(people, with_initial, title, rest) - 1
                names_text = body[names_start:names_end]
                year = year_from_text(rest)
                cited = Citation(names_text, title, rest, year, people, with_initial, False)
                readings.append((score, cited))
    if not readings:
        return None
    score, best = max(readings, key=lambda reading: reading[0])
    if best.names < 2 and not best.marked:
        return None  # one full name alone: `Deep Learning. Nature 2015` is no author
    return best if score >= 2 else None
