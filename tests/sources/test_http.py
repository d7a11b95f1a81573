from __future__ import annotations

import logging
import pickle
import random
import socket
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import requests_cache

from fakeapi.app import FakeApi
from fakeapi.server import FakeServer
from fakeapi.world import World
from pipeline.core.errors import (
    ApiError,
    MalformedResponse,
    RateLimited,
    TransportError,
    UnexpectedAnswer,
    is_outage,
)
from pipeline.sources.config import Secret
from pipeline.sources.http import (
    CACHE_MAX_AGE,
    ApiProfile,
    HttpClient,
    Pacer,
    Redactor,
    RetryPolicy,
    is_rate_limited,
    make_session,
    retry_after_seconds,
)
from tests.conftest import NonLoopbackConnection
from tests.fakes import Canned, FakeClock, ReplayAdapter

BASE = "https://api.example.org/v1"
TOKEN = "sentinel-token-0123456789"  # noqa: S105 - a test sentinel


def make_client(
    adapter: ReplayAdapter,
    clock: FakeClock,
    *,
    retry: RetryPolicy | None = None,
    min_interval_s: float = 0.0,
    cache_dir: Path | None = None,
    credentials: dict[str, Secret] | None = None,
    cache_ttl: timedelta = timedelta(hours=1),
) -> HttpClient:
    profile = ApiProfile(
        name="test",
        base_url=BASE,
        min_interval_s=min_interval_s,
        cache_ttl=cache_ttl,
        retry=retry or RetryPolicy(max_attempts=4, max_total_wait_s=100.0),
        credentials=credentials or {},
    )
    rng = random.Random(3)  # noqa: S311 - deterministic jitter
    client = HttpClient(profile, cache_dir=cache_dir, clock=clock, rng=rng)
    client.session.mount("https://", adapter)
    client.session.mount("http://", adapter)
    return client


# --- retry policy -----------------------------------------------------------------------------


def test_500_then_200_is_retried_once() -> None:
    adapter = ReplayAdapter().add("GET", "/v1/x", Canned(500, "oops"), Canned(200, {"ok": 1}))
    clock = FakeClock()
    response = make_client(adapter, clock).request("GET", f"{BASE}/x")
    assert response.status_code == 200
    assert len(adapter.requests) == 2
    assert len(clock.sleeps) == 1
    assert 1.0 <= clock.sleeps[0] <= 2.0  # first backoff: 2 s with jitter in [1, 2]


def test_retry_after_seconds_is_honoured() -> None:
    adapter = ReplayAdapter().add(
        "GET", "/v1/x", Canned(429, "slow down", {"Retry-After": "7"}), Canned(200, "{}")
    )
    clock = FakeClock()
    make_client(adapter, clock).request("GET", f"{BASE}/x")
    assert clock.sleeps == [7.0]


def test_retry_after_http_date_is_honoured() -> None:
    clock = FakeClock()
    date = "Thu, 26 Nov 2026 03:00:30 GMT"  # 30 s after the fake clock's start
    adapter = ReplayAdapter().add(
        "GET", "/v1/x", Canned(503, "", {"Retry-After": date}), Canned(200, "{}")
    )
    make_client(adapter, clock).request("GET", f"{BASE}/x")
    assert clock.sleeps == [30.0]


def test_github_reset_header_is_honoured_when_remaining_is_zero() -> None:
    clock = FakeClock()
    reset = int(clock.now().timestamp()) + 42
    limited = Canned(
        403,
        {"message": "API rate limit exceeded for 1.2.3.4."},
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
    )
    adapter = ReplayAdapter().add("GET", "/v1/x", limited, Canned(200, "{}"))
    make_client(adapter, clock).request("GET", f"{BASE}/x")
    assert clock.sleeps == [43.0]  # until the reset, plus a second


def test_429_without_hints_backs_off_exponentially_with_jitter_then_gives_up() -> None:
    adapter = ReplayAdapter().add("GET", "/v1/x", Canned(429, {"message": "Too Many Requests"}))
    clock = FakeClock()
    policy = RetryPolicy(max_attempts=5, max_total_wait_s=1000.0, backoff_initial_s=2.0)
    with pytest.raises(RateLimited) as raised:
        make_client(adapter, clock, retry=policy).request("GET", f"{BASE}/x")
    assert len(adapter.requests) == 5
    assert [round(s) for s in clock.sleeps] != [2, 4, 8, 16]  # jittered
    for attempt, slept in enumerate(clock.sleeps):
        full = 2.0 * 2**attempt
        assert full / 2 <= slept <= full
    assert raised.value.status == 429
    assert raised.value.reset_at is None


