from __future__ import annotations

import pytest

from pipeline.resolve.bibtex import (
    BibSource,
    assign_keys,
    base_key,
    build_entry,
    clean_value,
    parse_bibliography,
    parse_entry,
    render_bibliography,
    render_entry,
    repair_entry_type,
)
from pipeline.sources.semantic_scholar import parse_paper
from tests.fakes import contracts_dir, load_vcr

MALFORMED = """@['JournalArticle', 'Conference']{Kweon2024FromST,
 author = {Hyeokjun Kweon and Kuk-Jin Yoon},
 booktitle = {Computer Vision and Pattern Recognition},
 journal = {2024 IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)},
 pages = {3495-3506},
 title = {From SAM to CAMs},
 year = {2024}
}"""
PREPRINT = """@Article{Wu2023MaskedCC,
 author = {Fangwen Wu and Jingxuan He},
 booktitle = {arXiv.org},
 journal = {ArXiv},
 title = {Masked Collaborative Contrast for Weakly Supervised Semantic Segmentation},
 volume = {abs/2305.08491},
 year = {2023}
}"""


def fields_of(source: BibSource, key: str = "k") -> tuple[str, dict[str, str]]:
    entry = build_entry(source, key)
    return entry.entry_type, {f.key: f.value for f in entry.fields}


def test_a_malformed_entry_type_is_repaired() -> None:
    assert repair_entry_type(MALFORMED).startswith("@inproceedings{Kweon2024FromST,")
    assert repair_entry_type("@['JournalArticle']{k,") == "@article{k,"
    assert repair_entry_type("@Article{k,") == "@Article{k,"
    parsed = parse_entry(MALFORMED)
    assert parsed is not None and parsed[0] == "inproceedings"
    kind, fields = fields_of(BibSource("From SAM to CAMs", (), 2024, "CVPR 2024", MALFORMED))
    assert kind == "inproceedings"
    assert "journal" not in fields and fields["pages"] == "3495-3506"


def test_a_conference_paper_s2_knows_only_as_a_preprint_becomes_inproceedings() -> None:
    kind, fields = fields_of(
        BibSource(
            "Masked Collaborative Contrast",
            ("Fangwen Wu",),
            2024,
            "WACV 2024",
            PREPRINT,
            arxiv_id="2305.08491",
            arxiv_category="cs.CV",
        )
    )
    assert kind == "inproceedings"
    assert fields["booktitle"] == "IEEE/CVF Winter Conference on Applications of Computer Vision"
    assert fields["year"] == "2024"  # the list's year, not the preprint's
    assert "journal" not in fields and "volume" not in fields
    assert (fields["eprint"], fields["archiveprefix"], fields["primaryclass"]) == (
        "2305.08491",
        "arXiv",
        "cs.CV",
    )


def test_a_journal_paper_known_as_a_preprint_becomes_an_article() -> None:
    kind, fields = fields_of(BibSource("T", (), 2024, "TPAMI 2024", PREPRINT))
    assert kind == "article"
    assert fields["journal"] == "IEEE Transactions on Pattern Analysis and Machine Intelligence"
    assert "volume" not in fields and "booktitle" not in fields


def test_an_arxiv_listed_paper_stays_a_preprint_article() -> None:
    kind, fields = fields_of(BibSource("T", (), 2024, "arXiv 2024", PREPRINT))
    assert (
        kind == "article" and fields["journal"] == "ArXiv" and fields["volume"] == "abs/2305.08491"
    )


def test_missing_fields_are_filled_and_an_unknown_venue_becomes_a_note() -> None:
    kind, fields = fields_of(
        BibSource(
            "A Title",
            ("Ada Lovelace", "Alan Turing"),
            2018,
            "Symposium on Sparse Prompts 2018",
            None,
            doi="10.1/x",
            url="javascript:alert(1)",
        )
    )
    assert kind == "misc"
    assert fields["author"] == "Ada Lovelace and Alan Turing"
    assert (fields["title"], fields["year"], fields["doi"], fields["note"]) == (
        "A Title",
        "2018",
        "10.1/x",
        "Symposium on Sparse Prompts 2018",
    )
    assert "url" not in fields  # only http(s) URLs are written


