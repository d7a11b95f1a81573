"""The list model: a document that reproduces its source byte for byte, and its paper entries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal


@dataclass(frozen=True)
class Line:
    """One source line: its text without the line ending, the ending, and its 1-based number."""

    number: int
    text: str
    eol: str  # "\n", "\r\n", "\r", or "" for a last line without a newline

    @property
    def raw(self) -> str:
        return self.text + self.eol


@dataclass(frozen=True)
class TextBlock:
    """Lines kept verbatim: the preamble, prose, code fences, non-paper bullets, comments."""

    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Heading:
    """An ATX heading (`## 2024`). Its text names the section of the entries that follow."""

    line: Line
    level: int
    text: str


@dataclass(frozen=True)
class TableRow:
    """A table line split into cells, such that `leading + "|".join(cells) + trailing == text`.

    `cells` are the raw texts between pipes (with their spaces, escapes kept). `leading` is the
    indentation plus the leading pipe when there is one; `trailing` is the trailing pipe (when
    there is one) plus any whitespace after it.
    """

    line: Line
    leading: str
    cells: tuple[str, ...]
    trailing: str
    entry_position: int | None = None  # the Entry this row produced, if any

    @property
    def rebuilt(self) -> str:
        return self.leading + "|".join(self.cells) + self.trailing


class ColumnRole(StrEnum):
    TITLE = "title"
    LINK = "link"
    ABBREVIATION = "abbreviation"
    VENUE = "venue"
    YEAR = "year"
    CODE = "code"


@dataclass(frozen=True)
class Table:
    """A GFM table. A paper table is one with a title column; other tables are kept verbatim."""

    header: TableRow
    delimiter: TableRow
    rows: tuple[TableRow, ...]
    headers: tuple[str, ...]  # header cells as plain text
    roles: tuple[tuple[ColumnRole, int], ...]  # role -> column index, for recognised columns

    @property
    def is_paper_table(self) -> bool:
        return self.column(ColumnRole.TITLE) is not None

    def column(self, role: ColumnRole) -> int | None:
        for candidate, index in self.roles:
            if candidate is role:
                return index
        return None

    @property
    def lines(self) -> tuple[Line, ...]:
        return (self.header.line, self.delimiter.line, *(row.line for row in self.rows))


@dataclass(frozen=True)
class BulletEntry:
    """A bullet line read as a paper: `- [Title](url) ... [[code](url)]`. A pipe row of a
    table without a header (`| Aug 18 | [Title](url) |`) is one too: its values go at
    `cell_end`, the end of its title cell's text (0-based column), not at the line's end."""

    line: Line
    entry_position: int
    cell_end: int | None = None


@dataclass(frozen=True)
class HtmlSlot:
    """Where the regenerated list adds its cells to one row of an HTML table: before `column`
    (0-based) of source line `line` (1-based), the row's `</tr>` or, when the row does not
    close, where the next row or the table section starts."""

    line: int
    column: int
    header: bool  # the first header row gets the column names, other header rows empty cells
    first_header: bool = False
    entry_position: int | None = None


@dataclass(frozen=True)
class HtmlTable:
    """An HTML `<table>` holding paper entries: its lines as written, a slot per row."""

    lines: tuple[Line, ...]
    slots: tuple[HtmlSlot, ...]


Block = TextBlock | Heading | Table | BulletEntry | HtmlTable


@dataclass(frozen=True)
class Cell:
    """A raw cell of an entry's row, under its column header."""

    header: str
    text: str


@dataclass(frozen=True)
class Entry:
    """One paper of the list, in list order."""

    position: int  # 0-based, in list order
    line: int  # 1-based source line
    section: str | None  # text of the nearest heading above
    title: str
    paper_url: str | None
    abbreviation: str | None
    venue: str | None
    year: int | None
    code_urls: tuple[str, ...]
    cells: tuple[Cell, ...]  # the row's cells as written (one cell, the line, for bullets)
    kind: Literal["table", "bullet"] = "table"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    source: str
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.severity}: {self.message}"


