"""How the HTTP layer classifies an answer (or its absence): what is retried, how long to wait,
and what to call it.

Four kinds of retryable fault, each one request's fault, never the API's by itself:

- `status`: 429, 5xx, and GitHub's rate-limit 403s;
- `body`: a 2xx answer whose body does not decode (invalid or cut JSON or XML, an HTML page where
  JSON was asked, an empty body), or that the server cut off (`Content-Length` not reached);
- `transport`: the connection was reset, or the answer did not come within the read timeout
  (the next attempt opens a fresh connection: requests drops a connection that failed);
- `unreachable`: no connection at all (refused, DNS, connect timeout): the host is likely down
  or the machine offline, so its retries have a shorter cap (RetryPolicy.max_transport_wait_s).
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import requests

RETRYABLE_EXCEPTIONS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
_GITHUB_RATE_LIMIT_MESSAGES = (
    "api rate limit exceeded",
    "secondary rate limit",
    "abuse detection",
    "please retry your request again later",
    "please wait a few minutes before you try again",
)


class RetryableFault(Exception):
    """Carries a retryable answer or transport exception through tenacity: `kind` is one of
    the module's four; `response` is None without an HTTP answer."""

    def __init__(
        self,
        kind: str,
        response: requests.Response | None = None,
        error: Exception | None = None,
    ) -> None:
        super().__init__(kind)
        self.kind = kind
        self.response = response
        self.error = error

    def describe(self) -> str:
        """A short name for the fault, for the log and the run's statistics."""
        if self.kind == "status" and self.response is not None:
            return f"HTTP {self.response.status_code}"
        if self.kind == "body":
            return "undecodable body"
        return describe_transport_error(self.error) if self.error else "no answer"


def transport_kind(error: Exception) -> str:
    """`body`, `transport` or `unreachable` for an exception from sending a request."""
    if isinstance(
        error, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError
    ):
        return "body"
    if isinstance(error, requests.ConnectTimeout):
        return "unreachable"
    if isinstance(error, requests.Timeout):
        return "transport"
    reason = describe_transport_error(error)
    if reason in {"connection refused", "cannot resolve the host name"}:
        return "unreachable"
    return "transport"


def retry_after_seconds(headers: Mapping[str, str], now: datetime) -> float | None:
    """The wait a response asks for: `Retry-After` (seconds or HTTP date), or GitHub's
    `x-ratelimit-reset` when `x-ratelimit-remaining` is 0. None when it asks for nothing."""
    value = headers.get("Retry-After")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return max(0.0, (when - now).total_seconds())
    reset = headers.get("x-ratelimit-reset")
    if headers.get("x-ratelimit-remaining") == "0" and reset and reset.isdigit():
        return max(0.0, int(reset) - now.timestamp()) + 1.0
    return None


def reset_time(headers: Mapping[str, str], now: datetime) -> datetime | None:
    wait = retry_after_seconds(headers, now)
    return now + timedelta(seconds=wait) if wait is not None else None


def _json_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("message", "")) if isinstance(body, dict) else ""


def is_rate_limited(response: requests.Response) -> bool:
    """429, or a 403 that is GitHub's primary or secondary rate limit (not a block or bad token)."""
    if response.status_code == 429:
        return True
    if response.status_code != 403:
        return False
    if response.headers.get("x-ratelimit-remaining") == "0" or "Retry-After" in response.headers:
        return True
    message = _json_message(response).casefold()
    return any(text in message for text in _GITHUB_RATE_LIMIT_MESSAGES)


def is_retryable(response: requests.Response) -> bool:
    return response.status_code >= 500 or is_rate_limited(response)


def describe_transport_error(error: Exception) -> str:
    """A short reason for a request that got no (whole) HTTP answer."""
    text = str(error)
    if isinstance(error, requests.Timeout):
        return "timed out"
    if isinstance(
        error, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError
    ):
        return "the answer was cut off"
    if "NameResolutionError" in text or "Name or service not known" in text:
        return "cannot resolve the host name"
    if "Connection refused" in text:
        return "connection refused"
    if "reset by peer" in text or "RemoteDisconnected" in text or "Connection aborted" in text:
        return "connection reset"
    return f"{type(error).__name__}: {text[:120]}"
