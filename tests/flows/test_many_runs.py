"""Many lists on one fresh Prefect server: N flow runs (separate processes, as N deployments
with the same cron on their first night) start at the same instant against the local fake,
whose pacing check counts every pair of requests of one quota (API + credential) closer than
the quota's interval. Waits are scaled by AWESOME_ENRICH_TIME_SCALE to keep the test short."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from prefect.settings import Settings as PrefectSettings

from fakeapi.app import FakeApi
from fakeapi.server import FakeServer
from fakeapi.world import world_from_records
from pipeline.sources.config import Secret
from tests.conftest import REPO
from tests.flows.conftest import TWO_PAPERS, TWO_RECORDS

# Real pacing: the fake counts pairs closer than 0.95 of an interval, so key A's pairs have
# 50 ms for the time between a request's turn and its arrival. At 0.5 (25 ms) a CI run on a
# loaded 2-core machine counted one pair: a thread preempted between its turn and its socket
# write (benchmarks/RESULTS.md, issue 26, "left as found"), not two runs sharing a slot.
SCALE = 1.0
KEY_A = "S2-MANY-RUNS-KEY-A-7f3e"  # two runs share this key, so one quota
KEY_B = "S2-MANY-RUNS-KEY-B-91c4"  # one run alone on its key
# (S2 key, sources) per run: two runs without a key share the anonymous S2 pool and arXiv,
# two share key A, one has key B; the keyed runs ask S2 only, so only their S2 quota (and the
# others, were it shared) could slow them.
RUNS: list[tuple[str | None, list[str]]] = [
    (None, ["s2", "arxiv"]),
    (None, ["s2", "arxiv"]),
    (KEY_A, ["s2"]),
    (KEY_A, ["s2"]),
    (KEY_B, ["s2"]),
]
# One process per S2 key (the key comes from the environment), one thread per run in it. Imports
# first (the slow part), then wait for the go file: the flow runs start together.
CHILD = """
import json, sys, threading, time
from pathlib import Path
import httpx
from prefect.client.orchestration import PrefectClient
from flows.enrich import EnrichParams, run_in_process
ready, go, runs = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
results, denied = {}, {}
taking = PrefectClient.increment_concurrency_slots
async def counting(self, *args, **kwargs):  # counts the slots refused (423) per limit
    try:
        return await taking(self, *args, **kwargs)
    except httpx.HTTPStatusError as error:
        if error.response.status_code == 423:
            for name in kwargs.get("names") or args[0]:
                denied[name] = denied.get(name, 0) + 1
        raise
PrefectClient.increment_concurrency_slots = counting
def run(index, params):
    result = run_in_process(EnrichParams.model_validate(params))
    failed = isinstance(result, BaseException)
    results[index] = repr(result) if failed else result["status"]
threads = [threading.Thread(target=run, args=item) for item in runs]
ready.touch()
while not go.exists():
    time.sleep(0.005)
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"statuses": results, "denied": denied}))
"""

# A run without a Prefect server on the PREFECT_HOME of the server above: its own (ephemeral)
# server on the same prefect.db, as concurrent `awesome-enrich run`s with one PREFECT_HOME.
EPHEMERAL_CHILD = """
import json, sys, time
from pathlib import Path
from prefect.client.orchestration import get_client
from flows.limits import ensure_limits, is_ephemeral, limiter_for
from pipeline.sources.config import settings_from_env
settings, done = settings_from_env(), Path(sys.argv[1])
assert is_ephemeral()
with get_client(sync_client=True) as client:
    client.hello()  # starts the temporary server while the runs go on
    while not done.exists():
        time.sleep(0.05)
    ensure_limits(settings)
    limiter_for(settings)("arxiv")
    found = client.read_global_concurrency_limits()
