from __future__ import annotations

from pipeline.job.progress import ProgressReporter


def test_log_lines_every_ten_percent_when_not_on_a_terminal() -> None:
    lines: list[str] = []
    report = ProgressReporter(lines.append, terminal=False)
    for done in range(1, 201):
        report("title searches", done, 200, 0)  # nothing found: the lines say so
    assert lines[0] == "title searches: 1 of 200 done; resolved 0 so far"
    assert lines[-1] == "title searches: 200 of 200 done; resolved 0 so far"
    assert len(lines) == 11


def test_a_bar_on_a_terminal_logs_nothing() -> None:
    lines: list[str] = []
    report = ProgressReporter(lines.append, terminal=True)
    for done in range(1, 6):
        report("title searches", done, 5, done)
    assert lines == []
    report("nothing", 0, 0, 0)
