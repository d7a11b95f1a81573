"""A list read from its repository, `github:OWNER/REPO/PATH[@REF]` (issue 24, item 4): through
the contents API of the fake's GitHub on loopback, into the output folder with its blob SHA;
GitHub's refusals as one line naming repository, path and ref; the blob SHA as what publishing
compares against; the lists file and the `check`, `run` pre-check and `publish` commands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from fakeapi.app import FakeApi
from fakeapi.server import FakeServer
from fakeapi.world import World
from pipeline.cli.main import main
from pipeline.core.errors import ConfigError, ListReadError
from pipeline.job.lists import load_lists
from pipeline.job.outputs import regenerated_list
from pipeline.job.publish import PublishSpec, publish_list
from pipeline.listfile.parser import parse_list
from pipeline.sources.config import Settings, settings_from_env
from pipeline.sources.github_list import (
    GitHubList,
    fetch_github_list,
    parse_github_list,
)
from pipeline.sources.github_publish import git_blob_sha
from pipeline.store.locations import (
    DOWNLOADED_LIST,
    LIST_ORIGIN,
    list_blob_sha,
    list_file,
)
from tests.job.test_publish import LIST, REPO

TOKEN = "ghp_list-read-test-token"  # noqa: S105 - a placeholder the fake accepts
DEV_LIST = LIST + "| [A Third Paper On Tracking](https://arxiv.org/abs/2101.00003) | |\n"


class Fake:
    def __init__(self, server: FakeServer, env: dict[str, str]) -> None:
        self.server, self.env = server, env
        self.app: FakeApi = server.app
        self.settings: Settings = settings_from_env(env, no_cache=True)


@pytest.fixture
def fake() -> Iterator[Fake]:
    app = FakeApi(World(synthetic=True, description="github list", epoch="2026-01-01"))
    app.add_git_repo(
        REPO, {"README.md": LIST.encode(), "docs/list.md": LIST.encode(), "LICENSE": b"MIT\n"}
    )
    app.commit_upstream(REPO, "main", "README.md", LIST.encode())  # a second commit, same file
    repo = app.git_repo(REPO)
    repo.refs["dev"] = repo.refs["main"]
    app.commit_upstream(REPO, "dev", "README.md", DEV_LIST.encode())
    with FakeServer(app) as server:
        env = {**server.env(), "AWESOME_ENRICH_TIME_SCALE": "0", "GITHUB_TOKEN": TOKEN}
        yield Fake(server, env)


# --- the location --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("github:octo/awesome/README.md", GitHubList("octo", "awesome", "README.md")),
        (
            "github:octo/awesome/docs/list.md@main",
            GitHubList("octo", "awesome", "docs/list.md", "main"),
        ),
        ("github:o/r.x/README.md@feature/x", GitHubList("o", "r.x", "README.md", "feature/x")),
    ],
)
def test_a_github_list_names_owner_repo_path_and_ref(text: str, expected: GitHubList) -> None:
    assert parse_github_list(text) == expected
    assert str(expected) == text


@pytest.mark.parametrize(
    "text",
    [
        "github:octo/awesome",  # no path
        "github:octo//README.md",
        "github:octo/awesome/README.md@",  # an empty ref
        "github:octo/awe some/README.md",
        "github:octo/awesome/../secrets.md",
        "github:octo/awesome/docs/",
    ],
)
def test_a_malformed_github_list_is_refused_with_its_form(text: str) -> None:
    with pytest.raises(ListReadError, match=r"github:OWNER/REPO/PATH|must name a file"):
        parse_github_list(text)


# --- reading it ----------------------------------------------------------------------------
def test_a_github_list_is_read_into_the_output_folder_with_its_blob_sha(
    fake: Fake, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    path = list_file(f"github:{REPO}/README.md", out, fake.settings)
    assert path == out / DOWNLOADED_LIST
    assert path.read_text(encoding="utf-8") == LIST
    origin = json.loads((out / LIST_ORIGIN).read_text(encoding="utf-8"))
    assert origin == {
        "list": f"github:{REPO}/README.md",
        "repo": REPO,
        "path": "README.md",
        "sha": git_blob_sha(LIST.encode()),
    }
    assert list_blob_sha(path) == git_blob_sha(LIST.encode())

    # A ref: the file on that branch; a file in a folder.
    list_file(f"github:{REPO}/README.md@dev", out, fake.settings)
    assert path.read_text(encoding="utf-8") == DEV_LIST
    assert list_blob_sha(path) == git_blob_sha(DEV_LIST.encode())
    list_file(f"github:{REPO}/docs/list.md@main", out, fake.settings)
    assert path.read_text(encoding="utf-8") == LIST

    # A raw URL's copy afterwards has no record: no stale SHA is compared against.
    assert list_blob_sha(out / "elsewhere.md") is None


def test_a_list_past_the_contents_limit_is_read_through_the_blob_api(fake: Fake) -> None:
    big = (LIST + "\n" + "x" * 80 + "\n") * 14_000  # ~1.5 MB: no content in the contents answer
    fake.app.commit_upstream(REPO, "main", "BIG.md", big.encode())
    where = parse_github_list(f"github:{REPO}/BIG.md")
    fetched = fetch_github_list(where, fake.settings, max_bytes=16 * 2**20)
    assert fetched.content == big.encode()
    assert fetched.sha == git_blob_sha(big.encode())
    with pytest.raises(ListReadError) as error:
        fetch_github_list(where, fake.settings, max_bytes=2**20)
    assert str(error.value) == (
        f"{REPO}, BIG.md at the default branch: {len(big)} bytes, larger than {2**20}; not a list"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            f"github:{REPO}/MISSING.md@main",
            f"{REPO}, MISSING.md at main: not found (404 Not Found): the repository, ref or "
            "path does not exist, or GITHUB_TOKEN cannot see it; the list was not read",
        ),
        (
            "github:maintainer/no-such-repo/README.md",
            "maintainer/no-such-repo, README.md at the default branch: not found (404 Not "
            "Found): the repository, ref or path does not exist, or GITHUB_TOKEN cannot see "
            "it; the list was not read",
        ),
        (
            f"github:{REPO}/README.md@no-such-branch",
            f"{REPO}, README.md at no-such-branch: not found (404 Not Found): the repository, "
            "ref or path does not exist, or GITHUB_TOKEN cannot see it; the list was not read",
        ),
        (
            f"github:{REPO}/docs",
            f"{REPO}, docs at the default branch: a directory (1 entries), not a file; name "
            f"the list's file (such as github:{REPO}/docs/README.md)",
        ),
    ],
)
def test_what_cannot_be_read_is_one_line_naming_repo_path_and_ref(
    fake: Fake, tmp_path: Path, text: str, message: str
) -> None:
    out = tmp_path / "out"
    with pytest.raises(ListReadError) as error:
        list_file(text, out, fake.settings)
    assert str(error.value) == message
    assert not (out / DOWNLOADED_LIST).exists()


def test_a_refused_token_is_one_line_without_the_token(fake: Fake, tmp_path: Path) -> None:
    fake.app.bad_tokens.add(TOKEN)
    with pytest.raises(ListReadError) as error:
        list_file(f"github:{REPO}/README.md", tmp_path, fake.settings)
    assert str(error.value) == (
        f"{REPO}, README.md at the default branch: GitHub refused the token (401 Bad "
        "credentials); check GITHUB_TOKEN; the list was not read"
    )
    fake.app.bad_tokens.clear()
    fake.app.unreadable_tokens.add(TOKEN)
    with pytest.raises(ListReadError) as error:
        list_file(f"github:{REPO}/README.md@main", tmp_path, fake.settings)
    assert str(error.value) == (
        f"{REPO}, README.md at main: access refused (403 Resource not accessible by personal "
        "access token); a private repository needs GITHUB_TOKEN with contents: read; the list "
        "was not read"
    )
    assert TOKEN not in str(error.value)


# --- publishing compares against its blob SHA ---------------------------------------------------
def _night(out: Path, source: bytes, citations: int) -> None:
    document = parse_list(source.decode())
    rows = [
        {"position": e.position, "citation_count": citations + e.position} for e in document.entries
    ]
    (out / "README.md").write_text(regenerated_list(document, rows, synthetic=False), "utf-8")
    (out / "changes.md").write_text(
        f"# Changes\n\n## Citation movers\n\n- A Paper On Segmentation: +{citations}\n", "utf-8"
    )


def test_publish_compares_the_repository_with_the_blob_sha_the_run_read(
    fake: Fake, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    spec = PublishSpec(REPO, "README.md", base="main")
    read = list_file(f"github:{REPO}/README.md@main", out, fake.settings)
    _night(out, read.read_bytes(), 10)
    result = publish_list(
        spec,
        out=out,
        source=read.read_bytes(),
        source_sha=list_blob_sha(read),
        day=date(2026, 3, 2),
        settings=fake.settings,
    )
    assert result.line == "publish: pull request #1 opened (1 citation movers)"

    # A maintainer edits the list after tonight's run read it: nothing is published.
    read = list_file(f"github:{REPO}/README.md@main", out, fake.settings)
    _night(out, read.read_bytes(), 20)
    edit = fake.app.commit_upstream(REPO, "main", "README.md", DEV_LIST.encode())
    assert edit
    result = publish_list(
        spec,
        out=out,
        source=read.read_bytes(),
        source_sha=list_blob_sha(read),
        day=date(2026, 3, 3),
        settings=fake.settings,
    )
    assert result.action == "skipped"
    assert "changed since the run read the list" in result.line
    assert git_blob_sha(LIST.encode())[:12] in result.line
    assert fake.app.git_repo(REPO).pulls[0]["body"].endswith("+10\n")  # not updated

    # The SHA decides: tomorrow's run reads the edit, and its SHA matches the repository.
    read = list_file(f"github:{REPO}/README.md@main", out, fake.settings)
    _night(out, read.read_bytes(), 30)
    result = publish_list(
        spec,
        out=out,
        source=b"stale bytes",  # not what is compared when GitHub gave the SHA
        source_sha=list_blob_sha(read),
        day=date(2026, 3, 4),
        settings=fake.settings,
    )
    assert result.line == "publish: pull request #1 updated (1 citation movers)"


# --- the lists file and the commands ---------------------------------------------------------
def test_a_github_list_in_the_lists_file_is_published_where_it_lives(tmp_path: Path) -> None:
    path = tmp_path / "lists.yaml"
    path.write_text(
        "lists:\n"
        f"  - name: wsss\n    list: github:{REPO}/docs/list.md@dev\n    out: out\n"
        "    publish: {}\n"
        f"  - name: other\n    list: github:{REPO}/README.md\n    out: out2\n"
        "    publish: {repo: someone/fork, mode: commit}\n"
        "  - name: local\n    list: README.md\n    out: out3\n",
        encoding="utf-8",
    )
    first, second, local = load_lists(path).lists
    assert first.list == f"github:{REPO}/docs/list.md@dev"  # never taken for a path
    assert first.publish == {"repo": REPO, "path": "docs/list.md", "base": "dev"}
    assert second.publish == {"repo": "someone/fork", "path": "README.md", "mode": "commit"}
    assert local.publish is None
    path.write_text("lists:\n  - name: bad\n    list: github:octo\n    out: out\n", "utf-8")
    with pytest.raises(ConfigError, match="list 'bad': list 'github:octo': a list in a repo"):
        load_lists(path)


def test_check_reads_a_github_list(
    fake: Fake, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in fake.env.items():
        monkeypatch.setenv(name, value)
    assert main(["check", f"github:{REPO}/README.md@dev"]) == 0
    assert f"github:{REPO}/README.md@dev: 3 entries in 1 sections" in capsys.readouterr().out
    assert main(["check", f"github:{REPO}/MISSING.md"]) == 2
    assert "MISSING.md at the default branch: not found" in capsys.readouterr().err


def test_publish_takes_repo_path_and_base_from_a_github_list(
    fake: Fake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in fake.env.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "out"
    where = f"github:{REPO}/README.md@main"
    assert main(["publish", "--list", where, "--out", str(out)]) == 2
    assert "holds no copy of this list read by a run" in capsys.readouterr().err
    read = list_file(where, out, fake.settings)
    _night(out, read.read_bytes(), 10)
    assert main(["publish", "--list", where, "--out", str(out), "--date", "2026-03-02"]) == 0
    assert "pull request #1 opened" in capsys.readouterr().out
    [pull] = fake.app.git_repo(REPO).pulls
    assert pull["base"]["ref"] == "main"
    assert (
        fake.app.git_repo(REPO).file("awesome-enrich/update", "README.md")
        == (out / "README.md").read_bytes()
    )
    assert main(["publish", "--out", str(out)]) == 2
    assert "--repo is required" in capsys.readouterr().err


def test_run_refuses_a_github_list_it_cannot_read_before_anything_starts(
    fake: Fake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in fake.env.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "out"
    assert main(["run", "--list", f"github:{REPO}/docs", "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"awesome-enrich: error: {REPO}, docs at the default branch: a directory (1 entries), "
        f"not a file; name the list's file (such as github:{REPO}/docs/README.md)\n"
    )
    assert not out.exists()  # read into a temporary folder for the check: nothing written


def test_doctor_reads_a_github_list_as_run_and_check_do(
    fake: Fake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in fake.env.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "out"
    where = f"github:{REPO}/README.md@dev"
    status = main(["doctor", "--list", where, "--out", str(out), "--no-cache"])
    printed = capsys.readouterr().out
    [line] = [line for line in printed.splitlines() if line.startswith("list ")]
    assert line.split(maxsplit=2)[1:] == ["ok", f"{where}: 3 entries, 1 GitHub repositories"]
    assert status == 0, printed
    assert not out.exists()  # read into a temporary folder: the doctor writes nothing

    # A list that cannot be read is a failed check in one line, the others still run.
    status = main(["doctor", "--list", f"github:{REPO}/MISSING.md", "--out", str(out)])
    printed = capsys.readouterr().out
    [line] = [line for line in printed.splitlines() if line.startswith("list ")]
    assert line.split(maxsplit=2)[1] == "fail"
    assert f"{REPO}, MISSING.md at the default branch: not found" in line
    assert TOKEN not in printed
    assert "GitHub " in printed and "blocking: list" in printed
    assert status == 1
