"""Running the reader on generated lists, with deterministic Hypothesis settings."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.listfile.parser import parse_list
from pipeline.listfile.render import render
from tests.listfile.generated.documents import Document
from tests.listfile.generated.oracle import mismatches, report

# Lists per test (41 tests: about 10,250 lists a run, ~75 s on two workers when they pass);
# GENERATED_EXAMPLES scales it (e.g. 1000 for a long local run).
EXAMPLES = int(os.environ.get("GENERATED_EXAMPLES", "250"))

SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same lists on every run: CI is deterministic
    database=None,
    deadline=None,
    report_multiple_bugs=False,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)


def round_trip_problem(text: str) -> str | None:
    document = parse_list(text, "generated.md")
    back = render(document)
    if back == text:
        return None
    return f"render(parse_list(text)) differs from the text:\n{text!r}\n{back!r}"


def check_document(document: Document) -> None:
    problem = round_trip_problem(document.text)
    assert problem is None, problem
    entries = parse_list(document.text, "generated.md").entries
    assert not mismatches(document.expected, entries), report(
        document.text, document.expected, entries
    )


def check_documents(strategy: st.SearchStrategy[Document], examples: int | None = None) -> None:
    """Every list the strategy draws reads as generated; raises on the shrunk failing one."""

    @(SETTINGS if examples is None else settings(SETTINGS, max_examples=examples))
    @given(strategy)
    def run(document: Document) -> None:
        check_document(document)

    run()


def check_round_trips(strategy: st.SearchStrategy[str]) -> None:
    @SETTINGS
    @given(strategy)
    def run(text: str) -> None:
        problem = round_trip_problem(text)
        assert problem is None, problem

    run()