@pytest.mark.parametrize(
    ("value", "cleaned"),
    [
        ("50% of {CNN}s & #1", r"50\% of {CNN}s \& \#1"),
        ("unbalanced } brace {", r"unbalanced \} brace \{"),
        ("line\nbreak   here", "line break here"),
        (r"already \& escaped", r"already \& escaped"),
    ],
)
def test_values_cannot_break_the_file(value: str, cleaned: str) -> None:
    assert clean_value(value) == cleaned


def test_hostile_titles_round_trip() -> None:
    source = BibSource("}@misc{evil, title = {x} % }\n@comment{", ("A B",), 2020, "CVPR 2020")
    text = render_bibliography([build_entry(source, "b2020evil")])
    library = parse_bibliography(text)
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == ["b2020evil"]


def test_keys_are_readable_unique_and_stable() -> None:
    assert base_key(("Hyeokjun Kweon",), 2024, "From SAM to CAMs") == "kweon2024sam"
    assert base_key(("José Ñúñez",), None, "The: A") == "nunezndpaper"
    assert base_key((), 2020, "Über Segmentation") == "anon2020uber"
    wanted = [("p1", "wu2024masked"), ("p2", "wu2024masked"), ("p3", "wu2024masked")]
    assert assign_keys(wanted, {}) == {
        "p1": "wu2024masked",
        "p2": "wu2024maskeda",
        "p3": "wu2024maskedb",
    }
    # p0 is new and sorts first; the others keep the keys they had.
    again = assign_keys(
        [("p0", "wu2024masked"), *wanted], {"p1": "wu2024masked", "p2": "wu2024maskeda"}
    )
    assert again == {
        "p1": "wu2024masked",
        "p2": "wu2024maskeda",
        "p0": "wu2024maskedb",
        "p3": "wu2024maskedc",
    }


def test_every_recorded_s2_bibtex_builds_an_entry_that_parses() -> None:
    folder = contracts_dir("semanticscholar", "danielnsilva-semanticscholar")
    exchanges = load_vcr(folder / "SemanticScholarTest.test_search_paper__429x2_then_200.yaml")
    exchanges += load_vcr(folder / "test_get_papers_not_found_warning.yaml")
    papers = []
    for exchange in exchanges:
        if exchange.status != 200:
            continue
        body = exchange.json()
        items = body["data"] if isinstance(body, dict) else body
        papers += [parse_paper(item) for item in items if item]
    with_bibtex = [p for p in papers if p.bibtex]
    assert len(with_bibtex) >= 90
    entries = [
        build_entry(
            BibSource(
                p.title,
                tuple(a.name for a in p.authors),
                p.year,
                p.venue,
                p.bibtex,
                doi=p.doi,
                arxiv_id=p.arxiv_id,
            ),
            f"key{index}",
        )
        for index, p in enumerate(with_bibtex)
    ]
    text = render_bibliography(entries)
    library = parse_bibliography(text)
    assert library.failed_blocks == []
    assert len(library.entries) == len(entries)
    # Round trip: writing what was read gives the same text.
    assert render_bibliography(library.entries) == text


def test_our_layout_is_bibtexparsers_own() -> None:
    from bibtexparser import write_string  # type: ignore[attr-defined]
    from bibtexparser.library import Library

    entries = [
        build_entry(BibSource("From SAM to CAMs", ("A B",), 2024, "CVPR 2024", MALFORMED), "k1"),
        build_entry(
            BibSource("Masked", ("C D",), 2024, "WACV 2024", PREPRINT, arxiv_id="2305.08491"), "k2"
        ),
    ]
    for entry in entries:
        assert render_entry(entry) == write_string(Library([entry]))
