"""The lists file (`lists.yaml`): many awesome lists, one Prefect deployment each.

```yaml
work_pool: local-pool            # the pool every deployment goes to (--pool overrides it)
defaults:                        # flow parameters (EnrichParams) for every list
  citation_pages: 300
lists:
  - name: wsss                   # the deployment's name: lower case, digits, dashes
    list: data/raw/README.md     # a path, a file:// URL, the http(s) URL of a raw file, or
                                 # github:OWNER/REPO/PATH[@REF] (GitHub's contents API)
    out: data/enriched           # the output folder: a path or a file:// URL
    schedule: "0 3 * * *"        # cron; none: manual runs only
    timezone: Europe/Berlin      # default UTC
    overrides: data/raw/overrides.yaml   # default: overrides.yaml next to a local list
    parameters: {sort_by: citations}     # more flow parameters, over the defaults
    publish:                     # optional: put the regenerated list where the list lives
      repo: OWNER/NAME           # mode git: the path of a local clone
      path: README.md            # the list's file in the repository
      # (repo, path and base default to a github: list's own, so `publish: {}` will do)
      mode: pr                   # pr (default), commit or git
      # base: main               # default: the repository's default branch
      # branch: awesome-enrich/update   # mode pr's branch
      # release: true            # a draft release per week, its body changes.md
```

Relative paths are read from the lists file's folder. Parsing and checking the shape lives here
(no Prefect); the parameters are validated against the flow's own model when deploying.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from pipeline.core.errors import ConfigError, ListReadError
from pipeline.core.textfile import read_utf8_file
from pipeline.sources.github_list import is_github_list, parse_github_list

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
LIST_KEYS = {"name", "list", "out", "schedule", "timezone", "overrides", "parameters", "publish"}
FILE_KEYS = {"work_pool", "defaults", "lists"}
# What the flow parameters say per list; the lists file names them itself.
OWN_PARAMETERS = {"list_path", "out", "overrides_path", "publish"}


@dataclass(frozen=True)
class ListSpec:
    name: str
    list: str  # a path (absolute once loaded) or a URL
    out: str  # a path (absolute once loaded) or a file:// URL
    schedule: str | None = None
    timezone: str = "UTC"
    overrides: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    publish: dict[str, Any] | None = None  # the flow's `publish` parameter (PublishParams)

    def flow_parameters(self, defaults: dict[str, Any]) -> dict[str, Any]:
        """The flow's `params`: the defaults, this list's parameters, then its paths."""
        params = {**defaults, **self.parameters, "list_path": self.list, "out": self.out}
        if self.overrides is not None:
            params["overrides_path"] = self.overrides
        if self.publish is not None:
            params["publish"] = self.publish
        return params


@dataclass(frozen=True)
class ListsFile:
    path: Path
    lists: list[ListSpec]
    work_pool: str | None = None
    defaults: dict[str, Any] = field(default_factory=dict)


def is_url(text: str) -> bool:
    """A URL or a `github:` list: a location never resolved as a path."""
    return urlsplit(text).scheme in {"http", "https", "file"} or is_github_list(text)


def _publish_defaults(publish: dict[str, Any], list_text: str) -> dict[str, Any]:
    """A list read from its repository (`github:`) is published there unless the block says
    otherwise: its repository, path and ref (as the base) are the block's defaults."""
    if publish.get("mode") == "git":
        return publish
    where = parse_github_list(list_text)
    defaults: dict[str, Any] = {"repo": where.repo, "path": where.path}
    if where.ref and "repo" not in publish:
        defaults["base"] = where.ref
    return {**defaults, **publish}


def _located(text: str, folder: Path, *, keep_relative: bool) -> str:
    if is_url(text) or keep_relative:
        return text
    path = Path(text).expanduser()
    return str(path if path.is_absolute() else (folder / path).resolve())


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise ConfigError(f"{where}: expected a mapping")
    return dict(value)


def _text(item: dict[str, Any], key: str, where: str, *, required: bool) -> str | None:
    value = item.get(key)
    if value is None:
        if required:
            raise ConfigError(f"{where}: `{key}` is required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: `{key}` must be a non-empty string")
    return value.strip()


def load_lists(path: Path, *, keep_relative: bool = False) -> ListsFile:
    """Read and check a lists file. Relative paths become absolute (from the file's folder),
    unless `keep_relative` (for container work pools: paths inside the image)."""
    try:
        data = yaml.safe_load(
            read_utf8_file(
                path, max_bytes=2**20, kind="a YAML file", noun="lists file", error=ConfigError
            )
        )
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    top = _mapping(data, str(path))
    unknown = set(top) - FILE_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown keys {sorted(unknown)} (expected {sorted(FILE_KEYS)})")
    defaults = _mapping(top.get("defaults"), f"{path}: defaults")
    if OWN_PARAMETERS & set(defaults):
        raise ConfigError(f"{path}: defaults: set {sorted(OWN_PARAMETERS)} per list")
    raw = top.get("lists")
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{path}: `lists` must be a non-empty list")
    folder = path.resolve().parent
    specs: list[ListSpec] = []
    for number, entry in enumerate(raw, start=1):
        item = _mapping(entry, f"{path}: list {number}")
        where = f"{path}: list {number}"
        unknown = set(item) - LIST_KEYS
        if unknown:
            raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
        name = _text(item, "name", where, required=True) or ""
        if not NAME.match(name):
            raise ConfigError(f"{where}: name {name!r}: lower case letters, digits and dashes")
        where = f"{path}: list {name!r}"
        parameters = _mapping(item.get("parameters"), f"{where}: parameters")
        if OWN_PARAMETERS & set(parameters):
            raise ConfigError(f"{where}: parameters: use `list`, `out`, `overrides` and `publish`")
        out = _text(item, "out", where, required=True) or ""
        scheme = urlsplit(out).scheme
        if len(scheme) > 1 and scheme != "file":  # a one-letter scheme is a Windows drive
            raise ConfigError(f"{where}: out {out!r}: a path or a file:// URL")
        overrides = _text(item, "overrides", where, required=False)
        list_text = _text(item, "list", where, required=True) or ""
        if is_github_list(list_text):
            try:  # a malformed one is refused here, not at night
                parse_github_list(list_text)
            except ListReadError as error:
                raise ConfigError(f"{where}: list {error}") from None
        publish: dict[str, Any] | None = None
        if "publish" in item:  # a github: list: `publish: {}` publishes it where it lives
            publish = _mapping(item["publish"], f"{where}: publish")
            publish = (
                _publish_defaults(publish, list_text)
                if is_github_list(list_text)
                else (publish or None)
            )
        if publish is not None and publish.get("mode") == "git" and "repo" in publish:
            # a local clone: relative to the lists file, like the other paths
            publish["repo"] = _located(str(publish["repo"]), folder, keep_relative=keep_relative)
        specs.append(
            ListSpec(
                name=name,
                list=_located(list_text, folder, keep_relative=keep_relative),
                out=_located(out, folder, keep_relative=keep_relative),
                schedule=_text(item, "schedule", where, required=False),
                timezone=_text(item, "timezone", where, required=False) or "UTC",
                overrides=_located(overrides, folder, keep_relative=keep_relative)
                if overrides
                else None,
                parameters=parameters,
                publish=publish,
            )
        )
    names = [spec.name for spec in specs]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}: deployment names must be unique")
    outs = [spec.out for spec in specs]
    if len(set(outs)) != len(outs):
        raise ConfigError(f"{path}: two lists write the same output folder")
    pool = _text(top, "work_pool", str(path), required=False)
    return ListsFile(path, specs, pool, defaults)