def test_a_wait_beyond_the_cap_is_not_slept() -> None:
    clock = FakeClock()
    reset = int(clock.now().timestamp()) + 3600
    limited = Canned(429, "", {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)})
    adapter = ReplayAdapter().add("GET", "/v1/x", limited)
    with pytest.raises(RateLimited) as raised:
        make_client(adapter, clock, retry=RetryPolicy(max_total_wait_s=120)).request(
            "GET", f"{BASE}/x"
        )
    assert clock.sleeps == []
    assert len(adapter.requests) == 1
    assert raised.value.reset_at is not None
    assert raised.value.reset_at.timestamp() == pytest.approx(reset + 1)
    assert "rate limited until 2026-11-26 04:00:01 UTC" in str(raised.value)


def test_total_wait_is_capped() -> None:
    adapter = ReplayAdapter().add("GET", "/v1/x", Canned(502, "bad gateway"))
    clock = FakeClock()
    policy = RetryPolicy(max_attempts=50, max_total_wait_s=20.0, backoff_initial_s=2.0)
    with pytest.raises(ApiError) as raised:
        make_client(adapter, clock, retry=policy).request("GET", f"{BASE}/x")
    assert sum(clock.sleeps) <= 20.0
    assert raised.value.status == 502
    assert not isinstance(raised.value, RateLimited)


@pytest.mark.parametrize(
    "error",
    [
        requests.ConnectTimeout("connect timed out"),
        requests.ConnectionError("Failed to establish a new connection: Connection refused"),
    ],
)
def test_an_unreachable_host_is_retried_briefly_then_typed(error: Exception) -> None:
    adapter = ReplayAdapter().add("GET", "/v1/x", Canned(raises=error))
    clock = FakeClock()
    with pytest.raises(TransportError) as raised:
        make_client(adapter, clock).request("GET", f"{BASE}/x")
    assert 2 <= len(adapter.requests) <= 4
    assert raised.value.status is None
    assert sum(clock.sleeps) <= 4.0  # unreachable hosts give up sooner than rate limits
    assert raised.value.outage  # no connection for 4 s: the host is not there


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (requests.ReadTimeout("read timed out"), TransportError),
        (requests.ConnectionError("connection reset by peer"), TransportError),
        (
            requests.exceptions.ChunkedEncodingError(
                "IncompleteRead(12 bytes read, 88 more expected)"
            ),
            MalformedResponse,
        ),
    ],
)
def test_resets_timeouts_and_cut_answers_are_retried_like_a_5xx(
    error: Exception, expected: type[ApiError]
) -> None:
    """The host answered the connection: the full policy (4 attempts here), as for a 5xx."""
    adapter = ReplayAdapter().add("GET", "/v1/x", Canned(raises=error))
    clock = FakeClock()
    client = make_client(adapter, clock)
    with pytest.raises(expected) as raised:
        client.request("GET", f"{BASE}/x")
    assert len(adapter.requests) == 4
    assert raised.value.status is None and not raised.value.outage
    assert client.stats.retries == 3 and client.stats.failed == 1
    assert sum(client.stats.faults.values()) == 4


@pytest.mark.parametrize(
    "error",
    [
        requests.ReadTimeout("read timed out"),
        requests.ConnectionError("connection reset by peer"),
        requests.exceptions.ChunkedEncodingError("IncompleteRead(1 bytes read, 9 more expected)"),
    ],
)
def test_three_transport_faults_in_a_row_are_absorbed(error: Exception) -> None:
    canned = [Canned(raises=error)] * 3 + [Canned(200, {"ok": 1})]
    adapter = ReplayAdapter().add("GET", "/v1/x", *canned)
    client = make_client(adapter, FakeClock())
    assert client.request_json("GET", f"{BASE}/x", lambda data: data["ok"])[1] == 1
    assert len(adapter.requests) == 4 and client.stats.failed == 0


@pytest.mark.parametrize("status", [404, 410, 451, 409, 400, 401])
def test_not_found_and_client_errors_are_answers_not_retries(status: int) -> None:
    adapter = ReplayAdapter().add("GET", "/v1/x", Canned(status, {"message": "Not Found"}))
    clock = FakeClock()
    response = make_client(adapter, clock).request("GET", f"{BASE}/x")
    assert response.status_code == status
    assert len(adapter.requests) == 1
    assert clock.sleeps == []


