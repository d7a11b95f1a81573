from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from fakeapi.world import FakePaper, World
from pipeline.listfile.parser import parse_list
from pipeline.resolve.bibtex import parse_bibliography
from pipeline.resolve.matching import title_key
from pipeline.resolve.overrides import Overrides, parse_overrides
from pipeline.resolve.records import MatchMethod, Pin, ResolutionRun
from pipeline.resolve.resolver import Resolver, merge_authors
from pipeline.sources.arxiv import ArxivClient
from pipeline.sources.config import Settings
from pipeline.sources.semantic_scholar import SemanticScholarClient
from pipeline.store.listio import read_list
from tests.conftest import SEED_LIST
from tests.fakes import fake_apis, seed_records, seed_world

TITLE = "Token Contrast for Weakly-Supervised Semantic Segmentation"


def paper(paper_id: str, title: str = TITLE, year: int = 2023, **fields: object) -> FakePaper:
    return FakePaper(
        paper_id=paper_id,
        corpus_id=abs(hash(paper_id)) % 10**8,
        title=title,
        year=year,
        venue=fields.pop("venue", "IEEE/CVF Conference on Computer Vision and Pattern Recognition"),  # type: ignore[arg-type]
        authors=[("111", "L. Ru"), ("222", "Y. Zhan")],
        arxiv_authors=["Lixiang Ru", "Yibing Zhan"],
        **fields,  # type: ignore[arg-type]
    )


def one_row(
    title: str = TITLE, url: str = "https://openaccess.thecvf.com/x.pdf", venue: str = "CVPR 2023"
) -> str:
    return f"| Title | Venue |\n|---|---|\n| [{title}]({url}) | {venue} |\n"


def resolve(
    world: World,
    text: str,
    overrides: Overrides | None = None,
    previous: dict[str, Pin] | None = None,
    **options: object,
) -> ResolutionRun:
    with fake_apis(world, **options) as (_, settings):  # type: ignore[arg-type]
        return resolver(settings).resolve(
            parse_list(text).entries, overrides or Overrides(), previous or {}
        )


def resolver(settings: Settings) -> Resolver:
    return Resolver(
        SemanticScholarClient.from_settings(settings), ArxivClient.from_settings(settings)
    )


def world(*papers: FakePaper) -> World:
    return World(synthetic=True, description="test", epoch="2026-01-01", papers=list(papers))


# --- decoys ------------------------------------------------------------------------------------


def test_a_namesake_from_another_year_is_never_chosen() -> None:
    namesake = paper("decoy", year=2019, match_rank=1, citations_at_epoch=359)
    run = resolve(world(namesake), one_row())
    [r] = run.resolutions
    assert r.method is MatchMethod.UNRESOLVED
    assert r.s2_paper_id is None
    assert "year 2019 is not within 1 of the list's 2023" in " ".join(r.notes)


def test_the_same_title_published_twice_resolves_to_the_right_year_on_s2() -> None:
    namesake = paper("decoy", year=2019, match_rank=1)
    real = paper(
        "real", arxiv_id="2303.01267", in_arxiv=True, arxiv_published="2023-03-02T00:00:00Z"
    )
    run = resolve(world(namesake, real), one_row())
    [r] = run.resolutions
    assert (r.method, r.s2_paper_id, r.arxiv_id) == (MatchMethod.S2_TITLE, "real", "2303.01267")
    assert r.query == "match year=2022-2024" and r.arxiv is not None  # metadata by id


def test_a_title_that_is_a_prefix_of_another_is_rejected() -> None:
    prefix = paper("prefix", title="Token Contrast")
    run = resolve(world(prefix), one_row())
    assert run.resolutions[0].method is MatchMethod.UNRESOLVED


def test_the_list_title_being_a_prefix_of_the_record_is_rejected_too() -> None:
    longer = paper("longer", title=TITLE + " with Vision Transformers and Beyond")
    run = resolve(world(longer), one_row())
    assert run.resolutions[0].method is MatchMethod.UNRESOLVED


# --- the resolution order -----------------------------------------------------------------------


