"""Publishing the regenerated list (issue 24), end to end over loopback against the fake's
GitHub (fakeapi/github_git.py): modes pr, commit and git, the draft release, nights without a
change, the merged and the superseded pull request, an upstream edit, the anomaly guard, and
GitHub's refusals (404, 401, 403, 409, 422) as one line naming the repository and path."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from fakeapi.app import FakeApi
from fakeapi.server import FakeServer
from fakeapi.world import World
from pipeline.job.outputs import LIST_BANNER, regenerated_list
from pipeline.job.publish import (
    PublishSpec,
    change_summary,
    commit_message,
    publish_list,
    read_night,
)
from pipeline.listfile.parser import parse_list
from pipeline.sources.config import Settings, settings_from_env
from pipeline.sources.github_publish import PublishError, git_blob_sha

REPO = "maintainer/awesome-papers"
TOKEN = "ghp_publish-test-token"  # noqa: S105 - a placeholder the fake accepts
LIST = (
    "# Awesome Papers\n\n"
    "| Title | Code |\n|---|---|\n"
    "| [A Paper On Segmentation](https://arxiv.org/abs/2101.00001) "
    "| [code](https://github.com/a/b) |\n"
    "| [Another Paper On Detection](https://arxiv.org/abs/2101.00002) | |\n"
)
CHANGES = (
    "# Changes on {day}\n\nSince the snapshot of 2026-01-01.\n\n"
    "## New entries\n\n- A Paper On Segmentation\n\n"
    "## Citation movers\n\n- Another Paper On Detection: +{n} (1 → {m})\n"
)
DAY = date(2026, 3, 2)


class Fake:
    def __init__(self, server: FakeServer, settings: Settings, out: Path) -> None:
        self.server, self.settings, self.out = server, settings, out
        self.app: FakeApi = server.app
        self.source = LIST.encode()

    def night(self, citations: int, day: date = DAY, source: bytes | None = None) -> None:
        """Tonight's outputs: the regenerated list with `citations`, and changes.md."""
        document = parse_list((source or self.source).decode())
        rows = [
            {"position": e.position, "citation_count": citations + e.position, "stars": 10}
            for e in document.entries
        ]
        text = regenerated_list(document, rows, synthetic=False)
        self.out.mkdir(exist_ok=True)
        (self.out / "README.md").write_text(text, encoding="utf-8")
        changes = CHANGES.format(day=day, n=citations, m=citations + 1)
        (self.out / "changes.md").write_text(changes, encoding="utf-8")

    def publish(self, spec: PublishSpec, day: date = DAY, *, guard_tripped: bool = False) -> str:
        result = publish_list(
            spec,
            out=self.out,
            source=self.source,
            day=day,
            settings=self.settings,
            guard_tripped=guard_tripped,
        )
        return result.line

    @property
    def regenerated(self) -> bytes:
        return (self.out / "README.md").read_bytes()


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[Fake]:
    app = FakeApi(World(synthetic=True, description="publish", epoch="2026-01-01"))
    app.add_git_repo(REPO, {"README.md": LIST.encode(), "LICENSE": b"MIT\n"})
    with FakeServer(app) as server:
        env = {**server.env(), "AWESOME_ENRICH_TIME_SCALE": "0", "GITHUB_TOKEN": TOKEN}
        yield Fake(server, settings_from_env(env, no_cache=True), tmp_path / "out")


def _pulls(fake: Fake) -> list[dict[str, object]]:
    return fake.app.git_repo(REPO).pulls


def test_mode_pr_opens_one_pull_request_and_keeps_it_current(fake: Fake) -> None:
    repo = fake.app.git_repo(REPO)
    base_before = repo.refs["main"]
    spec = PublishSpec(REPO)
    fake.night(100)
    line = fake.publish(spec)
    assert line == "publish: pull request #1 opened (1 added, 1 citation movers)"
    assert repo.file("awesome-enrich/update", "README.md") == fake.regenerated
    assert repo.file("awesome-enrich/update", "LICENSE") == b"MIT\n"  # the rest of the tree
    assert repo.refs["main"] == base_before  # mode pr never writes to the base
    [pull] = _pulls(fake)
    assert pull["title"] == "Update the list: 2026-03-02 (1 added, 1 citation movers)"
    assert pull["body"] == (fake.out / "changes.md").read_text()

    # The same list again: no commit, no update.
    head = repo.refs["awesome-enrich/update"]
    assert "nothing done" in fake.publish(spec)
    assert repo.refs["awesome-enrich/update"] == head

    # A night with a change: the branch is reset to the base plus one commit; the body follows.
    fake.night(250, day=date(2026, 3, 3))
    assert "pull request #1 updated" in fake.publish(spec, day=date(2026, 3, 3))
    assert len(_pulls(fake)) == 1
    new_head = repo.refs["awesome-enrich/update"]
    assert repo.commits[new_head]["parents"] == [base_before]  # one commit on the base
    assert repo.file("awesome-enrich/update", "README.md") == fake.regenerated
    assert "+250" in str(_pulls(fake)[0]["body"])
    assert "2026-03-03" in str(_pulls(fake)[0]["title"])


