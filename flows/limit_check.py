"""The doctor's lines for Prefect (`awesome-enrich doctor`), read over the Prefect server's REST
API with the HTTP library the probes already loaded, not through Prefect's client: importing
Prefect costs about a second of CPU, five times the rest of the doctor (issue 26).

Where the API is comes from Prefect's own settings, read here as Prefect reads them for the
usual set-ups: `PREFECT_API_URL` in the environment, else the active profile of
`$PREFECT_HOME/profiles.toml` (`prefect config set PREFECT_API_URL=...`). Anything else that
could change the answer (an API key or auth string, TLS settings, a `.env`, `prefect.toml` or
`[tool.prefect]` in the working folder, a profile not in the file) is left to Prefect itself:
then it is imported, as before."""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flows.quotas import RateLimit, rate_limits, tightening, uses_shared_limits
from pipeline.sources.config import Settings
from pipeline.sources.probe import Check

TIMEOUT_S = (5.0, 30.0)


@dataclass(frozen=True)
class PrefectApi:
    """Where the Prefect API is: `url`, or None for none configured (ephemeral mode); `home`
    is PREFECT_HOME, for the message."""

    url: str | None
    home: str


def _home(env: dict[str, str]) -> Path:
    return Path(env.get("PREFECT_HOME") or "~/.prefect").expanduser()


def _needs_prefect(env: dict[str, str], cwd: Path) -> bool:
    """Whether Prefect's settings could differ from what _read_settings reads."""
    if any(k.startswith("PREFECT_API_") and k != "PREFECT_API_URL" and v for k, v in env.items()):
        return True
    if (cwd / ".env").exists() or (cwd / "prefect.toml").exists():
        return True
    pyproject = cwd / "pyproject.toml"
    try:
        return "[tool.prefect" in pyproject.read_text(encoding="utf-8")
    except OSError:
        return False


def read_settings(env: dict[str, str], cwd: Path) -> PrefectApi | None:
    """The API as Prefect's settings give it, read without Prefect; None when only Prefect
    can tell (see the module docstring)."""
    home = _home(env)
    if _needs_prefect(env, cwd):
        return None
    url = env.get("PREFECT_API_URL", "").strip()
    if url:
        return PrefectApi(url.rstrip("/"), str(home))
    path = Path(env.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    try:
        profiles: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        profiles = {}
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    active = env.get("PREFECT_PROFILE") or profiles.get("active") or "ephemeral"
    profile = profiles.get("profiles", {}).get(active)
    if profile is None:
        # Prefect's own default profiles ("ephemeral", "local", ...) fill in what the file
        # lacks: only the default one is known here to set no API.
        return PrefectApi(None, str(home)) if active == "ephemeral" and not profiles else None
    if not isinstance(profile, dict):
        return None
    if any(k.startswith("PREFECT_API_") and k != "PREFECT_API_URL" for k in profile):
        return None
    url = str(profile.get("PREFECT_API_URL") or "").strip()
    return PrefectApi(url.rstrip("/") or None, str(home))


def prefect_api() -> PrefectApi:
    """Where this process's Prefect API is: read cheaply when that is certain, else asked of
    Prefect's settings (and of them always once Prefect is loaded: tests set them in-process)."""
    if "prefect" not in sys.modules:
        found = read_settings(dict(os.environ), Path.cwd())
        if found is not None:
            return found
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME

    url = PREFECT_API_URL.value()
    return PrefectApi(str(url).rstrip("/") if url else None, str(PREFECT_HOME.value()))


def check_limits(settings: Settings, api: PrefectApi | None = None) -> list[Check]:
    """The doctor's lines for Prefect: the API (when a server is configured) and each shared
    limit this run would take: absent (the first run creates it), as needed, or looser (the
    run tightens it). Reads only; never creates or changes a limit."""
    if not uses_shared_limits(settings):
        return [Check("Prefect", "ok", "shared limits off (AWESOME_ENRICH_TIME_SCALE=0)")]
    api = api or prefect_api()
    if api.url is None:
        detail = (
            "no server configured (PREFECT_API_URL unset): each run starts its own on "
            f"{api.home}/prefect.db, where the first run creates the limits"
        )
        return [Check("Prefect API", "ok", detail)]
    import requests

    url = api.url
    try:
        with requests.Session() as session:
            try:
                session.get(f"{url}/health", timeout=TIMEOUT_S).raise_for_status()
            except requests.RequestException as error:
                return [Check("Prefect API", "fail", f"cannot reach {url}: {error}")]
            checks = [Check("Prefect API", "ok", f"reachable at {url}")]
            for limit in rate_limits(settings).values():
                checks.append(_limit_check(session, url, limit))
            return checks
    except Exception as error:  # any client failure is what the doctor reports
        return [Check("Prefect API", "fail", f"cannot use {url}: {type(error).__name__}")]


def _limit_check(session: Any, url: str, wanted: RateLimit) -> Check:
    name = f"limit {wanted.name}"
    response = session.get(
        f"{url}/v2/concurrency_limits/{quote(wanted.name, safe='')}", timeout=TIMEOUT_S
    )
    if response.status_code == 404:
        return Check(name, "ok", "absent: the first run creates it")
    response.raise_for_status()
    found = response.json()
    decay = found.get("slot_decay_per_second")
    limit = int(found.get("limit", 0))
    if tightening(limit, decay, bool(found.get("active", True)), wanted):
        return Check(name, "warn", "looser than this run needs: the run will tighten it")
    spacing = 1.0 / decay if decay else 0.0
    slots = f"blocks of {limit} slot{'s' if limit != 1 else ''}"
    return Check(name, "ok", f"{slots}, one request every {spacing:.2f} s at most")