def test_an_id_in_the_paper_url_is_used_before_any_title() -> None:
    decoy = paper("decoy", match_rank=1)
    real = paper("real", arxiv_id="2303.01267")
    run = resolve(world(decoy, real), one_row(url="https://arxiv.org/pdf/2303.01267v2"))
    [r] = run.resolutions
    assert (r.method, r.s2_paper_id, r.score) == (MatchMethod.PAPER_URL_ID, "real", 1.0)


def arxiv_only_paper() -> FakePaper:
    """The entry's paper, known to arXiv (2303.01267) and not to S2."""
    return paper(
        "unused",
        arxiv_id="2303.01267",
        in_s2=False,
        in_arxiv=True,
        arxiv_published="2023-03-02T00:00:00Z",
    )


def test_an_entry_only_arxiv_knows() -> None:
    only = arxiv_only_paper()
    run = resolve(world(only), one_row())
    [r] = run.resolutions
    assert (r.method, r.arxiv_id, r.s2_paper_id) == (MatchMethod.ARXIV_TITLE, "2303.01267", None)
    assert r.authors == ("Lixiang Ru", "Yibing Zhan")
    assert "S2 has no title match" in r.notes
    assert r.bibtex is not None and "eprint = {2303.01267}" in r.bibtex


def test_a_paper_s2_misses_by_title_gains_its_s2_record_by_its_arxiv_id() -> None:
    """Issue 27: S2 knows the paper under another title (its published one); arXiv finds it by
    the list's title, and S2's batch, asked by `ARXIV:<id>`, gives its record and count."""
    published = paper(
        "s2rec",
        title="Class Token Contrast Across Images for Segmentation",
        arxiv_id="2303.01267",
        citations_at_epoch=42,
    )
    preprint = paper(
        "arxiv-record",
        arxiv_id="2303.01267",
        in_s2=False,
        in_arxiv=True,
        arxiv_published="2023-03-02T00:00:00Z",
    )
    [r] = resolve(world(published, preprint), one_row()).resolutions
    assert (r.method, r.s2_paper_id) == (MatchMethod.ARXIV_TITLE, "s2rec")
    assert r.s2 is not None and r.s2.citation_count == 42


def test_every_paper_found_on_arxiv_by_title_is_asked_of_s2_by_its_arxiv_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The demo's measure (issue 27): on the seed list, each `arxiv_title` entry is asked of
    S2 by `ARXIV:<id>`; those that gain an S2 record are those the fake's S2 holds."""
    asked: list[str] = []
    real = SemanticScholarClient.get_papers

    def spy(self: SemanticScholarClient, ids: list[str], *args: object, **kwargs: object) -> object:
        asked.extend(ids)
        return real(self, ids, *args, **kwargs)

    monkeypatch.setattr(SemanticScholarClient, "get_papers", spy)
    seed = seed_world()
    run = resolve(seed, SEED_LIST.read_text(encoding="utf-8"))
    found = [r for r in run.resolutions if r.method is MatchMethod.ARXIV_TITLE]
    assert len(found) == 7
    assert {f"ARXIV:{r.arxiv_id}" for r in found} <= set(asked)
    in_s2 = {p.arxiv_id for p in seed.papers if p.in_s2 and p.arxiv_id}
    assert sum(r.s2 is not None for r in found) == sum(r.arxiv_id in in_s2 for r in found) == 0


def test_an_arxiv_only_paper_whose_title_opens_many_others_is_found() -> None:
    """arXiv's title search answers a page of phrase matches, most relevant first: with more
    than five papers whose titles extend the entry's, the entry's own is still on the page."""
    tails = ["in the Wild", "at Scale", "under Label Noise", "from Image Labels", "Revisited"]
    others = [
        paper(
            f"other{i}",
            title=f"{TITLE} {tail}",
            year=2019 + i,
            in_arxiv=True,
            arxiv_id=f"2{i}01.0000{i}",
            arxiv_published=f"202{i}-01-02T00:00:00Z",
        )
        for i, tail in enumerate(tails)
    ]
    only = arxiv_only_paper()
    run = resolve(world(*others, only), one_row())
    [r] = run.resolutions
    assert (r.method, r.arxiv_id) == (MatchMethod.ARXIV_TITLE, "2303.01267")