def test_a_merged_pull_request_then_a_new_change_opens_a_new_one(fake: Fake) -> None:
    spec = PublishSpec(REPO)
    fake.night(100)
    fake.publish(spec)
    fake.app.merge_pull(REPO, 1)
    # The merged list is tomorrow's input: the base holds it, nothing to do the same night.
    fake.source = fake.regenerated
    assert "already holds this list" in fake.publish(spec)
    fake.night(300, source=fake.source)
    assert "pull request #2 opened" in fake.publish(spec)
    assert [p["state"] for p in _pulls(fake)] == ["closed", "open"]
    repo = fake.app.git_repo(REPO)
    assert repo.commits[repo.refs["awesome-enrich/update"]]["parents"] == [repo.refs["main"]]


def test_a_pull_request_the_base_already_holds_is_closed(fake: Fake) -> None:
    spec = PublishSpec(REPO)
    fake.night(100)
    fake.publish(spec)
    # The maintainer commits the same content to main by hand (a squash, a cherry-pick).
    fake.app.commit_upstream(REPO, "main", "README.md", fake.regenerated)
    line = fake.publish(spec)
    assert line == (
        f"publish: {REPO}:main/README.md already holds the change: pull request #1 closed"
    )
    assert _pulls(fake)[0]["state"] == "closed"


def test_mode_commit_commits_on_the_base_only_when_the_content_changed(fake: Fake) -> None:
    repo = fake.app.git_repo(REPO)
    spec = PublishSpec(REPO, mode="commit", release=True)
    fake.night(100)
    line = fake.publish(spec)
    assert line.startswith("publish: committed README.md on main as ")
    assert line.endswith(
        "(1 added, 1 citation movers); draft release awesome-enrich-2026-w10 created"
    )
    assert repo.file("main", "README.md") == fake.regenerated
    assert repo.log("main")[0].startswith(
        "Update the list: 2026-03-02 (1 added, 1 citation movers)"
    )
    assert "New entries:\n- A Paper On Segmentation" in repo.log("main")[0]
    [release] = repo.releases
    assert release["draft"] is True and release["body"] == (fake.out / "changes.md").read_text()

    fake.source = fake.regenerated  # published: tomorrow's input
    commits = len(repo.log("main"))
    assert "already holds this list" in fake.publish(spec)
    assert len(repo.log("main")) == commits  # no empty commit

    # Same ISO week: the draft's body follows the night's report; no second release.
    fake.night(200, day=date(2026, 3, 4), source=fake.source)
    line = fake.publish(spec, day=date(2026, 3, 4))
    assert line.endswith("draft release awesome-enrich-2026-w10 updated")
    assert len(repo.releases) == 1 and "+200" in str(repo.releases[0]["body"])
    assert len(repo.log("main")) == commits + 1


def test_an_upstream_edit_since_the_run_read_the_list_publishes_nothing(fake: Fake) -> None:
    repo = fake.app.git_repo(REPO)
    fake.app.commit_upstream(REPO, "main", "README.md", LIST.encode() + b"| [New](x) | |\n")
    fake.night(100)
    for mode in ("pr", "commit"):
        line = fake.publish(PublishSpec(REPO, mode=mode))
        assert line.startswith(f"publish: nothing published: {REPO}:main/README.md changed since")
        assert "the next night catches up" in line
    assert repo.pulls == [] and "awesome-enrich/update" not in repo.refs
    assert repo.log("main")[0] == "Edit README.md"


def test_nothing_is_published_when_the_guard_tripped_or_entries_went_missing(fake: Fake) -> None:
    repo = fake.app.git_repo(REPO)
    fake.night(100)
    line = fake.publish(PublishSpec(REPO, mode="commit"), guard_tripped=True)
    assert line == (
        "publish: nothing published: the anomaly guard kept a source's previous values tonight"
    )
    changes = fake.out / "changes.md"
    changes.write_text("> **Warning:** s2: 80% of citation counts fell\n\n" + changes.read_text())
    assert "anomaly guard" in fake.publish(PublishSpec(REPO, mode="commit"))
    fake.night(100)
    fake.source = (
        LIST.encode() + b"| [A Third Paper Title Here](https://arxiv.org/abs/2101.00003) | |\n"
    )
    line = fake.publish(PublishSpec(REPO, mode="commit"))
    assert line == (
        "publish: nothing published: the regenerated list reads back to 2 entries, the list had 3"
    )
    assert repo.log("main") == ["Initial commit"]


