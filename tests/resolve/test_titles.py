"""Title resolution past namesakes and versions, against the local fake of the three APIs."""

from __future__ import annotations

import textwrap
from collections import Counter
from datetime import UTC, datetime

from fakeapi.world import FakePaper, World
from pipeline.listfile.parser import parse_list
from pipeline.resolve.matching import title_similarity
from pipeline.resolve.overrides import Overrides, parse_overrides
from pipeline.resolve.records import MatchMethod, ResolutionRun
from pipeline.resolve.report import resolution_json, resolution_markdown
from pipeline.resolve.resolver import Resolver
from pipeline.resolve.titles import query_title
from pipeline.sources.arxiv import ArxivClient
from pipeline.sources.semantic_scholar import SemanticScholarClient
from tests.fakes import fake_apis

TITLE = "Token Contrast for Weakly-Supervised Semantic Segmentation"
CVPR = "IEEE/CVF Conference on Computer Vision and Pattern Recognition"


def paper(paper_id: str, title: str = TITLE, year: int = 2023, **fields: object) -> FakePaper:
    return FakePaper(
        paper_id=paper_id,
        corpus_id=sum(map(ord, paper_id)),
        title=title,
        year=year,
        venue=fields.pop("venue", CVPR),  # type: ignore[arg-type]
        authors=[("111", "L. Ru")],
        **fields,  # type: ignore[arg-type]
    )


def world(*papers: FakePaper) -> World:
    return World(synthetic=True, description="test", epoch="2026-01-01", papers=list(papers))


def table(*rows: tuple[str, str]) -> str:
    """A title-only table: no paper link, so every entry is resolved by its title."""
    body = "".join(f"| {title} | {venue} |\n" for title, venue in rows)
    return "| Title | Venue |\n|---|---|\n" + body


def resolve(
    the_world: World, text: str, overrides: Overrides | None = None
) -> tuple[ResolutionRun, Counter[str]]:
    with fake_apis(the_world) as (server, settings):
        resolver = Resolver(
            SemanticScholarClient.from_settings(settings), ArxivClient.from_settings(settings)
        )
        run = resolver.resolve(parse_list(text).entries, overrides or Overrides(), {})
        return run, Counter(server.app.stats.requests)


def s2_title_calls(requests: Counter[str]) -> int:
    return requests["s2 GET s2_match"] + requests["s2 GET s2_search"]


def test_a_namesake_of_the_exact_title_does_not_hide_the_true_record() -> None:
    # The namesake carries the list's exact title, from another year and venue, and S2's match
    # prefers it; the true record differs from the list's title in case and punctuation only.
    namesake = paper("workshop", year=2019, venue="CVPR Workshops", match_rank=5)
    true = paper("true", title="Token contrast for weakly supervised semantic segmentation.")
    run, requests = resolve(world(namesake, true), table((TITLE, "CVPR 2023")))
    [r] = run.resolutions
    assert (r.method, r.s2_paper_id) == (MatchMethod.S2_TITLE, "true")
    assert r.query == "match year=2022-2024"
    assert [c.paper_id for c in r.rejected] == ["workshop"]
    assert "year 2019 is not within 1" in " ".join(r.rejected[0].reasons)
    assert s2_title_calls(requests) == 2  # the match, then one extra call for the namesake
    assert requests["arxiv GET arxiv_query"] == 0  # arXiv is not asked instead


def test_a_match_with_a_conflicting_venue_yields_to_the_version_the_list_names() -> None:
    # S2's match is the paper's ICLR version from the year before: it passes the guard, but
    # with a venue conflict, so one search looks for a version the list agrees with.
    iclr = paper(
        "iclr",
        year=2022,
        venue="International Conference on Learning Representations",
        match_rank=9,
    )
    true = paper("true", title="Token contrast for weakly-supervised semantic segmentation")
    run, requests = resolve(world(iclr, true), table((TITLE, "CVPR 2023")))
    [r] = run.resolutions
    assert r.s2_paper_id == "true"
    assert r.query == "search year=2022-2024"
    assert [a.paper_id for a in r.alternatives] == ["iclr"]
    assert s2_title_calls(requests) == 2


def test_no_acceptable_candidate_costs_at_most_two_extra_calls_then_arxiv() -> None:
    namesakes = [paper(f"n{year}", year=year, match_rank=year) for year in (2015, 2017, 2019)]
    run, requests = resolve(world(*namesakes), table((TITLE, "CVPR 2023")))
    [r] = run.resolutions
    assert r.method is MatchMethod.UNRESOLVED
    assert s2_title_calls(requests) <= 3
    assert requests["arxiv GET arxiv_query"] == 1  # arXiv's title search comes after S2's
    when = datetime(2026, 1, 1, tzinfo=UTC)
    shown = resolution_json(run, source="list.md", generated_at=when, synthetic=True)
    assert '"paper_id": "n2019"' in shown and '"query": "match"' in shown


def test_the_lists_venue_decides_between_a_conference_and_a_journal_version() -> None:
    conference = paper("conf", year=2022, venue=CVPR, match_rank=3)
    journal = paper(
        "journal", year=2023, venue="IEEE Transactions on Pattern Analysis and Machine Intelligence"
    )
    the_world = world(conference, journal)
    run, _ = resolve(the_world, table((TITLE, "TPAMI 2023")))
    assert run.resolutions[0].s2_paper_id == "journal"
    assert [a.paper_id for a in run.resolutions[0].alternatives] == ["conf"]
    run, _ = resolve(the_world, table((TITLE, "CVPR 2022")))
    assert run.resolutions[0].s2_paper_id == "conf"