def test_overrides_win_over_ids_and_titles() -> None:
    decoy = paper("decoy")
    pinned = paper("pinned", title="The Published Title", doi="10.1109/cvpr.2023.1")
    overrides = parse_overrides(
        f'overrides:\n  - title: "{TITLE.lower()}"\n    doi: 10.1109/CVPR.2023.1\n'
    )
    run = resolve(world(decoy, pinned), one_row(url="https://arxiv.org/abs/9999.99999"), overrides)
    [r] = run.resolutions
    assert (r.method, r.s2_paper_id, r.score) == (MatchMethod.OVERRIDE, "pinned", 1.0)


def test_an_override_id_s2_does_not_know_is_not_replaced_by_a_guess() -> None:
    overrides = parse_overrides(f'overrides:\n  - title: "{TITLE}"\n    s2_paper_id: gone\n')
    run = resolve(world(paper("lookalike")), one_row(), overrides)
    [r] = run.resolutions
    assert r.method is MatchMethod.UNRESOLVED
    assert "the override's ids are unknown to S2" in r.notes


def test_not_a_paper_is_never_resolved() -> None:
    overrides = parse_overrides(f'overrides:\n  - title: "{TITLE}"\n    not_a_paper: true\n')
    run = resolve(world(paper("real")), one_row(), overrides)
    assert run.resolutions[0].method is MatchMethod.NOT_A_PAPER
    assert run.bibliography == ""


def test_pins_survive_an_edit_of_case_and_punctuation() -> None:
    decoy = paper("decoy", match_rank=1)  # the title match would now pick this one
    real = paper("real", title="Something S2 renamed", year=2023)
    previous = {
        title_key(TITLE): Pin(
            title_key(TITLE), "s2_title", 1.0, s2_paper_id="real", citation_key="ru2023token"
        )
    }
    edited = "token contrast for weakly supervised semantic segmentation!"
    run = resolve(world(decoy, real), one_row(title=edited), previous=previous)
    [r] = run.resolutions
    assert (r.method, r.s2_paper_id, r.citation_key) == (MatchMethod.PINNED, "real", "ru2023token")


def test_a_merged_pinned_id_is_followed_and_both_are_kept() -> None:
    merged = paper("new-id", merged_ids=["old-id"])
    previous = {title_key(TITLE): Pin(title_key(TITLE), "s2_title", 1.0, s2_paper_id="old-id")}
    [r] = resolve(world(merged), one_row(), previous=previous).resolutions
    assert (r.method, r.s2_paper_id, r.merged_from) == (MatchMethod.PINNED, "new-id", "old-id")
    assert "S2 merged old-id into new-id" in r.notes


def test_a_pinned_id_that_is_gone_is_resolved_again() -> None:
    real = paper("real")
    previous = {title_key(TITLE): Pin(title_key(TITLE), "s2_title", 1.0, s2_paper_id="vanished")}
    [r] = resolve(world(real), one_row(), previous=previous).resolutions
    assert (r.method, r.s2_paper_id) == (MatchMethod.S2_TITLE, "real")
    assert "S2 does not know vanished" in r.notes


def test_a_failed_arxiv_search_is_not_called_no_match() -> None:
    """Issue 27: "arXiv title search failed: ...; arXiv has no title match" contradicted
    itself. A search that failed says so; one that answered nothing says "no title match"."""
    failed = resolve(world(), one_row(), faults=_down("arxiv")).resolutions[0]
    assert failed.method is MatchMethod.UNRESOLVED
    assert any(note.startswith("arXiv title search failed") for note in failed.notes)
    assert "arXiv has no title match" not in failed.notes
    answered = resolve(world(), one_row()).resolutions[0]
    assert "arXiv has no title match" in answered.notes
    assert not any("search failed" in note for note in answered.notes)


def test_s2_down_keeps_the_previous_resolution() -> None:
    previous = {
        title_key(TITLE): Pin(
            title_key(TITLE),
            "s2_title",
            0.97,
            s2_paper_id="real",
            citation_key="ru2023token",
            bibtex="@inproceedings{ru2023token,\n\ttitle = {T}\n}",
        )
    }
    run = resolve(world(paper("real")), one_row(), previous=previous, faults=_down("s2"))
    [r] = run.resolutions
    assert (r.method, r.s2_paper_id, r.kept_from_previous) == (MatchMethod.S2_TITLE, "real", True)
    assert r.bibtex is not None and r.bibtex.startswith("@inproceedings{ru2023token")
    assert "s2" in run.failures
    assert "ru2023token" in run.bibliography


