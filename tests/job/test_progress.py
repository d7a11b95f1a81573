"""The run's progress line (issue 27): throttled on an injected clock, read against the pace."""

from __future__ import annotations

from dataclasses import replace

from pipeline.job.plan import CallEstimate
from pipeline.job.progress import Pace, ProgressReporter, duration_text, pace_for
from pipeline.sources.config import Secret, Settings


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


PACE = Pace(56, {"s2": 60, "arxiv": 40, "github": 10}, {"s2": 1.0, "arxiv": 3.0, "github": 0.25})


def reporter(clock: Clock, lines: list[str], every_s: float = 30.0) -> ProgressReporter:
    report = ProgressReporter([lines.append], clock=clock, every_s=every_s)
    report.plan(PACE)
    return report


def test_no_line_before_the_interval_then_one_per_interval() -> None:
    clock, lines = Clock(), list[str]()
    report = reporter(clock, lines)
    for _ in range(100):  # a burst of requests within the first interval: nothing yet
        report.called("s2")
    assert lines == []
    clock.now = 30.0
    report.called("s2")
    report.called("arxiv")  # the same instant: throttled
    assert len(lines) == 1
    clock.now = 59.0
    report("title searches", 1, 10, 1)
    assert len(lines) == 1
    clock.now = 60.0
    report("title searches", 2, 10, 1)
    assert len(lines) == 2


def test_the_line_says_entries_requests_and_the_time_left() -> None:
    clock, lines = Clock(), list[str]()
    report = reporter(clock, lines)
    report("id lookups", 20, 20, 18)  # 20 entries settled by their ids, 18 of them placed
    for _ in range(40):
        report.called("s2")
    for _ in range(5):
        report.called("arxiv")
    report.called("github")
    clock.now = 31.0
    report("title searches", 10, 36, 7)  # 3 missed on S2: 5 arXiv calls over 10 titles
    # S2: 26 titles pending (more than the 20 planned requests left) at 1 s: 26 s;
    # arXiv: 26 x 0.5 share x 3 s = 39 s; GitHub: 9 x 0.25 s. The longest lane: 39 s.
    assert lines == [
        "progress: 25 of 56 entries resolved (30 settled); "
        "requests s2 40, arxiv 5, github 1; about 39 s left"
    ]


def test_requests_are_counted_before_the_shared_limit_is_waited_for() -> None:
    clock, lines, waited = Clock(), list[str](), list[str]()
    report = reporter(clock, lines)
    limiter = report.counting(waited.append)
    limiter("github")
    limiter("github")
    assert waited == ["github", "github"]
    assert "github 2" in report.line()
    report.counting(None)("s2")  # no shared limit: counted all the same
    assert "s2 1," in report.line()


def test_the_pace_comes_from_the_plan_and_the_pacing() -> None:
    estimate = CallEstimate(entries=56, with_ids=50, titles_only=6, repositories=42)
    anonymous = pace_for(estimate, Settings(), star_pages=100)
    assert anonymous.entries == 56
    assert anonymous.planned == {"s2": 1 + 6, "arxiv": 6, "github": 84}  # REST: 2 per repo
    assert anonymous.interval_s == {"s2": 3.0, "arxiv": 3.0, "github": 0.25}
    keyed = Settings(s2_api_key=Secret("k"), github_token=Secret("t"))
    paced = pace_for(estimate, keyed, star_pages=10, sources=("s2", "github"))
    assert paced.planned == {"s2": 7, "arxiv": 0, "github": 1 + 10}
    assert paced.interval_s["s2"] == 1.0
    against_the_fake = pace_for(estimate, replace(keyed, time_scale=0.0))
    assert set(against_the_fake.interval_s.values()) == {0.0}


def test_counts_reported_out_of_order_never_go_back() -> None:
    clock, lines = Clock(), list[str]()
    report = reporter(clock, lines, every_s=0.0)
    report("title searches", 12, 36, 9)
    report("title searches", 11, 36, 8)  # another thread's earlier count, reported later
    assert lines[-1].startswith("progress: 9 of 56 entries resolved (12 settled)")


def test_durations_read_as_a_person_says_them() -> None:
    assert duration_text(0.2) == "under 1 s"
    assert duration_text(39.2) == "about 40 s"
    assert duration_text(600) == "about 10 min"
    assert duration_text(3 * 3600 + 5 * 60) == "about 3 h 05 min"
