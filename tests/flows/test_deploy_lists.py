"""`awesome-enrich deploy`: one deployment per list of a lists file, on a process work pool,
with the shared per-API limits (against the session's temporary Prefect API)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.deploy import REPO
from pipeline.cli.main import main

pytestmark = pytest.mark.usefixtures("prefect_harness")

LISTS = """\
work_pool: not-this-one
defaults: {citation_pages: 20}
lists:
  - name: list-a
    list: a.md
    out: out/a
    schedule: "0 3 * * *"
  - name: list-b
    list: https://raw.githubusercontent.com/owner/repo/main/README.md
    out: file:///srv/enriched/b
    schedule: "30 4 * * 1"
    timezone: Europe/Berlin
    parameters: {sort_by: stars}
"""


@pytest.mark.slow
def test_deploy_creates_one_deployment_per_list_sharing_the_api_limits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate

    from flows.quotas import rate_limits
    from pipeline.sources.config import settings_from_env

    lists = tmp_path / "lists.yaml"
    lists.write_text(LISTS, encoding="utf-8")
    # A parameter the flow refuses is reported before anything is created.
    bad = tmp_path / "bad.yaml"
    bad.write_text(LISTS.replace("sort_by: stars", "sort_by: age"), encoding="utf-8")
    assert main(["deploy", "--lists", str(bad), "--pool", "enrich-pool"]) == 2
    assert "list 'list-b': sort_by: Input should be" in capsys.readouterr().err
    assert main(["deploy", "--lists", str(lists), "--dry-run"]) == 0
    assert "list-a: {'params': {" in capsys.readouterr().out

    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="enrich-pool", type="process"))
    assert main(["deploy", "--lists", str(lists), "--pool", "enrich-pool"]) == 0
    assert "2 deployments on work pool 'enrich-pool'" in capsys.readouterr().out

    with get_client(sync_client=True) as client:
        made = {d.name: d for d in client.read_deployments() if d.name.startswith("list-")}
        # the limits this environment's runs take (keyed by credential, flows/limits.py)
        limits = {
            api: client.read_global_concurrency_limit_by_name(limit.name)
            for api, limit in rate_limits(settings_from_env()).items()
        }
    a, b = made["list-a"], made["list-b"]
    assert (a.work_pool_name, b.work_pool_name) == ("enrich-pool", "enrich-pool")
    assert a.parameters == {
        "params": {
            "list_path": str(tmp_path / "a.md"),
            "out": str(tmp_path / "out" / "a"),
            "citation_pages": 20,
        }
    }
    assert b.parameters["params"]["list_path"].startswith("https://raw.githubusercontent.com/")
    assert b.parameters["params"]["sort_by"] == "stars"
    crons = {(d.name, s.schedule.cron, s.schedule.timezone) for d in (a, b) for s in d.schedules}  # type: ignore[union-attr]
    assert crons == {("list-a", "0 3 * * *", "UTC"), ("list-b", "30 4 * * 1", "Europe/Berlin")}
    assert a.entrypoint == "flows/enrich.py:enrich_awesome_list"
    assert str(REPO) in str(a.pull_steps)  # the worker runs this clone
    # one quota per API, shared; taken in blocks of about 5 s of it (flows/limits.py)
    wanted = rate_limits(settings_from_env())
    assert {api: limit.limit for api, limit in limits.items()} == {
        api: limit.block for api, limit in wanted.items()
    }