def test_an_unforeseen_s2_failure_keeps_the_previous_resolution(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug or an answer nobody foresaw in S2's client costs its batch (issue 23): the pinned
    paper keeps its resolution, marked; the new entry goes on to the title search (broken too
    here, so S2's titles stop) and arXiv; S2, which answered nothing all run, failed."""
    pinned = Pin(title_key(TITLE), "s2_title", 0.97, s2_paper_id="real")

    def broken(*_: object, **__: object) -> object:
        raise KeyError("paperId")

    monkeypatch.setattr(SemanticScholarClient, "get_papers", broken)
    monkeypatch.setattr(SemanticScholarClient, "match_title", broken)
    other = "Masked Collaborative Contrast for Weakly Supervised Semantic Segmentation"
    text = one_row() + f"| [{other}](https://example.org/x.pdf) | WACV 2024 |\n"
    run = resolve(world(paper("real")), text, previous={title_key(TITLE): pinned})
    kept, new = run.resolutions
    assert (kept.method, kept.s2_paper_id, kept.kept_from_previous) == (
        MatchMethod.S2_TITLE,
        "real",
        True,
    )
    assert "S2 failed on this entry's ids: kept the previous run's resolution" in kept.notes
    assert new.method is MatchMethod.UNRESOLVED
    assert "S2 title match stopped: KeyError" in new.notes  # its title was asked, and failed
    # S2 answered nothing all run: failed, one line for S2 (its titles' stop included).
    assert run.failures == {"s2": "S2 batch failed (stopped: KeyError: 'paperId')"}


def test_an_unforeseen_failure_of_s2_titles_stops_only_s2_titles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_: object, **__: object) -> object:
        raise TypeError("an answer nobody foresaw")

    monkeypatch.setattr(SemanticScholarClient, "match_title", broken)
    on_both = paper(
        "a", arxiv_id="2303.01267", in_arxiv=True, arxiv_published="2023-03-02T00:00:00Z"
    )
    run = resolve(world(on_both), one_row())
    [r] = run.resolutions
    assert run.failures == {"s2-title": "stopped: TypeError: an answer nobody foresaw"}
    assert r.method is MatchMethod.ARXIV_TITLE  # arXiv still searched the title
    assert "S2 title match stopped: TypeError" in r.notes


def test_a_venue_conflict_is_accepted_only_as_low_confidence() -> None:
    journal = paper("journal", venue="IEEE Transactions on Image Processing")
    [r] = resolve(world(journal), one_row()).resolutions
    assert r.method is MatchMethod.S2_TITLE and r.low_confidence
    assert r.score == pytest.approx(0.92)


def test_merge_authors_prefers_arxiv_full_names_for_the_same_people() -> None:
    names, ids = merge_authors([("1", "L. Ru"), ("2", "Y. Zhan")], ["Lixiang Ru", "Yibing Zhan"])
    assert names == ("Lixiang Ru", "Yibing Zhan") and ids == ("1", "2")
    names, _ = merge_authors([("1", "L. Ru")], ["Someone Else", "Another"])
    assert names == ("L. Ru",)
    assert merge_authors([], ["A B"]) == (("A B",), (None,))


def _down(api: str):  # type: ignore[no-untyped-def]
    from fakeapi.faults import Faults

    return Faults(down=frozenset({api}))


# --- the seed list end to end ------------------------------------------------------------------


def test_seed_resolves_every_entry_to_its_true_record_and_never_to_a_decoy() -> None:
    document = read_list(SEED_LIST)
    synthetic = seed_world()
    described = seed_records()  # checked by hand: the product must read the same entries
    assert len(document.entries) == len(described)
    truth = {position: p for p in synthetic.papers if not p.decoy for position in p.list_positions}
    decoys = {p.paper_id for p in synthetic.papers if p.decoy}
    assert decoys, "the synthetic world has decoys"
    with fake_apis(synthetic) as (server, settings):
        run = resolver(settings).resolve(document.entries, Overrides(), {})
        calls = server.app.snapshot()["per_api"]
    assert run.failures == {}
    for r in run.resolutions:
        true = truth[r.entry.position]
        expected = (
            MatchMethod.PAPER_URL_ID
            if described[r.entry.position].arxiv_id or described[r.entry.position].doi
            else MatchMethod.S2_TITLE
            if true.in_s2
            else MatchMethod.ARXIV_TITLE
        )
        assert r.method is expected, (r.entry.line, r.notes)
        assert r.s2_paper_id not in decoys
        if true.in_s2:
            assert r.s2_paper_id == true.paper_id, r.entry.line
        else:
            assert (r.arxiv_id, r.s2_paper_id) == (true.arxiv_id, None)
    methods = Counter(r.method.value for r in run.resolutions)
    namesakes = [
        r
        for r in run.resolutions
        if any(p.decoy and p.title == truth[r.entry.position].title for p in synthetic.papers)
    ]
    arxiv_only = methods["arxiv_title"]
    assert methods == {"paper_url_id": 9, "s2_title": 47 - arxiv_only, "arxiv_title": arxiv_only}
    for r in namesakes:
        assert r.entry.year is not None
        assert r.query == f"match year={r.entry.year - 1}-{r.entry.year + 1}"
    assert namesakes, "the synthetic world has namesakes of entries' exact titles"
    # The minimum (one batch, one match per title, one batch for the arXiv-only papers' ids),
    # plus one extra call per namesake; arXiv: one title search per arXiv-only paper and one
    # metadata lookup.
    assert calls == {"s2": 1 + 47 + len(namesakes) + 1, "arxiv": arxiv_only + 1}
    bib = parse_bibliography(run.bibliography)
    assert bib.failed_blocks == []
    assert len(bib.entries) == 55  # ASDT is listed twice: one paper, one key
    assert len({e.key for e in bib.entries}) == 55


def test_a_second_run_pins_everything(tmp_path: Path) -> None:
    document = read_list(SEED_LIST)
    synthetic = seed_world()
    with fake_apis(synthetic) as (server, settings):
        first = resolver(settings).resolve(document.entries, Overrides(), {})
        pins = {r.entry_id: r.pin() for r in first.resolutions}
        before = server.app.snapshot()["per_api"]
        second = resolver(settings).resolve(document.entries, Overrides(), pins)
        after = server.app.snapshot()["per_api"]
    assert Counter(r.method.value for r in second.resolutions) == {"pinned": 56}
    assert [r.citation_key for r in second.resolutions] == [
        r.citation_key for r in first.resolutions
    ]
    # Pinned papers cost one S2 batch call; arXiv metadata comes with the pins.
    assert after["s2"] - before["s2"] == 1
    assert after["arxiv"] - before["arxiv"] == 0
    assert [r.authors for r in second.resolutions] == [r.authors for r in first.resolutions]


def test_title_matching_reports_progress() -> None:
    calls: list[tuple[str, int, int, int]] = []
    with fake_apis(world(paper("real"))) as (_, settings):
        Resolver(
            SemanticScholarClient.from_settings(settings),
            ArxivClient.from_settings(settings),
            progress=lambda *call: calls.append(call),
        ).resolve(parse_list(one_row() + "\n" + one_row(title="Another")).entries, Overrides(), {})
    # what was found, not only what was tried: the world holds one of the two titles; no
    # entry had an id to look up (the run's progress line adds both labels' counts)
    assert calls[0] == ("id lookups", 0, 0, 0)
    assert [call[:3] for call in calls[1:]] == [("title searches", 1, 2), ("title searches", 2, 2)]
    assert calls[-1][3] == 1


def test_a_settings_error_in_s2s_part_fails_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unlike a bug or an odd answer: an unwritable pacing folder (ConfigError) is the run's."""
    from pipeline.core.errors import ConfigError

    def unwritable(*_: object, **__: object) -> object:
        raise ConfigError("/x/pacing: cannot keep the request spacing")

    monkeypatch.setattr(SemanticScholarClient, "match_title", unwritable)
    with pytest.raises(ConfigError, match="pacing"):
        resolve(world(paper("a")), one_row())
