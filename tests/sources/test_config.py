"""The environment contract: API locations, tokens, cache, time scale and read timeout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipeline.core.errors import ConfigError
from pipeline.sources.config import deadline_for, parse_duration, settings_from_env
from pipeline.sources.http import ApiProfile, HttpClient

LOOPBACK = {
    "S2_API_URL": "http://127.0.0.1:9/s2",
    "ARXIV_API_URL": "http://127.0.0.1:9/arxiv",
    "GITHUB_API_URL": "http://127.0.0.1:9/github",
}


def test_the_read_timeout_comes_from_the_environment_and_reaches_every_client() -> None:
    # Unset: each endpoint waits its own time (the clients' read timeouts).
    assert settings_from_env({}, no_cache=True).read_timeout_s is None
    settings = settings_from_env({"AWESOME_ENRICH_READ_TIMEOUT_S": "7.5"}, no_cache=True)
    profile = ApiProfile("s2", "https://api.example.org", 1.0, timedelta(hours=1))
    assert HttpClient.for_settings(profile, settings).profile.read_timeout_s == 7.5


@pytest.mark.parametrize("value", ["0", "-1", "601", "soon"])
def test_a_bad_read_timeout_names_the_variable(value: str) -> None:
    with pytest.raises(ConfigError, match=f"AWESOME_ENRICH_READ_TIMEOUT_S='{value}'"):
        settings_from_env({"AWESOME_ENRICH_READ_TIMEOUT_S": value}, no_cache=True)


def test_waits_are_scaled_only_against_a_local_fake() -> None:
    assert settings_from_env({**LOOPBACK, "AWESOME_ENRICH_TIME_SCALE": "0"}).time_scale == 0
    with pytest.raises(ConfigError, match="only allowed when"):
        settings_from_env({"AWESOME_ENRICH_TIME_SCALE": "0"})


@pytest.mark.parametrize(
    ("text", "seconds"), [("90m", 5400.0), ("60s", 60.0), ("1h30m", 5400.0), ("45", 45.0)]
)
def test_a_deadline_is_a_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds
    deadline = deadline_for(text, {})
    assert deadline is not None and deadline.seconds == seconds
    assert 0 < deadline.remaining() <= seconds


@pytest.mark.parametrize("text", ["soon", "90x", "0s", "8d", "m"])
def test_a_bad_deadline_names_where_it_came_from(text: str) -> None:
    with pytest.raises(ConfigError, match="AWESOME_ENRICH_DEADLINE"):
        deadline_for(None, {"AWESOME_ENRICH_DEADLINE": text})


def test_the_deadline_defaults_to_the_environment_and_may_end_earlier() -> None:
    assert deadline_for(None, {}) is None
    from_env = deadline_for(None, {"AWESOME_ENRICH_DEADLINE": "2m"})
    assert from_env is not None and from_env.seconds == 120
    ends_at = datetime.now(UTC) + timedelta(seconds=30)  # a window that began 90 s ago
    started_earlier = deadline_for("2m", {}, ends_at=ends_at)
    assert started_earlier is not None and started_earlier.remaining() < 30