def test_a_blocked_repository_403_is_not_a_rate_limit() -> None:
    blocked = requests.Response()
    blocked.status_code = 403
    blocked._content = b'{"message": "Repository access blocked", "block": {"reason": "tos"}}'
    assert not is_rate_limited(blocked)
    secondary = requests.Response()
    secondary.status_code = 403
    secondary._content = (
        b'{"message": "You have exceeded a secondary rate limit. Please wait a few minutes '
        b'before you try again."}'
    )
    assert is_rate_limited(secondary)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "12"}, 12.0),
        ({"Retry-After": "Thu, 26 Nov 2026 03:01:00 GMT"}, 60.0),
        ({"Retry-After": "Thu, 26 Nov 2026 02:00:00 GMT"}, 0.0),  # in the past: no wait
        ({"Retry-After": "soon"}, None),
        ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1795662010"}, 11.0),
        ({"x-ratelimit-remaining": "5", "x-ratelimit-reset": "1795662010"}, None),
        ({}, None),
    ],
)
def test_retry_after_seconds(headers: dict[str, str], expected: float | None) -> None:
    now = FakeClock().now()  # 2026-11-26 03:00:00 UTC = 1795662000
    assert retry_after_seconds(requests.structures.CaseInsensitiveDict(headers), now) == expected


@pytest.mark.parametrize(
    "body",
    [
        "<html>Service Unavailable</html>",  # HTML where JSON was asked, with a 200
        b'[{"paperId": "ab',  # cut JSON with a consistent length
        b"",  # an empty body
    ],
)
def test_a_body_that_does_not_decode_is_retried_and_never_cached(
    tmp_path: Path, body: str | bytes
) -> None:
    adapter = ReplayAdapter().add(
        "GET",
        "/v1/x",
        Canned(200, body, {"Content-Type": "text/html"}),
        Canned(200, {"ok": True}),
    )
    clock = FakeClock()
    client = make_client(adapter, clock, cache_dir=tmp_path)
    _, value = client.request_json("GET", f"{BASE}/x", lambda data: data["ok"])
    assert value is True
    assert len(adapter.requests) == 2 and len(clock.sleeps) == 1  # retried like a 5xx
    assert client.stats.faults == {"undecodable body": 1} and client.stats.failed == 0
    # The good answer is the one cached: asked again, it comes from the cache.
    assert client.request_json("GET", f"{BASE}/x", lambda data: data["ok"])[1] is True
    assert len(adapter.requests) == 2


def test_cut_bodies_are_retried_at_once_three_times_then_with_backoff() -> None:
    """A cut body says nothing of the server's load: three quick retries (the pacer still spaces
    them), then the policy's backoff; a 5xx is backed off from the first retry."""
    adapter = ReplayAdapter().add("GET", "/v1/x", *[Canned(200, b'{"a": ')] * 4, Canned(200, "1"))
    clock = FakeClock()
    make_client(adapter, clock, retry=RetryPolicy(max_attempts=5)).request_json(
        "GET", f"{BASE}/x", int
    )
    assert [s > 0 for s in clock.sleeps] == [False, False, False, True]
    adapter = ReplayAdapter().add("GET", "/v1/x", Canned(503, "busy"), Canned(200, "1"))
    clock = FakeClock()
    make_client(adapter, clock).request_json("GET", f"{BASE}/x", int)
    assert len(clock.sleeps) == 1 and clock.sleeps[0] >= 1.0


def test_the_backoff_after_quick_retries_grows_from_its_first_step() -> None:
    """Quick retries are no step of the backoff: a fourth cut body in a row waits the policy's
    first step (1-2 s), not the fourth (8-16 s); a 5xx after quick retries, the next step."""
    policy = RetryPolicy(max_attempts=6, max_total_wait_s=100.0, backoff_initial_s=2.0)
    adapter = ReplayAdapter().add("GET", "/v1/x", *[Canned(200, b'{"a": ')] * 4, Canned(200, "1"))
    clock = FakeClock()
    make_client(adapter, clock, retry=policy).request_json("GET", f"{BASE}/x", int)
    assert clock.sleeps[:3] == [0.0, 0.0, 0.0] and len(clock.sleeps) == 4
    assert 1.0 <= clock.sleeps[3] <= 2.0
    cut = Canned(200, b'{"a": ')
    answers = (Canned(503, "busy"), cut, cut, cut, Canned(503, "busy"), Canned(200, "1"))
    adapter = ReplayAdapter().add("GET", "/v1/x", *answers)
    clock = FakeClock()
    make_client(adapter, clock, retry=policy).request_json("GET", f"{BASE}/x", int)
    first, *quick, second = clock.sleeps
    assert 1.0 <= first <= 2.0 and quick == [0.0, 0.0, 0.0] and 2.0 <= second <= 4.0