print(json.dumps({limit.name: limit.slot_decay_per_second for limit in found}))
"""


def quota(key: str | None) -> str:
    return f"s2 {Secret(key).fingerprint()}" if key else "s2 anonymous"


def start_runs(env: dict[str, str], tmp_path: Path) -> list[subprocess.Popen[str]]:
    (tmp_path / "list.md").write_text(TWO_PAPERS, encoding="utf-8")
    by_key: dict[str | None, list[tuple[int, dict[str, Any]]]] = {}
    for index, (key, sources) in enumerate(RUNS):
        params = {
            "list_path": str(tmp_path / "list.md"),
            "out": str(tmp_path / f"out{index}"),
            "sources": sources,
            "no_cache": True,
            "snapshot_date": "2026-11-26",
            "citation_pages": 1,
        }
        by_key.setdefault(key, []).append((index, params))
    go = tmp_path / "go"
    ready = [tmp_path / f"ready{i}" for i in range(len(by_key))]
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(flag), str(go), json.dumps(runs)],
            env={**env, "S2_API_KEY": key or ""},
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for flag, (key, runs) in zip(ready, by_key.items(), strict=True)
    ]
    deadline = time.monotonic() + 120
    while not all(flag.exists() for flag in ready):
        assert time.monotonic() < deadline, "the runs did not start"
        assert all(child.poll() is None for child in children), "a run ended before the start"
        time.sleep(0.05)
    go.touch()
    return children


@pytest.mark.slow
def test_simultaneous_first_night_runs_keep_every_quota(
    prefect_server: dict[str, str], tmp_path: Path
) -> None:
    world = world_from_records(TWO_RECORDS)
    pacing = {"s2": 1.0 * SCALE, "s2 anonymous": 3.0 * SCALE, "arxiv": 3.0 * SCALE}
    with FakeServer(FakeApi(world, pacing=pacing)) as fake:
        env = {
            **prefect_server,
            **fake.env(),
            "AWESOME_ENRICH_TIME_SCALE": str(SCALE),
            "XDG_CACHE_HOME": str(tmp_path / "xdg"),
        }
        env.pop("GITHUB_TOKEN", None)
        spawned = time.monotonic()
        ephemeral = _start_a_run_without_a_server(env, tmp_path)
        try:
            children = start_runs(env, tmp_path)
            started = time.monotonic()
            outputs = [child.communicate(timeout=180) for child in children]
        finally:
            (tmp_path / "done").touch()  # the run without a server goes on, and ends
        elapsed = time.monotonic() - started
        stats = fake.app.snapshot()
        times = {q: list(t) for q, t in fake.app.stats.request_times.items()}
    statuses: dict[str, Any] = {}
    denied: dict[str, int] = {}
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err[-3000:]
        report = json.loads(out.strip().splitlines()[-1])
        statuses.update(report["statuses"])
        denied.update(report["denied"])  # each limit here is taken in one process only
        assert KEY_A not in out + err and KEY_B not in out + err
    assert statuses == {str(i): 0 for i in range(len(RUNS))}, statuses
    counts = {q: len(t) for q, t in times.items()}
    # Per run: one S2 batch and one citation page; one arXiv search when asked.
    assert counts == {
        "s2 anonymous": 2 * 2,
        quota(KEY_A): 2 * 2,
        quota(KEY_B): 2,
        "arxiv anonymous": 2,
    }, counts
    assert stats["quota_violations"] == {}, stats
    # Key B's run is not slowed by the others: its limit is its own (the names below), and the
    # server refused it no slot on account of the other runs' requests.
    fingerprint_a, fingerprint_b = Secret(KEY_A).fingerprint(), Secret(KEY_B).fingerprint()
    # At most one refusal: a run may meet its own previous request's slot still decaying (the
    # client's pacer and Prefect's decay race under load; docs/many-lists.md).
    assert denied.get(f"awesome-enrich-s2-{fingerprint_b}", 0) <= 1, denied
    api = prefect_server["PREFECT_API_URL"]
    found = requests.post(f"{api}/v2/concurrency_limits/filter", json={}, timeout=10).json()
    limits = {item["name"]: item for item in found}
    assert sorted(limits) == sorted(
        [
            "awesome-enrich-arxiv",
            "awesome-enrich-github-anonymous",
            "awesome-enrich-s2-anonymous",
            f"awesome-enrich-s2-{fingerprint_a}",
            f"awesome-enrich-s2-{fingerprint_b}",
        ]
    )
    decays = {name: item["slot_decay_per_second"] for name, item in limits.items()}
    assert decays["awesome-enrich-s2-anonymous"] == pytest.approx(1 / (3.0 * SCALE))
    assert decays[f"awesome-enrich-s2-{fingerprint_a}"] == pytest.approx(1 / (1.0 * SCALE))
    # One block of slots each (about 5 s of the quota, taken at once: leases.block_size)
    blocks = {name: item["limit"] for name, item in limits.items()}
    assert blocks == {
        "awesome-enrich-arxiv": 1,
        "awesome-enrich-github-anonymous": 20,
        "awesome-enrich-s2-anonymous": 1,
        f"awesome-enrich-s2-{fingerprint_a}": 5,
        f"awesome-enrich-s2-{fingerprint_b}": 5,
    }
    assert all(item["active"] for item in limits.values())
    _check_the_run_without_a_server(ephemeral, limits, tmp_path)
    print(f"imports {started - spawned:.1f} s, {len(RUNS)} runs {elapsed:.1f} s, in all")
    print(f"{time.monotonic() - spawned:.1f} s; requests per quota {counts}; refused {denied}")
    _report(times, started)


def _start_a_run_without_a_server(env: dict[str, str], tmp_path: Path) -> subprocess.Popen[str]:
    """Why concurrent `awesome-enrich run`s with one PREFECT_HOME keep the pacing: each starts
    its own temporary (ephemeral) server, but on `$PREFECT_HOME/prefect.db`, where the limits
    and their slots are rows that every such server reads and updates. This process, with no
    PREFECT_API_URL and the PREFECT_HOME of the server above, starts its own server during the
    runs; once they are done it must find the limits they made through the other server, and
    create none. It also waits on the machine pacer, which keeps runs with different
    PREFECT_HOMEs (different databases: the next test) apart."""
    ephemeral = {
        **{k: v for k, v in env.items() if k != "PREFECT_API_URL"},
        "S2_API_KEY": KEY_A,
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    }
    return subprocess.Popen(
        [sys.executable, "-c", EPHEMERAL_CHILD, str(tmp_path / "done")],
        env=ephemeral,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _check_the_run_without_a_server(
    child: subprocess.Popen[str], limits: dict[str, Any], tmp_path: Path
) -> None:
    out, err = child.communicate(timeout=180)
    assert child.returncode == 0, err[-3000:]
    assert KEY_A not in out + err
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen == {name: item["slot_decay_per_second"] for name, item in limits.items()}
    # Every request passed the machine pacer after its slot: one file per quota, named by the
    # limit (a fingerprint, never the key).
    pacing = tmp_path / "xdg" / "awesome-enrich" / "pacing"
    assert sorted(p.name for p in pacing.iterdir()) == sorted(
        f"{name}.last" for name in limits if "github" not in name
    )


def _report(times: dict[str, Any], started: float) -> None:
    for name, values in sorted(times.items()):
        gaps = [round(b - a, 3) for a, b in itertools.pairwise(sorted(values))]
        print(name, "first at", round(min(values) - started, 2), "s; gaps", gaps)


def test_each_prefect_home_has_its_own_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So runs with different PREFECT_HOMEs share no limit: the machine pacer keeps them apart
    (tests/sources/test_machine_pacing.py)."""
    urls = []
    for name in ("one", "two"):
        monkeypatch.setenv("PREFECT_HOME", str(tmp_path / name))
        monkeypatch.delenv("PREFECT_API_DATABASE_CONNECTION_URL", raising=False)
        url = PrefectSettings().server.database.connection_url
        assert url is not None
        urls.append(url.get_secret_value())
    assert urls == [f"sqlite+aiosqlite:///{tmp_path / n / 'prefect.db'}" for n in ("one", "two")]
