"""Serve the `enrich-awesome-list/nightly` deployment from this process (flow.serve).

    prefect server start --background --analytics-off --host 127.0.0.1
    prefect config set PREFECT_API_URL=http://127.0.0.1:4200/api
    python flows/serve.py            # keeps running: the nightly schedule and manual runs
    prefect deployment run 'enrich-awesome-list/nightly' --watch

Settings (environment): AWESOME_ENRICH_CRON (default "0 3 * * *", UTC), AWESOME_ENRICH_TIMEZONE
(default UTC), AWESOME_ENRICH_LIST (default data/raw/README.md), AWESOME_ENRICH_OUT (default
data/enriched), AWESOME_ENRICH_DEPLOYMENT (default nightly). Tokens come from the environment
or the Prefect Secret blocks `github-token` and `s2-api-key`, never from parameters.
"""

from __future__ import annotations

import os

from prefect.schedules import Cron

from flows.enrich import enrich_awesome_list


def main() -> None:
    schedule = Cron(
        os.environ.get("AWESOME_ENRICH_CRON", "0 3 * * *"),
        timezone=os.environ.get("AWESOME_ENRICH_TIMEZONE", "UTC"),
    )
    enrich_awesome_list.serve(
        name=os.environ.get("AWESOME_ENRICH_DEPLOYMENT", "nightly"),
        schedules=[schedule],
        parameters={
            "params": {
                "list_path": os.environ.get("AWESOME_ENRICH_LIST", "data/raw/README.md"),
                "out": os.environ.get("AWESOME_ENRICH_OUT", "data/enriched"),
            }
        },
        tags=["awesome-enrich"],
        # Otherwise the deployment stays paused after this process stops (reference/prefect.md).
        pause_on_shutdown=False,
    )


if __name__ == "__main__":
    main()
