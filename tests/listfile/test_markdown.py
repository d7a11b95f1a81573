from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.listfile.markdown import escape_text, find_links, find_urls, plain_text


def test_find_links_reads_text_and_target() -> None:
    [link] = find_links('[Title (v2)](https://arxiv.org/abs/2304.02643 "t")')
    assert (link.text, link.url, link.is_image) == (
        "Title (v2)",
        "https://arxiv.org/abs/2304.02643",
        False,
    )


def test_badge_is_one_link_to_its_outer_target() -> None:
    badge = (
        "[![stars](https://img.shields.io/github/stars/a/b?style=social)](https://github.com/a/b)"
    )
    [link] = find_links(badge)
    assert link.url == "https://github.com/a/b"
    assert find_urls(badge) == ["https://github.com/a/b"]
    assert plain_text(badge) == "stars"


def test_escaped_brackets_are_not_links() -> None:
    assert find_links(r"\[a\](https://x.org)") == []


@pytest.mark.parametrize(
    ("cell", "urls"),
    [
        ("https://github.com/a/b", ["https://github.com/a/b"]),
        ("<https://github.com/a/b>", ["https://github.com/a/b"]),
        ("see https://mmcheng.net/oaa/.", ["https://mmcheng.net/oaa/"]),
        (
            "[PyTorch](https://github.com/a/b) &amp; [Keras](https://github.com/a/c)",
            ["https://github.com/a/b", "https://github.com/a/c"],
        ),
        ('<a href="https://github.com/a/b">code</a>', ["https://github.com/a/b"]),
        ("[code](https://github.com/a/b) https://github.com/a/b", ["https://github.com/a/b"]),
        (
            "(https://en.wikipedia.org/wiki/U-Net_(network))",
            ["https://en.wikipedia.org/wiki/U-Net_(network)"],
        ),
        ("--", []),
    ],
)
def test_find_urls(cell: str, urls: list[str]) -> None:
    assert find_urls(cell) == urls


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("**[Title](https://x.org)**", "Title"),
        ("l&#39;imagerie &amp; m&eacute;dicale", "l'imagerie & médicale"),
        ("a<br>b", "a b"),
        (r"P\|E", "P|E"),
        ("`code` and *emphasis* and __strong__", "code and emphasis and strong"),
        ("snake_case_name", "snake_case_name"),
        ("  many   spaces ", "many spaces"),
    ],
)
def test_plain_text(markdown: str, text: str) -> None:
    assert plain_text(markdown) == text


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "a | b\nc",
        "![img](https://evil.example/x.png)",
        "**bold** _it_ `code` ~~s~~",
        "https://evil.example www.evil.example",
        "trailing backslash \\",
    ],
)
def test_escape_text_neutralises_markup(hostile: str) -> None:
    escaped = escape_text(hostile)
    assert "\n" not in escaped
    assert "<" not in escaped
    assert find_links(escaped) == []
    assert re.search(r"(?<!\\)\|", escaped.replace("\\\\", "")) is None
    assert re.search(r"(?<!\\)://", escaped) is None
    assert "www." not in escaped
    assert plain_text(escaped) == _one_line(hostile)


def _one_line(value: str) -> str:
    """What a value should read as once written into a cell: one line, spaces collapsed."""
    spaced = "".join(
        " " if unicodedata.category(char) in {"Cc", "Zl", "Zp"} else char for char in value
    )
    return " ".join(spaced.split())


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_plain_text_inverts_escape_text(value: str) -> None:
    escaped = escape_text(value)
    assert "\n" not in escaped and "\r" not in escaped
    assert plain_text(escaped) == _one_line(value)
