"""Where a run reads its list and writes its outputs, given as a path or a URL.

- The output folder: a local path or a `file://` URL. The writer renames temporary files into
  place and the run holds an flock on the folder, which need a POSIX filesystem: any local or
  mounted one works (a Docker volume, a Kubernetes PersistentVolume, NFS with working locks);
  object stores (s3://, gs://) do not, and are refused.
- The list: a local path, a `file://` URL, or the `http(s)://` URL of a raw file (such as
  https://raw.githubusercontent.com/<owner>/<repo>/<branch>/README.md), fetched at the start of
  each run into the output folder (`.awesome-enrich-list.md`), at most MAX_LIST_BYTES.
- or a file in a GitHub repository, `github:OWNER/REPO/PATH[@REF]`, read through GitHub's
  contents API (pipeline/sources/github_list.py) into the same file; its blob SHA is kept
  beside it (`.awesome-enrich-list.json`), for publishing to compare the repository's copy with.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.core.errors import ConfigError, ListReadError
from pipeline.sources.config import Settings, settings_from_env
from pipeline.sources.github_list import fetch_github_list, is_github_list, parse_github_list
from pipeline.store.listio import MAX_LIST_BYTES
from pipeline.store.writer import write_bytes_atomic

DOWNLOADED_LIST = ".awesome-enrich-list.md"
LIST_ORIGIN = ".awesome-enrich-list.json"  # where a list read from GitHub came from, its SHA
DOWNLOAD_TIMEOUT_S = (10.0, 60.0)


def _file_url_path(text: str) -> Path:
    parts = urlsplit(text)
    if parts.netloc not in {"", "localhost"}:
        raise ConfigError(f"{text}: a file:// URL names a file on this machine (file:///path)")
    return Path(unquote(parts.path))


def output_folder(text: str) -> Path:
    """The output folder for a path or a file:// URL."""
    scheme = urlsplit(text).scheme
    if scheme == "file":
        return _file_url_path(text)
    if scheme and len(scheme) > 1:  # not a Windows drive letter
        raise ConfigError(
            f"{text}: the output folder must be a path or a file:// URL (outputs are renamed "
            "into place under a lock: mount other storage and give its path)"
        )
    return Path(text)


def is_fetched_list(text: str) -> bool:
    """Whether `list_file` fetches the list (a `github:` list or an http(s) URL) rather than
    naming a file on this machine (a path or a file:// URL)."""
    return is_github_list(text) or urlsplit(text).scheme in {"http", "https"}


def list_file(
    text: str,
    out: Path,
    settings: Settings | None = None,
    limiter: Callable[[str], None] | None = None,
) -> Path:
    """A local file for the list: the path itself, a file:// URL's path, or an http(s) URL or
    a `github:` list fetched into `out` (ListReadError when it cannot be). `settings` (default:
    from the environment) say where GitHub's API is and its token."""
    if is_github_list(text):
        return _github_list_file(text, out, settings or settings_from_env(no_cache=True), limiter)
    scheme = urlsplit(text).scheme
    if scheme == "file":
        return _file_url_path(text)
    if scheme not in {"http", "https"}:
        return Path(text)
    import requests  # here: a local list (`check`) needs no HTTP stack

    try:
        with requests.get(text, timeout=DOWNLOAD_TIMEOUT_S, stream=True) as response:
            if response.status_code != 200:
                raise ListReadError(f"{text}: HTTP {response.status_code}; the list was not read")
            body = b""
            for chunk in response.iter_content(chunk_size=2**16):
                body += chunk
                if len(body) > MAX_LIST_BYTES:
                    raise ListReadError(f"{text}: larger than {MAX_LIST_BYTES} bytes; not a list")
    except requests.RequestException as error:
        raise ListReadError(f"{text}: cannot be fetched ({type(error).__name__})") from None
    return _downloaded(out, body, None)


def _downloaded(out: Path, body: bytes, origin: dict[str, str] | None) -> Path:
    """The fetched list written into `out`, with where it came from (or no such record)."""
    target = out / DOWNLOADED_LIST
    out.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(target, body)
    if origin is None:
        (out / LIST_ORIGIN).unlink(missing_ok=True)
    else:
        write_bytes_atomic(out / LIST_ORIGIN, json.dumps(origin, indent=1).encode() + b"\n")
    return target


def _github_list_file(
    text: str, out: Path, settings: Settings, limiter: Callable[[str], None] | None
) -> Path:
    where = parse_github_list(text)
    fetched = fetch_github_list(where, settings, max_bytes=MAX_LIST_BYTES, limiter=limiter)
    origin = {"list": str(where), "repo": where.repo, "path": where.path, "sha": fetched.sha}
    if where.ref:
        origin["ref"] = where.ref
    return _downloaded(out, fetched.content, origin)


def list_origin(list_path: Path) -> dict[str, str] | None:
    """Where the list at `list_path` came from, when it is the copy of a list a run read from a
    repository (`github:`): `list`, `repo`, `path`, `sha` (its blob SHA), and `ref` if given."""
    if list_path.name != DOWNLOADED_LIST:
        return None
    try:
        origin = json.loads((list_path.parent / LIST_ORIGIN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(origin, dict) or not all(
        isinstance(origin.get(key), str) and origin[key] for key in ("list", "repo", "sha")
    ):
        return None
    return {str(key): str(value) for key, value in origin.items()}


def list_blob_sha(list_path: Path) -> str | None:
    """The blob SHA GitHub gave the list at `list_path`, when it is the copy of a list a run
    read from a repository (`github:`); None for any other list."""
    origin = list_origin(list_path)
    return origin["sha"] if origin else None