def test_dry_run_prints_the_diff_and_writes_nothing(fake: Fake) -> None:
    fake.night(100)
    result = publish_list(
        PublishSpec(REPO),
        out=fake.out,
        source=fake.source,
        day=DAY,
        settings=fake.settings,
        dry_run=True,
    )
    assert result.action == "dry-run"
    assert "would reset awesome-enrich/update to main" in result.line
    assert "+| Title | Code | Citations | Stars | Last commit |" in result.diff
    assert fake.app.git_repo(REPO).pulls == []


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (
            "missing-repo",
            "maintainer/gone, README.md: not found while trying to read the repository "
            "(404 Not Found)",
        ),
        ("bad-token", "GitHub refused the token (401 Bad credentials)"),
        (
            "read-only",
            "the token may not create a blob (403 Resource not accessible by personal access "
            "token); publishing needs a token with contents: write and pull requests: write on "
            "maintainer/awesome-papers",
        ),
        (
            "empty-repo",
            "maintainer/empty, README.md: conflict while trying to read branch main "
            "(409 Git Repository is empty.)",
        ),
        (
            "not-fast-forward",
            "GitHub refused to update branch main (422 Update is not a fast forward)",
        ),
    ],
)
def test_github_refusals_are_one_line_naming_repo_and_path(
    fake: Fake, monkeypatch: pytest.MonkeyPatch, setup: str, expected: str
) -> None:
    fake.night(100)
    spec = PublishSpec(REPO, mode="commit")
    if setup == "missing-repo":
        spec = PublishSpec("maintainer/gone")
    elif setup == "bad-token":
        fake.app.bad_tokens.add(TOKEN)
    elif setup == "read-only":
        fake.app.read_only_tokens.add(TOKEN)
    elif setup == "empty-repo":
        fake.app.add_git_repo("maintainer/empty")
        spec = PublishSpec("maintainer/empty", base="main", mode="commit")
    else:  # the base moves between our read and our write: never forced
        from pipeline.sources.github_publish import GitHubPublisher

        real = GitHubPublisher.commit_file

        def racing(self: GitHubPublisher, content: bytes, message: str, parent: str) -> str:
            sha = real(self, content, message, parent)
            fake.app.commit_upstream(REPO, "main", "NOTES.md", b"meanwhile\n")
            return sha

        monkeypatch.setattr(GitHubPublisher, "commit_file", racing)
    with pytest.raises(PublishError) as raised:
        fake.publish(spec)
    message = str(raised.value)
    assert expected in message
    assert "\n" not in message and TOKEN not in message


def test_a_second_pull_request_for_the_branch_is_refused_with_422(fake: Fake) -> None:
    """The fake answers as GitHub does when a pull request already exists for the head."""
    from pipeline.sources.github_publish import GitHubPublisher

    fake.night(100)
    fake.publish(PublishSpec(REPO))
    gh = GitHubPublisher.from_settings(fake.settings, REPO, "README.md")
    with pytest.raises(PublishError, match=r"422 Validation Failed: A pull request already exists"):
        gh.create_pull("awesome-enrich/update", "main", "again", "body")
    gh.close()


def test_without_a_token_nothing_is_asked(fake: Fake) -> None:
    fake.night(100)
    settings = settings_from_env(
        {**fake.server.env(), "AWESOME_ENRICH_TIME_SCALE": "0"}, no_cache=True
    )
    with pytest.raises(PublishError, match="publishing needs GITHUB_TOKEN"):
        publish_list(
            PublishSpec(REPO), out=fake.out, source=fake.source, day=DAY, settings=settings
        )
    assert not any("github_git" in key for key in fake.app.stats.requests)


def test_the_token_goes_only_to_github(fake: Fake) -> None:
    fake.night(100)
    fake.publish(PublishSpec(REPO))
    assert fake.app.stats.credentials["github"] == {f"Bearer {TOKEN}"}


# --- mode git --------------------------------------------------------------------------------
def _git(*args: str, cwd: Path) -> str:
    git = shutil.which("git")
    assert git is not None
    done = subprocess.run(
        [git, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@x",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@x",
            "HOME": str(cwd),
            "PATH": "/usr/bin:/bin",
        },
    )
    return done.stdout


