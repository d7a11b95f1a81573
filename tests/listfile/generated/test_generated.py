"""The reader's main test (issue 22, item 3): generated lists read back as generated.

One test per paper shape, one per non-paper section kind (with fixed papers beside it), one for
everything mixed, and one for the byte-for-byte round trip with every line ending."""

from __future__ import annotations

import pytest

from tests.listfile.generated.checks import MIXED_EXAMPLES, check_documents, check_round_trips
from tests.listfile.generated.documents import (
    mixed_documents,
    non_paper_documents,
    shape_documents,
    with_line_endings,
)
from tests.listfile.generated.nonpapers import NON_PAPER_SECTIONS
from tests.listfile.generated.shapes import PAPER_SHAPES


@pytest.mark.parametrize("shape", sorted(PAPER_SHAPES))
def test_paper_shape(shape: str) -> None:
    check_documents(shape_documents(shape))


@pytest.mark.parametrize("kind", [*sorted(NON_PAPER_SECTIONS), "toolbox"])
def test_non_paper_section(kind: str) -> None:
    check_documents(non_paper_documents(kind))


def test_mixed() -> None:
    check_documents(mixed_documents(), MIXED_EXAMPLES)


def test_round_trip_any_line_ending() -> None:
    check_round_trips(mixed_documents().flatmap(with_line_endings), MIXED_EXAMPLES)