def test_without_venue_or_year_the_peer_reviewed_version_beats_the_preprint() -> None:
    preprint = paper("preprint", year=2022, venue="arXiv.org", match_rank=9)
    published = paper("published", year=2023, venue=CVPR)
    reprint = paper("reprint", year=2025, venue="International Journal of Computer Vision")
    run, requests = resolve(world(preprint, published, reprint), table((TITLE, "")))
    [r] = run.resolutions
    assert r.s2_paper_id == "published"  # peer-reviewed, and earlier than the reprint
    assert {a.paper_id for a in r.alternatives} == {"preprint", "reprint"}
    assert r.low_confidence  # the policy chose, not the list: a maintainer should look
    assert s2_title_calls(requests) == 2
    report = resolution_markdown(
        run, source="list.md", generated_at=datetime(2026, 1, 1, tzinfo=UTC), synthetic=True
    )
    assert "### Other versions of the same paper" in report
    assert 's2_paper_id: "preprint"' in report
    # The snippet the report shows is a valid override that pins the other version.
    snippet = report.split("```yaml\n", 1)[1].split("```", 1)[0]
    overrides = parse_overrides("overrides:\n" + textwrap.indent(textwrap.dedent(snippet), "  "))
    pinned, _ = resolve(world(preprint, published, reprint), table((TITLE, "")), overrides)
    assert pinned.resolutions[0].s2_paper_id == r.alternatives[0].paper_id


def test_an_accepted_match_without_conflict_costs_one_call() -> None:
    run, requests = resolve(world(paper("only")), table((TITLE, "CVPR 2023")))
    assert run.resolutions[0].s2_paper_id == "only"
    assert run.resolutions[0].query == "match"
    assert s2_title_calls(requests) == 1


def test_titles_are_cleaned_for_the_query_but_not_in_the_list() -> None:
    assert query_title("**Ha-NeRF**:laughing:: Hallucinated  NeRF \U0001f525") == (
        "Ha-NeRF : Hallucinated NeRF"
    )
    text = table(("Ba ckground-Mixed Augmentation :rocket:", "CVPR 2023"))
    assert parse_list(text).entries[0].title.startswith("Ba ckground")
    assert title_similarity("Ba ckground-Mixed Augmentation", "Background-Mixed Augmentation") == 1
    run, _ = resolve(world(paper("bg", title="Background-Mixed Augmentation")), text)
    assert run.resolutions[0].s2_paper_id == "bg"


def test_a_match_that_is_another_paper_is_not_asked_again() -> None:
    # S2's closest title is unrelated (the paper is not in S2): no year filter or search can
    # find a closer title, so the next call is arXiv's.
    other = paper("other", title="Semantic Contrast for Weakly Supervised Object Detection")
    run, requests = resolve(world(other), table((TITLE, "CVPR 2023")))
    assert run.resolutions[0].method is MatchMethod.UNRESOLVED
    assert s2_title_calls(requests) == 1
    assert requests["arxiv GET arxiv_query"] == 1


FUSED_VENUES = (
    ("CVPR2022", 2022, CVPR),
    ("ICCV' 15", 2015, "IEEE/CVF International Conference on Computer Vision"),
    ("NeurIPS 2023 (Oral)", 2023, "Advances in Neural Information Processing Systems"),
    ("TPAMI 2024", 2024, "IEEE Transactions on Pattern Analysis and Machine Intelligence"),
    ("*ECCV'22*", 2022, "European Conference on Computer Vision"),
    ("AAAI-21", 2021, "AAAI Conference on Artificial Intelligence"),
    ("Arxiv 1711", 2017, "arXiv.org"),
)
WORDS = [
    "Contrastive",
    "Sparse",
    "Graph",
    "Neural",
    "Adaptive",
    "Latent",
    "Robust",
    "Efficient",
    "Hierarchical",
    "Semantic",
    "Diffusion",
    "Attention",
    "Transformer",
    "Learning",
    "Segmentation",
    "Detection",
    "Retrieval",
    "Distillation",
]


def synthetic_title(index: int) -> str:
    """A distinct made-up title (SYNTHETIC test data)."""
    words = [WORDS[(index * 7 + k * 3) % len(WORDS)] for k in range(5)]
    return f"{words[0]}-{words[1]}: {' '.join(words[2:])} for Task {index}"


def test_a_title_only_list_with_fused_venues_and_namesakes_resolves_at_the_minimum() -> None:
    rows, papers, namesakes = [], [], set()
    for index in range(100):
        venue_text, year, s2_venue = FUSED_VENUES[index % len(FUSED_VENUES)]
        title = synthetic_title(index)
        rows.append((title, venue_text))
        # S2's record differs from the list's title in case and punctuation only.
        record = title.lower().replace("-", " ").replace(":", "")
        papers.append(paper(f"true{index}", title=record, year=year, venue=s2_venue))
        if index % 20 == 3:  # 5% of the entries have a namesake S2's match prefers
            namesakes.add(index)
            papers.append(
                paper(f"decoy{index}", title=title, year=year - 3, venue="Workshop", match_rank=9)
            )
    run, requests = resolve(world(*papers), table(*rows))
    assert [r.s2_paper_id for r in run.resolutions] == [f"true{i}" for i in range(100)]
    assert all(r.entry.year == FUSED_VENUES[i % 7][1] for i, r in enumerate(run.resolutions))
    # One match per title, one extra call per namesake, nothing asked of arXiv's title search.
    assert s2_title_calls(requests) == 100 + len(namesakes)
    assert requests["arxiv GET arxiv_query"] == 0