def test_mode_git_commits_into_a_clone_of_a_bare_repository_only_on_change(
    tmp_path: Path, fake: Fake
) -> None:
    bare, clone = tmp_path / "list.git", tmp_path / "clone"
    _git("init", "--quiet", "--bare", "--initial-branch=main", str(bare), cwd=tmp_path)
    _git("clone", "--quiet", str(bare), str(clone), cwd=tmp_path)
    (clone / "README.md").write_bytes(LIST.encode())
    _git("add", "README.md", cwd=clone)
    _git("commit", "--quiet", "-m", "the list", cwd=clone)
    _git("push", "--quiet", "origin", "main", cwd=clone)
    spec = PublishSpec(str(clone), mode="git")
    fake.night(100)
    line = fake.publish(spec)
    assert line.startswith(f"publish: committed README.md in {clone} as ")
    assert (clone / "README.md").read_bytes() == fake.regenerated
    assert _git("log", "--format=%s", cwd=clone).splitlines() == [
        "Update the list: 2026-03-02 (1 added, 1 citation movers)",
        "the list",
    ]
    assert _git("status", "--porcelain", cwd=clone) == ""
    fake.source = fake.regenerated
    assert "already holds this list" in fake.publish(spec)
    assert len(_git("log", "--format=%s", cwd=clone).splitlines()) == 2  # no empty commit
    _git("push", "--quiet", "origin", "main", cwd=clone)  # the maintainer pushes
    assert _git("log", "--format=%s", "-1", cwd=bare).strip().startswith("Update the list")
    # A maintainer's uncommitted edit is never overwritten.
    (clone / "README.md").write_text(LIST + "edited\n")
    assert "has uncommitted edits" in fake.publish(spec)


# --- the message and the fixpoint in the job's reading -----------------------------------------
def test_the_summary_and_message_come_from_changes_md(tmp_path: Path) -> None:
    text = CHANGES.format(day=DAY, n=5, m=6)
    assert change_summary(text) == "1 added, 1 citation movers"
    assert change_summary("# Changes on 2026-03-02\n\nNo changes.\n") == "no entry changes"
    (tmp_path / "README.md").write_text(LIST)
    (tmp_path / "changes.md").write_text(text)
    night = read_night(tmp_path, LIST.encode(), DAY)
    assert commit_message(night).splitlines()[0] == (
        "Update the list: 2026-03-02 (1 added, 1 citation movers)"
    )


def test_the_banner_is_written_once_on_a_regenerated_list_read_again() -> None:
    document = parse_list(LIST)
    rows = [{"position": 0, "citation_count": 5}]
    first = regenerated_list(document, rows, synthetic=True)
    assert first.startswith(LIST_BANNER)
    from pipeline.store.listio import parse_list_text

    again = regenerated_list(parse_list_text(first, "again"), rows, synthetic=True)
    assert again == first and again.count("SYNTHETIC") == 1
    real = regenerated_list(parse_list_text(first, "again"), rows, synthetic=False)
    assert "SYNTHETIC" not in real and git_blob_sha(real.encode()) != git_blob_sha(first.encode())


# --- the command ---------------------------------------------------------------------------------
def _cli(
    fake: Fake, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    from pipeline.cli import main as cli

    for name, value in {**fake.server.env(), "AWESOME_ENRICH_TIME_SCALE": "0"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    source = fake.out.parent / "list.md"
    source.write_bytes(fake.source)
    status = cli.main(
        ["publish", "--repo", REPO, "--out", str(fake.out), "--list", str(source), *args]
    )
    return status, capsys.readouterr().out


def test_the_publish_command_dry_run_then_for_real(
    fake: Fake, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.night(100)
    status, shown = _cli(fake, monkeypatch, capsys, "--dry-run", "--date", "2026-03-02")
    assert status == 0
    assert shown.startswith("--- a/README.md\n+++ b/README.md\n")
    assert shown.rstrip().endswith(
        "publish: would reset awesome-enrich/update to main, commit README.md and open a "
        "pull request"
    )
    assert fake.app.git_repo(REPO).pulls == []
    status, shown = _cli(fake, monkeypatch, capsys, "--date", "2026-03-02")
    assert (status, shown) == (
        0,
        "publish: pull request #1 opened (1 added, 1 citation movers) "
        f"(https://github.com/{REPO}/pull/1)\n",
    )
    fake.app.read_only_tokens.add(TOKEN)
    fake.night(150)
    status, shown = _cli(fake, monkeypatch, capsys, "--mode", "commit")
    assert status == 1 and shown.startswith(f"publish: FAILED: {REPO}, README.md: the token may")
    fake.app.commit_upstream(REPO, "main", "README.md", b"edited by hand\n")
    status, shown = _cli(fake, monkeypatch, capsys, "--mode", "commit")
    assert status == 3 and "changed since the run read the list" in shown