def test_a_body_that_never_decodes_is_malformed_after_the_retries() -> None:
    adapter = ReplayAdapter().add("GET", "/v1/x", Canned(200, b'[{"paperId": "ab'))
    client = make_client(adapter, FakeClock())
    with pytest.raises(MalformedResponse, match="JSONDecodeError") as raised:
        client.request_json("GET", f"{BASE}/x", list)
    assert len(adapter.requests) == 4  # the policy's attempts
    assert not raised.value.outage  # that request's failure, not the API's


def test_an_answer_that_does_not_fit_the_schema_names_the_field() -> None:
    adapter = ReplayAdapter().add("GET", "/v1/x", Canned(200, {"total": 1}))
    client = make_client(adapter, FakeClock())
    with pytest.raises(UnexpectedAnswer, match="no field 'data'") as raised:
        client.request_json("GET", f"{BASE}/x", lambda body: body["data"])
    assert len(adapter.requests) == 1  # decoded: not retried
    assert not raised.value.outage and client.gate.answered.is_set()


def test_the_api_is_out_only_after_failing_four_requests_in_a_row() -> None:
    """Each request fails after its retries; an answer in between starts the count again."""
    adapter = ReplayAdapter()
    adapter.add("GET", "/v1/a", *[Canned(502, "bad gateway")] * 14)
    adapter.add("GET", "/v1/ok", Canned(200, {"ok": 1}))
    client = make_client(adapter, FakeClock(), retry=RetryPolicy(max_attempts=2))
    outages = []
    for path in ("a", "a", "a", "ok", "a", "a", "a"):
        try:
            client.request("GET", f"{BASE}/{path}")
        except ApiError as error:
            outages.append(is_outage(error))
    assert outages == [False] * 6
    with pytest.raises(ApiError) as fourth:
        client.request("GET", f"{BASE}/a")
    assert is_outage(fourth.value)


def test_errors_pickle_cleanly() -> None:
    error = RateLimited("s2", "https://x/y", "rate limited", 429, reset_at=FakeClock().now())
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert (copy.api, copy.url, copy.status, copy.reset_at) == (
        "s2",
        "https://x/y",
        429,
        error.reset_at,
    )
    assert str(copy) == str(error)


# --- pacing -------------------------------------------------------------------------------------


def test_pacer_sleeps_only_the_remaining_time() -> None:
    clock = FakeClock()
    pacer = Pacer(3.0, clock)
    pacer.wait()
    assert clock.sleeps == []
    clock.advance(1.0)
    pacer.wait()
    assert clock.sleeps == [2.0]
    clock.advance(5.0)
    pacer.wait()
    assert clock.sleeps == [2.0]


def test_requests_are_paced_but_cache_hits_are_not(tmp_path: Path) -> None:
    adapter = (
        ReplayAdapter()
        .add("GET", "/v1/a", Canned(200, "{}"))
        .add("GET", "/v1/b", Canned(200, "{}"))
    )
    clock = FakeClock()
    client = make_client(adapter, clock, min_interval_s=3.0, cache_dir=tmp_path)
    client.request("GET", f"{BASE}/a")
    client.request("GET", f"{BASE}/b")
    assert clock.sleeps == [3.0]
    client.request("GET", f"{BASE}/a")
    client.request("GET", f"{BASE}/b")
    assert clock.sleeps == [3.0]
    assert client.stats.cache_hits == 2
    assert client.stats.network_requests == 2


