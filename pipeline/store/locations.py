"""Where a run reads its list and writes its outputs, given as a path or a URL.

- The output folder: a local path or a `file://` URL. The writer renames temporary files into
  place and the run holds an flock on the folder, which need a POSIX filesystem: any local or
  mounted one works (a Docker volume, a Kubernetes PersistentVolume, NFS with working locks);
  object stores (s3://, gs://) do not, and are refused.
- The list: a local path, a `file://` URL, or the `http(s)://` URL of a raw file (such as
  https://raw.githubusercontent.com/<owner>/<repo>/<branch>/README.md), fetched at the start of
  each run into the output folder (`.awesome-enrich-list.md`), at most MAX_LIST_BYTES.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import requests

from pipeline.core.errors import ConfigError, ListReadError
from pipeline.store.listio import MAX_LIST_BYTES
from pipeline.store.writer import write_bytes_atomic

DOWNLOADED_LIST = ".awesome-enrich-list.md"
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


def list_file(text: str, out: Path) -> Path:
    """A local file for the list: the path itself, a file:// URL's path, or an http(s) URL
    fetched into `out` (ListReadError when it cannot be)."""
    scheme = urlsplit(text).scheme
    if scheme == "file":
        return _file_url_path(text)
    if scheme not in {"http", "https"}:
        return Path(text)
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
    target = out / DOWNLOADED_LIST
    out.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(target, body)
    return target
