"""`awesome-enrich deploy`: one Prefect deployment per list of a lists file, on a work pool.

Every deployment runs the flow `enrich-awesome-list` with its list's parameters, so every flow
run of every list waits for the same per-API global concurrency limits (flows/limits.py): the
lists share one quota per API, whichever worker (process, container, pod) runs them. The limits
are created here too, so they exist before the first scheduled run.

Process work pool (this machine): the deployments point at this clone (a `LocalStorage` source,
pulled as "set the working directory"), so workers must run on a machine where the clone sits
at the same path. Container work pools (Docker, Kubernetes): pass `image`, an image holding this
project with its working directory at the clone's root; the code is then the image's, and the
lists file's relative paths are kept relative (to the container's working directory). See
docs/DEPLOYMENT.md for the pools and an example job template.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from prefect import Flow, deploy
from prefect.client.orchestration import get_client
from prefect.deployments.runner import RunnerDeployment
from prefect.exceptions import ObjectNotFound
from prefect.schedules import Cron
from pydantic import ValidationError

from flows.enrich import EnrichParams, enrich_awesome_list
from flows.limits import ensure_limits
from pipeline.core.errors import ConfigError
from pipeline.job.lists import ListsFile, ListSpec
from pipeline.sources.config import settings_from_env

REPO = Path(__file__).resolve().parent.parent
ENTRYPOINT = "flows/enrich.py:enrich_awesome_list"
TAGS = ["awesome-enrich"]


def checked_parameters(lists: ListsFile, spec: ListSpec) -> dict[str, Any]:
    """The list's flow parameters, validated by the flow's own model (JSON-ready)."""
    try:
        params = EnrichParams(**spec.flow_parameters(lists.defaults))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{lists.path}: list {spec.name!r}: {where}: {first['msg']}") from None
    return {"params": params.model_dump(mode="json", exclude_defaults=True)}


def deployments(lists: ListsFile, *, image: str | None) -> list[RunnerDeployment]:
    """One RunnerDeployment per list (nothing is sent to Prefect yet)."""
    # Prefect types these as "a value or a coroutine" (sync or async callers): we are sync.
    flow: Flow[..., Any] = (
        enrich_awesome_list
        if image is not None
        else cast("Flow[..., Any]", Flow.from_source(source=str(REPO), entrypoint=ENTRYPOINT))
    )
    made: list[RunnerDeployment] = []
    for spec in lists.lists:
        schedules = [Cron(spec.schedule, timezone=spec.timezone)] if spec.schedule else []
        deployment = flow.to_deployment(
            name=spec.name,
            parameters=checked_parameters(lists, spec),
            schedules=schedules,
            tags=[*TAGS, f"list:{spec.name}"],
            description=f"awesome-enrich: {spec.list} -> {spec.out}",
            # One run per list at a time (its output folder is locked anyway).
            concurrency_limit=1,
        )
        made.append(cast(RunnerDeployment, deployment))
    return made


def deploy_lists(
    lists: ListsFile, *, pool: str | None = None, image: str | None = None
) -> tuple[str, list[UUID]]:
    """Create or update the deployments on the work pool, and the shared per-API limits.
    Returns the pool and the deployment ids."""
    work_pool = pool or lists.work_pool
    if not work_pool:
        raise ConfigError(f"{lists.path}: no work pool (`work_pool:` or --pool)")
    made = deployments(lists, image=image)  # parameters checked before anything is created
    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(work_pool)
        except ObjectNotFound:
            raise ConfigError(
                f"work pool {work_pool!r} does not exist: prefect work-pool create "
                f"{work_pool} --type process"
            ) from None
    ensure_limits(settings_from_env())
    ids = deploy(  # a list of ids here (we are not in an event loop)
        *made,
        work_pool_name=work_pool,
        image=image,
        build=False,
        push=False,
        print_next_steps_message=False,
        ignore_warnings=True,
    )
    return work_pool, list(cast("list[UUID]", ids))


def describe(lists: ListsFile, pool: str, ids: Sequence[UUID]) -> list[str]:
    lines = [f"{len(ids)} deployments on work pool {pool!r} (flow enrich-awesome-list):"]
    for spec in lists.lists:
        when = f"{spec.schedule} {spec.timezone}" if spec.schedule else "manual runs only"
        lines.append(f"  enrich-awesome-list/{spec.name}: {spec.list} -> {spec.out} ({when})")
    lines.append(f"start workers with: prefect worker start --pool {pool}")
    return lines
