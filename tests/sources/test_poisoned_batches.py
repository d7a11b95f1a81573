"""One id an API keeps failing on must not take the source down: the batch is split until the id
is isolated, every other id resolves, and only a source failing on every part counts as down."""

from __future__ import annotations

from collections import Counter

import pytest

from fakeapi.faults import Faults
from fakeapi.world import FakeRepo, World
from pipeline.core.errors import ApiError, ConfigError, SharedLimitUnavailable, is_outage
from pipeline.job.summary import resolution_summary
from pipeline.resolve.overrides import Overrides
from pipeline.resolve.resolver import Resolver
from pipeline.sources.arxiv import ArxivClient
from pipeline.sources.github import GitHubClient, RepoStatus
from pipeline.sources.semantic_scholar import SemanticScholarClient
from pipeline.store.listio import read_list
from tests.conftest import SEED_LIST
from tests.fakes import fake_apis, seed_world


def s2_ids(count: int) -> list[str]:
    return [p.paper_id for p in seed_world().papers if p.in_s2 and not p.decoy][:count]


def split_levels(index: int, size: int) -> int:
    """How many halvings isolate item `index` of `size` (halves as the clients cut them)."""
    low, high, levels = 0, size, 0
    while high - low > 1:
        middle = low + (high - low) // 2
        low, high = (low, middle) if index < middle else (middle, high)
        levels += 1
    return levels


def test_a_poisoned_id_is_isolated_and_the_others_resolve() -> None:
    ids = s2_ids(40)
    poisoned = ids[17]
    with fake_apis(seed_world(), faults=Faults(poisoned=frozenset({poisoned}))) as (server, s):
        lookups = SemanticScholarClient.from_settings(s).get_papers(ids)
        calls = server.app.stats.requests["s2 POST s2_batch"]
    assert [lookup.requested for lookup in lookups] == ids  # every id, in order
    failed = [lookup for lookup in lookups if lookup.failure]
    assert [lookup.requested for lookup in failed] == [poisoned]
    assert all(lookup.paper is not None for lookup in lookups if lookup is not failed[0])
    # The whole batch up to its fuse (2: a batch is split rather than backed off), then per
    # level of the split down to the id: each half once (the halves' fuse is 1).
    assert calls == 2 + 2 * split_levels(17, 40)


def test_s2_failing_on_every_part_is_down() -> None:
    with (
        fake_apis(seed_world(), faults=Faults(poisoned=frozenset(s2_ids(40)))) as (
            server,
            settings,
        ),
        pytest.raises(ApiError) as raised,
    ):
        SemanticScholarClient.from_settings(settings).get_papers(s2_ids(40))
    assert raised.value.status == 500
    # The batch up to its fuse, both halves once, then one quarter: four requests failed in a
    # row, nothing answered: S2 is out, with no walk down to every single id.
    assert server.app.stats.requests["s2 POST s2_batch"] == 2 + 1 + 1 + 1
    assert is_outage(raised.value)


def test_a_seed_run_with_a_poisoned_doi_resolves_every_other_entry() -> None:
    document = read_list(SEED_LIST)
    world = seed_world()
    doi = next(p.doi for p in world.papers if p.doi and p.list_positions and not p.decoy)
    assert doi is not None

    def run(faults: Faults) -> tuple[dict[int, str | None], Counter[str], list[str]]:
        with fake_apis(world, faults=faults) as (server, settings):
            resolver = Resolver(
                SemanticScholarClient.from_settings(settings), ArxivClient.from_settings(settings)
            )
            outcome = resolver.resolve(document.entries, Overrides(), {})
            ids = {r.entry.position: r.s2_paper_id for r in outcome.resolutions}
            return ids, Counter(server.app.stats.requests), resolution_summary(outcome)

    clean, clean_calls, _ = run(Faults())
    poisoned, calls, summary = run(Faults(poisoned=frozenset({f"DOI:{doi}"})))
    assert calls["s2 POST s2_batch"] > clean_calls["s2 POST s2_batch"]
    assert poisoned == clean  # the poisoned entry too: S2's title match finds it
    assert any("1 id failed alone in batches" in line and doi in line for line in summary)
    assert not any("FAILED" in line for line in summary)
    extra = calls["s2 POST s2_batch"] - clean_calls["s2 POST s2_batch"]
    print(f"batch calls: {clean_calls['s2 POST s2_batch']} clean, +{extra} with the poison")
    assert 0 < extra <= 2 + 2 * 3 * 6  # the whole batch's fuse, then at most 6 levels


def test_a_graphql_batch_poisoned_by_one_repository_is_split() -> None:
    repos = [FakeRepo(f"owner{i}/repo{i}", repo_id=i, stars_at_epoch=i) for i in range(30)]
    world = World(synthetic=True, description="repos", epoch="2026-01-01", repos=repos)
    names = [repo.full_name for repo in repos]
    faults = Faults(poisoned=frozenset({"owner7/repo7"}))
    env = {"GITHUB_TOKEN": "test-token"}
    with fake_apis(world, faults=faults, env=env) as (server, settings):
        github = GitHubClient.from_settings(settings)
        found = github.get_repos(names)
        requests = Counter(server.app.stats.requests)
    assert [found[name].status for name in names] == [RepoStatus.OK] * 30
    assert found["owner7/repo7"].stars == 7  # from REST, asked for this one alone
    assert set(github.isolated) == {"owner7/repo7"}
    assert github.stopped is None
    assert requests["github GET github_repo"] == 1
    assert requests["github POST github_graphql"] > 1


def test_a_shared_limit_that_cannot_be_taken_is_an_outage_of_that_api() -> None:
    """The limiter (the Prefect server) failing after its own retries: no request is sent, and
    the lane sees an API error it stops on, as for a refused connection, not a crash."""

    def limiter(api: str) -> None:
        raise RuntimeError(f"Unable to acquire concurrency slots on ['awesome-enrich-{api}']")

    with fake_apis(seed_world()) as (server, s):
        with pytest.raises(SharedLimitUnavailable) as raised:
            SemanticScholarClient.from_settings(s, limiter=limiter).get_papers(s2_ids(3))
        sent = server.app.stats.per_api()
    assert is_outage(raised.value) and raised.value.api == "s2"
    assert "shared rate limit unavailable: RuntimeError" in str(raised.value)
    assert sent.get("s2", 0) == 0


def test_a_limiter_that_says_what_is_wrong_is_not_called_an_outage() -> None:
    def limiter(api: str) -> None:
        raise ConfigError("/cache/pacing: cannot keep the request spacing (Read-only)")

    with fake_apis(seed_world()) as (_, s), pytest.raises(ConfigError, match="Read-only"):
        SemanticScholarClient.from_settings(s, limiter=limiter).get_papers(s2_ids(3))
