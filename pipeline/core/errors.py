"""The pipeline's exception tree. Every message names the file, line, URL or item at fault.

    PipelineError
    ├── ListReadError          a list file that cannot be read
    ├── ConfigError            a bad environment variable or setting
    └── ApiError               an API call that failed after the retry policy gave up
        ├── RateLimited        429 / rate-limit 403 outlasting the wait cap
        ├── TransportError     connection errors and timeouts
        ├── MalformedResponse  a body that does not decode (cut JSON or XML, an HTML page, empty)
        ├── UnexpectedAnswer   a body that decodes but does not fit the documented schema
        └── DeadlineReached    the run's deadline is near: nothing more is asked

A failed request is one item's failure. The API counts as out for the run (`is_outage`) only
when the HTTP layer says so on the error (`outage`): an answer that says "stop" (a rate limit
past its cap, the call budget, the shared limit, the deadline), or the API failing every request
(OUTAGE_AFTER requests in a row failed after their retries, none answered in between).

"Not found" is never an exception: clients return it as a value.
Messages never contain credentials (the HTTP layer redacts them before raising).
"""

from __future__ import annotations

from datetime import datetime


class PipelineError(Exception):
    """Base class for errors the command line reports as one line, without a traceback."""


class ListReadError(PipelineError):
    """A list file that cannot be read as UTF-8 Markdown."""


class ConfigError(PipelineError):
    """An environment variable or setting with an unusable value."""


class ApiError(PipelineError):
    """An API call that failed. `api` is "s2", "arxiv" or "github"; `status` is None without
    an HTTP answer. Pickles cleanly (for Prefect results and process pools)."""

    # Set by the HTTP layer: the API failed every request lately (sources.gates.ApiGate).
    outage: bool = False

    def __init__(self, api: str, url: str, message: str, status: int | None = None) -> None:
        super().__init__(api, url, message, status)
        self.api = api
        self.url = url
        self.message = message
        self.status = status

    @property
    def detail(self) -> str:
        """The message without the API name: what failed, the HTTP status, the URL."""
        status = f" (HTTP {self.status})" if self.status is not None else ""
        return f"{self.message}{status}: {self.url}"

    def __str__(self) -> str:
        return f"{self.api}: {self.detail}"


class RateLimited(ApiError):
    """The API kept answering "too many requests" past the retry policy's caps.

    `reset_at` is when the API said the quota comes back, when it said so.
    """

    def __init__(
        self,
        api: str,
        url: str,
        message: str,
        status: int | None = None,
        reset_at: datetime | None = None,
    ) -> None:
        super().__init__(api, url, message, status)
        self.args = (api, url, message, status, reset_at)
        self.reset_at = reset_at


class BudgetSpent(RateLimited):
    """The run's own call budget for this API is spent: no more requests are sent."""


class TransportError(ApiError):
    """No usable HTTP answer: connection refused or reset, DNS failure, timeout."""


class SharedLimitUnavailable(TransportError):
    """The shared rate limit (a Prefect global concurrency limit) could not be taken, so nothing
    was sent: an outage of this API for the run, as a connection failure is."""


class MalformedResponse(ApiError):
    """A body that does not decode (invalid or cut JSON or XML, an HTML page where JSON was
    asked, an empty body), still so after the retries: a fault of that request, not the API's."""


class UnexpectedAnswer(ApiError):
    """A body that decodes but does not fit the documented schema (a missing field, a wrong
    type): that item's error, reported with the field; the API is not out."""


class QueryFailed(ApiError):
    """A batch query the API answered, as a whole, with "too much" or "failed" (GraphQL
    `errors` with HTTP 200 and no data): asked again in smaller parts."""


class DeadlineReached(ApiError):
    """The run's deadline (`--deadline`) is near: the request was not sent."""

    outage = True


def is_outage(error: ApiError) -> bool:
    """An error after which the run stops asking this API (see the module's text): a rate
    limit past its cap, the call budget, the deadline, or an API that failed every request."""
    return error.outage or isinstance(error, RateLimited | SharedLimitUnavailable)


def is_server_error(error: ApiError) -> bool:
    """A 5xx answer, a body that did not decode, or a failed batch query, after the retries.
    Sent for a batch, it may be one item the API chokes on, so the caller splits the batch;
    rate limits and transport errors say nothing about the items."""
    if isinstance(error, RateLimited | TransportError | DeadlineReached):
        return False
    return (error.status or 0) >= 500 or isinstance(error, MalformedResponse | QueryFailed)