def test_a_request_looks_in_the_cache_once(tmp_path: Path) -> None:
    # The pacer is waited inside the cached session, just before the network: a miss is not
    # looked up once to decide and again to send, and a hit is one lookup too.
    adapter = ReplayAdapter().add("GET", "/v1/a", Canned(200, "{}"))
    clock = FakeClock()
    client = make_client(adapter, clock, min_interval_s=3.0, cache_dir=tmp_path)
    assert isinstance(client.session, requests_cache.CachedSession)
    cache = client.session.cache
    lookups: list[str] = []
    original = cache.get_response

    def counted(key: str, default: object = None) -> object:
        lookups.append(key)
        return original(key, default)

    cache.get_response = counted  # type: ignore[method-assign,assignment]
    client.request("GET", f"{BASE}/a")  # a miss: paced, sent, stored
    client.request("GET", f"{BASE}/a")  # a hit: neither paced nor sent
    assert len(lookups) == 2
    assert client.stats.network_requests == 1 and client.stats.cache_hits == 1
    assert clock.sleeps == []  # the first request of the run does not wait


def test_the_proxy_environment_is_read_once_per_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "direct.example.org")
    session = make_session("test", tmp_path, timedelta(hours=1), 1)
    proxied = session.merge_environment_settings(f"{BASE}/a", {}, None, None, None)
    direct = session.merge_environment_settings(
        "https://direct.example.org/a", {}, None, None, None
    )
    assert proxied["proxies"]["https"] == "http://proxy.example:3128"
    assert "https" not in direct["proxies"]
    monkeypatch.setenv("HTTPS_PROXY", "http://other.example:3128")  # read once: kept
    again = session.merge_environment_settings(f"{BASE}/b", {}, None, None, None)
    assert again == proxied and again["proxies"] is not proxied["proxies"]
    # A request that sets its own proxies is merged as requests does.
    own = session.merge_environment_settings(
        f"{BASE}/c", {"https": "http://mine.example:1"}, None, None, None
    )
    assert own["proxies"]["https"] == "http://mine.example:1"


# --- credentials and redaction ------------------------------------------------------------------


def test_credentials_go_only_to_urls_under_the_base_url() -> None:
    adapter = (
        ReplayAdapter()
        .add("GET", "/v1/own", Canned(200, "{}"))
        .add("GET", "/elsewhere", Canned(200, "{}"))
    )
    client = make_client(adapter, FakeClock(), credentials={"x-api-key": Secret(TOKEN)})
    client.request("GET", f"{BASE}/own")
    client.request("GET", "https://api.example.org/elsewhere")  # same host, outside the base path
    client.request("GET", "https://other.example.net/v1/own")  # another host
    sent = [(r.url, r.headers.get("x-api-key")) for r in adapter.requests]
    assert sent == [
        (f"{BASE}/own", TOKEN),
        ("https://api.example.org/elsewhere", None),
        ("https://other.example.net/v1/own", None),
    ]
    assert all(r.headers["User-Agent"].startswith("awesome-enrich/") for r in adapter.requests)


def test_a_redirect_to_another_host_drops_the_credentials() -> None:
    adapter = (
        ReplayAdapter()
        .add("GET", "/v1/moved", Canned(302, "", {"Location": "https://evil.example.net/steal"}))
        .add("GET", "/steal", Canned(200, "{}"))
    )
    client = make_client(adapter, FakeClock(), credentials={"Authorization": Secret(TOKEN)})
    response = client.request("GET", f"{BASE}/moved")
    assert response.status_code == 200
    first, second = adapter.requests
    assert first.headers["Authorization"] == TOKEN
    assert "Authorization" not in second.headers
    assert [r.status_code for r in response.history] == [302]


def test_a_301_on_the_same_host_keeps_the_credentials() -> None:
    adapter = (
        ReplayAdapter()
        .add("GET", "/v1/repos/a/b", Canned(301, "", {"Location": "/v1/repositories/7"}))
        .add("GET", "/v1/repositories/7", Canned(200, "{}"))
    )
    client = make_client(adapter, FakeClock(), credentials={"Authorization": Secret(TOKEN)})
    client.request("GET", f"{BASE}/repos/a/b")
    assert [r.headers.get("Authorization") for r in adapter.requests] == [TOKEN, TOKEN]


def test_tokens_are_redacted_from_errors_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    adapter = ReplayAdapter().add(
        "GET", "/v1/x", Canned(raises=requests.ConnectionError(f"proxy refused {TOKEN}"))
    )
    client = make_client(adapter, FakeClock(), credentials={"Authorization": Secret(TOKEN)})
    with caplog.at_level(logging.DEBUG), pytest.raises(TransportError) as raised:
        client.request("GET", f"{BASE}/x?echo={TOKEN}")
    assert TOKEN not in str(raised.value)
    assert TOKEN not in repr(raised.value.args)
    assert "***" in str(raised.value)
    assert caplog.records
    assert all(TOKEN not in record.getMessage() for record in caplog.records)


