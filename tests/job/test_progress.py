from __future__ import annotations

from pipeline.job.progress import ProgressReporter


def test_log_lines_every_ten_percent_when_not_on_a_terminal() -> None:
    lines: list[str] = []
    report = ProgressReporter(lines.append, terminal=False)
    for done in range(1, 201):
        report("title matches", done, 200)
    assert lines[0] == "title matches: 1/200 (0%)"
    assert lines[-1] == "title matches: 200/200 (100%)"
    assert len(lines) == 11


def test_a_bar_on_a_terminal_logs_nothing() -> None:
    lines: list[str] = []
    report = ProgressReporter(lines.append, terminal=True)
    for done in range(1, 6):
        report("title matches", done, 5)
    assert lines == []
    report("nothing", 0, 0)