class SkipReason(StrEnum):
    """Why an item or row was not read as a paper: a value, so whether `check` warns about it
    never depends on how its message is worded."""

    CONTENTS = "contents"  # links to the page's own headings
    TASK_LIST = "task-list"
    AUTHOR_LINE = "author-line"
    TAGGED = "tagged"  # `[Video]`, `[News]`: a tag that names a non-paper
    BLOG_POST = "blog-post"
    POST = "post"  # a post, announcement or product page about a model
    SHARE_BUTTON = "share-button"
    NON_PAPER_SECTION = "non-paper-section"
    LABEL = "label"  # a label whose links go to the papers cited below it
    EVENT = "event"  # a workshop, challenge, tutorial or talk
    VENUE_INDEX = "venue-index"  # a link to a venue's or year's page
    CHANGELOG = "changelog"  # a dated news or update line
    NO_TITLE = "no-title"
    NO_PAPER_LINK = "no-paper-link"
    CODE_ONLY = "code-only"
    TITLE_ONLY = "title-only"  # a title without link, venue or year
    BOOK = "book"  # a reference to a book: a place and a publisher after the title
    NOT_A_PAPER = "not-a-paper"  # no title, link or venue: prose
    SITE_ACRONYM = "site-acronym"
    NAME_WITHOUT_LINK = "name-without-link"
    NAMES_TABLE = "names-table"
    RESULTS_TABLE = "results-table"
    SOFTWARE_TABLE = "software-table"  # rows with a licence or a programming language
    NO_TITLE_COLUMN = "no-title-column"
    HTML_ROW = "html-row"
    UNREADABLE = "unreadable"  # over the reader's bounds: reported as an error


SKIP_MESSAGES: dict[SkipReason, str] = {
    SkipReason.CONTENTS: "a table of contents (links to #anchors)",
    SkipReason.TASK_LIST: "a task-list item",
    SkipReason.AUTHOR_LINE: "an author line",
    SkipReason.TAGGED: "tagged as a non-paper",
    SkipReason.BLOG_POST: "a blog post: no paper link",
    SkipReason.POST: "a post or page about a model or product, not a paper",
    SkipReason.SHARE_BUTTON: "a button to share the list, not a paper",
    SkipReason.NON_PAPER_SECTION: "in a section that holds no papers",
    SkipReason.LABEL: "a label whose links go to the papers cited below it",
    SkipReason.EVENT: "a workshop, challenge, tutorial or talk, not a paper",
    SkipReason.VENUE_INDEX: "a link to a venue's page, not a paper",
    SkipReason.CHANGELOG: "a dated news or update line, not a paper",
    SkipReason.NO_TITLE: "no title found",
    SkipReason.NO_PAPER_LINK: "no paper link, venue or year (not a paper?)",
    SkipReason.CODE_ONLY: "a code link but no paper link, venue or year (a tool or repository?)",
    SkipReason.TITLE_ONLY: "no link, venue or year",
    SkipReason.BOOK: "a book: a place and a publisher after the title",
    SkipReason.NOT_A_PAPER: "not a paper: no title, link or venue",
    SkipReason.SITE_ACRONYM: "an acronym linked to a site, not a paper (a venue, tool or project?)",
    SkipReason.NAME_WITHOUT_LINK: (
        "a name without a paper link, where its table links papers (a tool or model?)"
    ),
    SkipReason.NAMES_TABLE: "a table of names without links, venues or years",
    SkipReason.RESULTS_TABLE: "a row of a table of results (mostly numbers), not a list of papers",
    SkipReason.SOFTWARE_TABLE: "a row of a table of software (licences, languages), not a paper",
    SkipReason.NO_TITLE_COLUMN: "a row of a table without title-like text (results, a key?)",
    SkipReason.HTML_ROW: "an HTML table row not read as a paper",
    SkipReason.UNREADABLE: "over the reader's bounds",
}


@dataclass(frozen=True)
class Skipped:
    """A list item or table row with a link that was not read as a paper, and why. `doubtful`
    items may be papers the reader missed (`check` warns about them); the others are known
    non-papers (a table of contents, a task list, a section that holds no papers)."""

    line: int
    kind: SkipReason
    reason: str
    doubtful: bool = True


@dataclass(frozen=True)
class ListDocument:
    """A parsed list: blocks that concatenate back to the source, entries and diagnostics."""

    source: str
    blocks: tuple[Block, ...]
    entries: tuple[Entry, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    skipped: tuple[Skipped, ...] = field(default=())

    @property
    def preamble(self) -> tuple[Block, ...]:
        """The blocks before the first section that holds papers (title, badges, intro)."""
        first = next(
            (
                index
                for index, block in enumerate(self.blocks)
                if isinstance(block, BulletEntry | HtmlTable)
                or (
                    isinstance(block, Table)
                    and any(r.entry_position is not None for r in block.rows)
                )
            ),
            len(self.blocks),
        )
        for index in range(first - 1, -1, -1):
            if isinstance(self.blocks[index], Heading):
                return self.blocks[:index]
        return self.blocks[:first]

    @property
    def headings(self) -> tuple[Heading, ...]:
        return tuple(block for block in self.blocks if isinstance(block, Heading))

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(block for block in self.blocks if isinstance(block, Table))

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)

    def lines(self) -> Iterator[Line]:
        for block in self.blocks:
            if isinstance(block, TextBlock | Table | HtmlTable):
                yield from block.lines
            else:
                yield block.line