def test_the_cache_stores_no_credentials(tmp_path: Path) -> None:
    adapter = ReplayAdapter().add("GET", "/v1/x", Canned(200, {"a": 1}))
    client = make_client(
        adapter, FakeClock(), cache_dir=tmp_path, credentials={"x-api-key": Secret(TOKEN)}
    )
    client.request("GET", f"{BASE}/x")
    client.close()
    cache_files = list(tmp_path.iterdir())
    assert cache_files
    for path in cache_files:
        assert TOKEN.encode() not in path.read_bytes()


def test_secret_never_shows_itself() -> None:
    secret = Secret(TOKEN)
    assert TOKEN not in repr(secret) and TOKEN not in str(secret) and TOKEN not in f"{secret}"
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    assert Redactor([TOKEN])(f"a {TOKEN} b") == "a *** b"


# --- conditional requests ----------------------------------------------------------------------


def test_etag_revalidation_serves_the_cached_body_on_304(tmp_path: Path) -> None:
    adapter = ReplayAdapter().add(
        "GET", "/v1/repo", Canned(200, {"stars": 5}, {"ETag": 'W/"abc"'}, etag_match='W/"abc"')
    )
    client = make_client(adapter, FakeClock(), cache_dir=tmp_path, cache_ttl=timedelta(0))
    first = client.request("GET", f"{BASE}/repo")
    second = client.request("GET", f"{BASE}/repo")
    assert first.json() == second.json() == {"stars": 5}
    assert adapter.requests[1].headers.get("If-None-Match") == 'W/"abc"'
    assert client.stats.not_modified == 1


# --- the loopback guard --------------------------------------------------------------------------


def test_tests_cannot_reach_beyond_loopback() -> None:
    with pytest.raises(NonLoopbackConnection):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    with pytest.raises(NonLoopbackConnection):
        socket.getaddrinfo("api.github.com", 443)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    with socket.create_connection(listener.getsockname(), timeout=1):
        pass
    listener.close()


def test_cached_answers_older_than_the_maximum_age_are_deleted_at_start_up(
    tmp_path: Path,
) -> None:
    world = World(synthetic=True, description="empty", epoch="2026-01-01")
    with FakeServer(FakeApi(world)) as server:
        session = make_session("s2", tmp_path, timedelta(hours=1), 1)
        assert isinstance(session, requests_cache.CachedSession)
        for which in ("old", "recent"):
            session.get(f"{server.url}/_fake/stats", params={"which": which}, timeout=5)
        [old_key] = [
            key for key, r in session.cache.responses.items() if r.url.endswith("which=old")
        ]
        old = session.cache.responses[old_key]
        old.created_at -= CACHE_MAX_AGE + timedelta(hours=1)
        session.cache.responses[old_key] = old
        session.close()  # type: ignore[no-untyped-call]
    reopened = make_session("s2", tmp_path, timedelta(hours=1), 1)
    assert isinstance(reopened, requests_cache.CachedSession)
    assert [r.url.rsplit("=", 1)[1] for r in reopened.cache.responses.values()] == ["recent"]
    reopened.close()  # type: ignore[no-untyped-call]


def test_a_timed_out_request_is_retried_on_a_fresh_connection() -> None:
    """The first connection takes the request and never answers; the retry must not wait on
    it (nor read its late answer): it opens a new connection, which answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    port = listener.getsockname()[1]
    connections: list[socket.socket] = []
    body = b'{"ok": 1}'

    def serve() -> None:
        while len(connections) < 2:
            connection, _ = listener.accept()
            connections.append(connection)
            connection.recv(65536)
            if len(connections) == 2:  # the first one hangs; the second answers
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    base = f"http://127.0.0.1:{port}/v1"
    profile = ApiProfile("test", base, 0.0, timedelta(0), retry=RetryPolicy(max_attempts=3))
    client = HttpClient(replace(profile, read_timeout_s=0.3), clock=FakeClock())
    try:
        _, value = client.request_json("GET", f"{base}/x", lambda data: data["ok"])
    finally:
        server.join(timeout=5)
        for connection in connections:
            connection.close()
        listener.close()
        client.close()
    assert value == 1
    assert len(connections) == 2  # a fresh connection for the retry
    assert client.stats.faults == {"timed out": 1}
