"""App figures: cold start to an interactive sign-in window, opening a 500-question form,
and the time from one answer change to the screen updated.

Cold start is measured in fresh processes, each until the first window has been shown
and its first events (expose, paint) handled, next to a bare PySide6 window measured the
same way in the same run; the ratio is what fieldapp adds. It is given for the real
command (`fieldapp`, through the CLI) and for the app alone (`fieldapp.ui.app.run`), so
the cost of the CLI's own imports is visible. The form figures use the same generated
500-question form as bench_engine.py, in an offscreen window of 1280×800.

Run: .venv/bin/python bench/bench_ui.py [--starts 7] [--changes 300]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent

#: Ends the child when its event loop has shown the window and handled what was pending.
_READY_HOOK = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    _exec = QApplication.exec

    def _exec_then_quit(self=None):
        app = QApplication.instance()

        def ready():
            app.processEvents()
            sys.stdout.write("ready\\n")
            sys.stdout.flush()
            app.quit()

        QTimer.singleShot(0, ready)
        return _exec()

    QApplication.exec = _exec_then_quit
    """
)

BARE = textwrap.dedent(
    """
    import sys
    from PySide6.QtWidgets import QApplication, QLabel
    app = QApplication(sys.argv[:1])
    window = QLabel("fieldapp")
    window.resize(1280, 800)
    window.show()
    sys.exit(app.exec())
    """
)

FIELDAPP_CLI = textwrap.dedent(
    """
    import sys
    from fieldapp.cli import main
    sys.exit(main(["--home", sys.argv[1]]))
    """
)

FIELDAPP_APP = textwrap.dedent(
    """
    import argparse, sys
    from fieldapp.ui.app import run
    sys.exit(run(argparse.Namespace(home=sys.argv[1], lang=None)))
    """
)


def start_time(program: str, home: str) -> float:
    """Seconds from spawning a Python process to its window being interactive."""
    begin = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", _READY_HOOK + program, home],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == "ready":
            elapsed = time.perf_counter() - begin
            break
    else:
        raise RuntimeError("the child never became ready")
    child.wait(timeout=60)
    return elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def cold_start(starts: int) -> None:
    home = tempfile.mkdtemp(prefix="fieldapp-bench-")
    # One warm-up of each, so the page cache holds the libraries for all of them alike.
    for program in (BARE, FIELDAPP_CLI, FIELDAPP_APP):
        start_time(program, home)
    bare: list[float] = []
    cli: list[float] = []
    app: list[float] = []
    for _ in range(starts):
        bare.append(start_time(BARE, home))
        cli.append(start_time(FIELDAPP_CLI, home))
        app.append(start_time(FIELDAPP_APP, home))
    b, c, a = statistics.median(bare), statistics.median(cli), statistics.median(app)
    print(f"cold start, median of {starts} (QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}):")
    print(f"  bare PySide6 window           {b * 1000:7.0f} ms")
    print(f"  fieldapp (the command)        {c * 1000:7.0f} ms   ratio {c / b:.2f}×")
    print(f"  fieldapp.ui.app.run (the app) {a * 1000:7.0f} ms   ratio {a / b:.2f}×")


def _engine_bench() -> object:
    spec = importlib.util.spec_from_file_location("bench_engine", HERE / "bench_engine.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def form_figures(questions: int, changes: int) -> None:
    from PySide6.QtWidgets import QApplication, QLineEdit

    from fieldapp.core.formfile import load_form_text
    from fieldapp.ui.runner.runner import FormRunner
    from fieldapp.ui.runner.services import RunnerServices
    from fieldapp.ui.runner.sink import MemoryAnswerSink
    from fieldapp.ui.tasks import TaskRunner
    from fieldapp.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app, "light")
    text = _engine_bench().generated_form(questions)  # type: ignore[attr-defined]
    begin = time.perf_counter()
    engine = load_form_text(text, "bench.yaml")
    compiled = time.perf_counter() - begin
    answerable = sum(1 for f in engine.fields.values() if f.holds_answer and f.calculation is None)
    tasks = TaskRunner()
    services = RunnerServices(tasks=tasks)

    opens: list[float] = []
    for _ in range(5):
        begin = time.perf_counter()
        runner = FormRunner(engine.session(), MemoryAnswerSink(), services, "nl")
        runner.resize(1280, 800)
        runner.show()
        app.processEvents()
        opens.append(time.perf_counter() - begin)
        runner.close()
        runner.deleteLater()
        app.processEvents()
    runner = FormRunner(engine.session(), MemoryAnswerSink(), services, "nl")
    runner.resize(1280, 800)
    runner.show()
    app.processEvents()
    begin = time.perf_counter()
    for index in range(len(runner.pages)):
        runner.go_to_page(index)
        app.processEvents()
    every_page = time.perf_counter() - begin
    print(
        f"opening a {answerable}-question form ({len(engine.fields)} fields, "
        f"{len(runner.pages)} pages):"
    )
    print(f"  compile (engine, for reference)      {compiled * 1000:7.1f} ms")
    print(f"  runner open to first page shown      {statistics.median(opens) * 1000:7.1f} ms")
    print(f"  every page built and shown, in turn  {every_page * 1000:7.1f} ms")

    # Answer changes on the first page's whole numbers: each drives a relevance, a
    # constraint, a calculation shown elsewhere and an outcome.
    runner.go_to_page(0)
    app.processEvents()
    numbers = [
        name
        for name, field in engine.fields.items()
        if field.question.type == "integer" and runner.question_widget(name) is not None
    ]
    view = runner.stack.currentWidget()
    assert view is not None
    random.seed(11)
    times: list[float] = []
    for _ in range(changes):
        widget = runner.question_widget(random.choice(numbers))
        assert widget is not None
        line = widget.findChild(QLineEdit)
        assert line is not None
        value = str(random.randint(0, 40))
        begin = time.perf_counter()
        line.setText(value)
        app.processEvents()
        view.repaint()
        times.append(time.perf_counter() - begin)
    print(f"answer change to screen updated, {changes} changes:")
    print(
        f"  median {statistics.median(times) * 1000:6.2f} ms   "
        f"p99 {percentile(times, 0.99) * 1000:6.2f} ms   "
        f"max {max(times) * 1000:6.2f} ms"
    )
    tasks.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=7)
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--changes", type=int, default=300)
    parser.add_argument("--skip-start", action="store_true")
    args = parser.parse_args()
    if not args.skip_start:
        cold_start(args.starts)
    form_figures(args.questions, args.changes)


if __name__ == "__main__":
    main()
