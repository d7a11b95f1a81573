"""The fake's own reading of titles, ids and venues (fakeapi/text.py, venues.py), its world
descriptions and drafts: shaped like the real services, written apart from the product."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from fakeapi.description import PaperRecord, WorldDescription, description_path
from fakeapi.draft import draft_records
from fakeapi.text import (
    arxiv_id_of,
    contains_phrase,
    doi_of,
    github_repo_of,
    has_hyphenated_term,
    title_key,
    words,
)
from fakeapi.venues import S2_VENUES, s2_venue, venue_kind
from fakeapi.world import world_from_records
from tests.conftest import SEED_LIST
from tests.fakes import contracts_dir, fake_apis, load_vcr, seed_records


def test_words_fold_case_split_on_punctuation_and_keep_accents() -> None:
    assert words("DINO is Also a Semantic Guider:Exploiting (Oral)") == [
        "dino", "is", "also", "a", "semantic", "guider", "exploiting", "oral",
    ]  # fmt: skip
    assert title_key("Weakly-Supervised  Segmentation!") == "weakly supervised segmentation"
    assert title_key("Wübben") == "wübben" != title_key("Wubben")  # no accent folding


def test_s2_search_has_no_hits_for_a_hyphenated_term_and_arxiv_phrases_are_whole_words() -> None:
    assert has_hyphenated_term("weakly-supervised segmentation")
    assert not has_hyphenated_term("weakly supervised - segmentation")
    assert contains_phrase("Token Contrast for Weakly-Supervised Segmentation", "weakly supervised")
    assert not contains_phrase("Token Contrast for Segmentation", "contrast segmentation")
    assert not contains_phrase("Segmentation", "segment")  # whole words, not substrings
    assert not contains_phrase("Anything", "")


@pytest.mark.parametrize(
    ("url", "arxiv", "doi"),
    [
        ("https://arxiv.org/pdf/2305.08491v6", "2305.08491", None),
        ("https://arxiv.org/abs/2403.13225", "2403.13225", None),
        ("http://arxiv.org/abs/astro-ph/0601001v2", "astro-ph/0601001", None),
        ("https://link.springer.com/article/10.1007/s11263-024-02224-2", None,
         "10.1007/s11263-024-02224-2"),
        ("https://doi.org/10.1109/TPAMI.2022.1234", None, "10.1109/tpami.2022.1234"),
        ("https://ieeexplore.ieee.org/document/9756329", None, None),
        ("https://openaccess.thecvf.com/content/CVPR2024/papers/X_CVPR_2024_paper.pdf", None, None),
    ],
)  # fmt: skip
def test_ids_of_links(url: str, arxiv: str | None, doi: str | None) -> None:
    assert (arxiv_id_of(url), doi_of(url)) == (arxiv, doi)


def test_repositories_of_links() -> None:
    assert github_repo_of("https://github.com/rulixiang/vwe/tree/master/v2") == "rulixiang/vwe"
    assert github_repo_of("https://github.com/a-b/c.d.git") == "a-b/c.d"
    assert github_repo_of("https://anonymous.4open.science/r/ASDT-75D3") is None
    assert github_repo_of("https://github.com/topics/segmentation") is None


def test_venue_strings_are_those_s2_returns() -> None:
    """The strings marked "recorded" are in the real answers of ../shared/contracts."""
    page = load_vcr(
        contracts_dir("semanticscholar", "danielnsilva-semanticscholar")
        / "SemanticScholarTest.test_search_paper__429x2_then_200.yaml"
    )
    served = {
        paper["venue"]
        for answer in page
        if answer.status == 200
        for paper in json.loads(answer.body)["data"]
    }
    recorded = {name for name, _, source in S2_VENUES.values() if source == "recorded"}
    assert recorded and recorded <= served
    assert s2_venue("CVPR") == "Computer Vision and Pattern Recognition"
    assert s2_venue(" neurips ") == "Neural Information Processing Systems"
    assert s2_venue("Some Workshop") == "Some Workshop" and s2_venue("") is None
    assert venue_kind(s2_venue("TPAMI")) == "journal" and venue_kind("Unknown") == "conference"


def test_the_seed_description_is_one_record_per_row_and_round_trips() -> None:
    path = description_path(SEED_LIST)
    text = path.read_text(encoding="utf-8")
    description = WorldDescription.from_json(text)
    assert description.to_json() == text
    assert "checked by hand" in description.checked
    rows = [line for line in SEED_LIST.read_text(encoding="utf-8").splitlines() if "| [" in line]
    assert len(description.papers) == len(rows) == 56
    for row, record in zip(rows, description.papers, strict=True):
        assert f"[{record.as_written}](" in row
        assert record.year is not None and f"{record.venue} {record.year}" in row
        assert all(f"github.com/{repo}".casefold() in row.casefold() for repo in record.repos)
        assert (record.arxiv_id is None) == ("arxiv.org" not in row.split("](")[1].split(")")[0])


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"year": 2020}, "a title is required"),
        ({"title": "T", "arxiv_id": "2305.08491v6"}, "not an arXiv id"),
        ({"title": "T", "doi": "doi:10.1/x"}, "not a DOI"),
        ({"title": "T", "repos": ["https://github.com/a/b"]}, "not owner/name"),
        ({"title": "T", "year": "2020"}, "not a year"),
        ({"title": "T", "stars": 3}, "unknown keys"),
    ],
)
def test_a_mistyped_record_names_itself(record: dict[str, object], message: str) -> None:
    text = json.dumps({"format": "awesome-enrich world description 1", "papers": [record]})
    with pytest.raises(ValueError, match=message):
        WorldDescription.from_json(text, "f.json")


def test_a_draft_reads_rows_and_bullets_with_its_own_regexes() -> None:
    text = (
        "| Title | Venue | Code |\n|---|---|---|\n"
        "| [A Paper &amp; Its Title](https://arxiv.org/abs/2101.00001v2) | ICCV 2021 | "
        "https://github.com/o/r |\n"
        "- [Another Paper](https://doi.org/10.1234/ABC) (CVPR 2020) [code](https://github.com/p/q)\n"
        "- [Home](https://example.org)\n"
    )
    assert draft_records(text) == [
        PaperRecord("A Paper & Its Title", 2021, "ICCV", arxiv_id="2101.00001",
                    repos=("o/r",), written="A Paper &amp; Its Title"),
        PaperRecord("Another Paper", 2020, "CVPR", doi="10.1234/abc", repos=("p/q",)),
    ]  # fmt: skip


def test_the_fake_finds_the_true_title_the_list_writes_differently() -> None:
    """The world keeps the titles the services know; a list's spelling must be found by the
    fake's own matching, never by sharing the product's normaliser. In the seed's world (seed
    0) the C2AM paper is in S2 and the DINO paper is known to arXiv only."""
    world = world_from_records(seed_records())
    c2am = next(p for p in world.papers if p.title.startswith("C2AM: "))
    dino = next(p for p in world.papers if p.title.startswith("DINO ") and not p.decoy)
    assert c2am.in_s2 and dino.in_arxiv and not dino.in_s2
    with fake_apis(world) as (server, _):
        base = f"{server.url}/s2/graph/v1/paper"
        written = c2am.title.removeprefix("C2AM: ")  # as the seed list writes it
        match = requests.get(f"{base}/search/match", params={"query": written}, timeout=5)
        hyphen = requests.get(f"{base}/search", params={"query": "Class-agnostic"}, timeout=5)
        spaced = requests.get(f"{base}/search", params={"query": "Class agnostic"}, timeout=5)
        phrase = 'ti:"DINO is Also a Semantic Guider Exploiting Class aware Affinity"'
        feed = requests.get(
            f"{server.url}/arxiv/api/query", params={"search_query": phrase}, timeout=5
        ).text
    assert match.json()["data"][0]["paperId"] == c2am.paper_id
    assert hyphen.json() == {"total": 0, "offset": 0}  # as documented: no hits, no data
    assert c2am.paper_id in {paper["paperId"] for paper in spaced.json()["data"]}
    assert f"<id>http://arxiv.org/abs/{dino.arxiv_id}v1</id>" in feed


def test_the_demo_reads_a_lists_description_else_drafts_one(tmp_path: Path) -> None:
    from pipeline.cli.demo import _records  # the command's own choice of records

    class Args:
        description: Path | None = None
        list = tmp_path / "l.md"

    Args.list.write_text("- [Only Paper Here](https://arxiv.org/abs/2101.00002) CVPR 2021\n")
    printed: list[str] = []

    class Out:
        def write(self, text: str) -> int:
            printed.append(text)
            return len(text)

    drafted, source = _records(Args(), Out())  # type: ignore[arg-type]
    assert [r.arxiv_id for r in drafted] == ["2101.00002"] and "unchecked" in "".join(printed)
    assert source.endswith("l.md (an unchecked draft)")
    WorldDescription("l.md", "by hand", [PaperRecord("Only Paper Here", 2021, "CVPR")]).save(
        description_path(Args.list)
    )
    checked, source = _records(Args(), Out())  # type: ignore[arg-type]
    assert checked == [PaperRecord("Only Paper Here", 2021, "CVPR")]
    assert source == str(description_path(Args.list))
