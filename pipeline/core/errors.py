"""The pipeline's exception tree. Every message names the file, line, URL or item at fault.

    PipelineError
    ├── ListReadError          a list file that cannot be read
    ├── ConfigError            a bad environment variable or setting
    └── ApiError               an API call that failed after the retry policy gave up
        ├── RateLimited        429 / rate-limit 403 outlasting the wait cap
        ├── TransportError     connection errors and timeouts
        └── MalformedResponse  a body that does not have the documented shape

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
    """An answer whose body does not have the documented shape (HTML error page, bad JSON...)."""


def is_outage(error: ApiError) -> bool:
    """An error that says the API is not usable now (not a problem with one query): the run
    stops asking it rather than spend the retry policy on every remaining request."""
    return (
        isinstance(error, RateLimited | TransportError | MalformedResponse)
        or (error.status or 0) >= 500
    )


def is_server_error(error: ApiError) -> bool:
    """A 5xx answer that outlived the retries. Sent for a batch, it may be one item the API
    chokes on, so the caller splits the batch; rate limits and transport errors say nothing
    about the items."""
    return (error.status or 0) >= 500 and not isinstance(error, RateLimited | TransportError)
