"""Cold start: a bare PySide6 window against fieldapp's sign-in window and its demo accounts.

Each start is a fresh Python process, offscreen, timed from spawning it. The baseline is a
bare PySide6 window (a QApplication and a QWidget of 1280×800, shown), measured in the same
run, alternating with fieldapp, so a busy machine slows both alike; a bare window with a
line of text (bench_ui.py's baseline, which also loads the fonts) is shown beside it. For
fieldapp, the command `fieldapp --home NEW` (the demo profile, as `python3 run.py` starts
it) is timed twice over: to its sign-in window shown (the event loop's first turn with the
window up, as for the baseline), and to its demo accounts shown (the first account button
visible).
The child then closes its window as a person would, so whatever the app started in the
background (the demo's central store) is stopped by the app itself; a store left running
afterwards is reported and ended.

The figures are medians of `--repeats` starts after one warm-up of each (so the page
cache holds the libraries for all of them alike), and the ratios are against the bare
window's median: issue 18 asks ≤ 1.5× to the window and ≤ 2× to the accounts. Each is
given as wall-clock time and as the processor time the process had used by then (all
its threads): on a shared machine the wall clock varies with the load, the processor
time much less.

With `--instructions` (needs valgrind) the starts are counted in machine instructions
instead, under callgrind: the process ends at the moment counted to, and the main thread's
count is given (for the accounts also with the worker threads'). A count does not vary
with the load of a shared machine, as both clocks do, though it leaves out what the
kernel does (loading files, memory) and what a second core takes over. Under callgrind a
start takes seconds, so fieldapp's work that a real start does 0.8 s and 1.5 s after the
window (kinetic scrolling, probing the camera) would fall before it: it is left out.

Run: .venv/bin/python bench/bench_start.py [--repeats 5] [--instructions]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: Says "shown" at the event loop's first turn, then "accounts" once an account button of
#: the sign-in screen is visible (looked for every 5 ms), then closes the windows.
_HOOK = textwrap.dedent(
    """
    import os
    import sys
    import time
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    _exec = QApplication.exec
    _WANT_ACCOUNTS = sys.argv[2] == "accounts"
    _STOP_AT = os.environ.get("BENCH_START_STOP_AT")

    def _say(word):
        # With the processor time the process has used so far (all its threads).
        sys.stdout.write(f"{word} {time.process_time()}\\n")
        sys.stdout.flush()
        if word == _STOP_AT:
            os._exit(0)  # counting instructions: this is the moment counted to

    def _exec_and_watch(self=None):
        app = QApplication.instance()

        def accounts_visible():
            return any(
                widget.objectName().startswith("account_") and widget.isVisible()
                for widget in app.allWidgets()
            )

        def watch():
            if accounts_visible():
                _say("accounts")
                app.closeAllWindows()
            else:
                QTimer.singleShot(5, watch)

        def shown():
            app.processEvents()
            _say("shown")
            if _WANT_ACCOUNTS:
                watch()
            else:
                app.closeAllWindows()

        QTimer.singleShot(0, shown)
        return _exec()

    QApplication.exec = _exec_and_watch
    """
)

BARE = textwrap.dedent(
    """
    from PySide6.QtWidgets import QApplication, QWidget
    app = QApplication(sys.argv[:1])
    window = QWidget()
    window.resize(1280, 800)
    window.show()
    sys.exit(app.exec())
    """
)

#: The same with a line of text, as bench_ui.py's baseline: the first text a window shows
#: loads the fonts, which the bare QWidget never does and any real window must.
BARE_LABEL = textwrap.dedent(
    """
    from PySide6.QtWidgets import QApplication, QLabel
    app = QApplication(sys.argv[:1])
    window = QLabel("fieldapp")
    window.resize(1280, 800)
    window.show()
    sys.exit(app.exec())
    """
)

#: A real start imports Qt in `fieldapp.ui` (the command line and fieldapp's core come
#: first, without Qt), and `fieldapp.ui` turns PySide6's import hook off at once. The hook
#: above imports Qt before anything of fieldapp, so without `fieldapp.ui` first the modules
#: of the command line and the core went through PySide6's hook, which reads each module's
#: source: a cost a real start does not have (2-5 ms; the counts of `--instructions` were
#: spared it already, as `WITHOUT_LATER_WORK` imports `fieldapp.ui` first).
FIELDAPP = textwrap.dedent(
    """
    import fieldapp.ui
    from fieldapp.cli import main
    sys.exit(main(["--home", sys.argv[1]]))
    """
)


@dataclass(frozen=True)
class Start:
    """Seconds from spawning the process to its window shown and to the accounts shown,
    and the processor seconds it had used by then (steadier on a busy machine)."""

    shown: float
    accounts: float | None
    shown_cpu: float
    accounts_cpu: float | None


def start(program: str, home: Path, *, accounts: bool) -> Start:
    """One fresh process: when it said "shown" (and "accounts"), timed from its spawn."""
    # Bytecode written and reused, as an installed app's is: compiling fieldapp's sources
    # at every start would be measured otherwise (PYTHONDONTWRITEBYTECODE, set by some
    # shells and containers, would leave nothing to reuse).
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    begin = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", _HOOK + program, str(home), "accounts" if accounts else "-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=environment,
    )
    assert child.stdout is not None
    moments: dict[str, float] = {}
    used: dict[str, float] = {}
    for line in child.stdout:
        word, _, cpu = line.strip().partition(" ")
        moments[word] = time.perf_counter() - begin
        used[word] = float(cpu)
    code = child.wait(timeout=60)
    if "shown" not in moments or (accounts and "accounts" not in moments):
        raise RuntimeError(f"the child ended (exit code {code}) before it said all it should")
    return Start(moments["shown"], moments.get("accounts"), used["shown"], used.get("accounts"))


def left_running(home: Path) -> bool:
    """Whether a demo store of `home` still runs after the app ended (ended here if so)."""
    record = home.parent / f"{home.name}-demo-central" / "demo-server.json"
    try:
        pid = int(json.loads(record.read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, KeyError):
        return False
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    return True


def fieldapp_start(scratch: Path, number: int) -> Start:
    """fieldapp on a new demo home, as on a first start."""
    home = scratch / f"home-{number}"
    try:
        measured = start(FIELDAPP, home, accounts=True)
        if left_running(home):
            print(f"  warning: start {number} left its demo store running (ended now)")
        return measured
    finally:
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(scratch / f"home-{number}-demo-central", ignore_errors=True)


#: fieldapp's start without its work of 0.8 s and 1.5 s later (see the module's text).
WITHOUT_LATER_WORK = textwrap.dedent(
    """
    import fieldapp.ui.devices
    import fieldapp.ui.widgets
    fieldapp.ui.widgets._grab_touch = lambda area: None
    fieldapp.ui.devices.DeviceSupport.probe = lambda self: None
    """
)


def instructions(program: str, home: Path, moment: str) -> tuple[int, int]:
    """Instructions from spawning to `moment`, under callgrind: (main thread, all threads)."""
    with tempfile.TemporaryDirectory(prefix="fieldapp-bench-callgrind-") as folder:
        environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        # The same hash seed every time: set and dict orders, and so the counts, repeat.
        environment |= {"BENCH_START_STOP_AT": moment, "PYTHONHASHSEED": "0"}
        output = Path(folder) / "callgrind.out"
        accounts = "accounts" if moment == "accounts" else "-"
        callgrind = ["valgrind", "--tool=callgrind", "--separate-threads=yes"]
        child = [sys.executable, "-c", _HOOK + program, str(home), accounts]
        subprocess.run(
            [*callgrind, f"--callgrind-out-file={output}", *child],
            capture_output=True,
            env=environment,
            check=True,
        )
        counts: dict[str, int] = {}
        for part in Path(folder).glob("callgrind.out-*"):
            for line in part.read_text(encoding="utf-8").splitlines():
                if line.startswith(("summary:", "totals:")):
                    counts[part.name] = int(line.split()[1])
                    break
        # The threads' files are numbered as they started: the first is the main thread.
        return counts[min(counts)], sum(counts.values())


def count_instructions() -> None:
    if shutil.which("valgrind") is None:
        print("--instructions needs valgrind, which is not installed")
        return
    with tempfile.TemporaryDirectory(prefix="fieldapp-bench-start-") as folder:
        scratch = Path(folder)
        # A first start of each writes the bytecode the counted ones read.
        start(BARE, scratch, accounts=False)
        start(BARE_LABEL, scratch, accounts=False)
        fieldapp_start(scratch, 0)
        bare, _ = instructions(BARE, scratch / "bare", "shown")
        label, _ = instructions(BARE_LABEL, scratch / "label", "shown")
        fieldapp = WITHOUT_LATER_WORK + FIELDAPP
        shown, _ = instructions(fieldapp, scratch / "home-1", "shown")
        listed, listed_all = instructions(fieldapp, scratch / "home-2", "accounts")
    print("cold start, instructions to the moment (callgrind, main thread):")
    for title, count, goal in (
        ("bare PySide6 window", bare, ""),
        ("bare window with a label", label, ""),
        ("fieldapp: sign-in window shown", shown, "≤ 1.5×"),
        ("fieldapp: demo accounts shown", listed, "≤ 2×"),
    ):
        print(f"  {title:<32} {count / 1e6:7.0f} M {count / bare:5.2f}×   {goal}")
    print(f"  the accounts with the worker threads' instructions: {listed_all / bare:.2f}×")


def row(title: str, wall: float, cpu: float, base: Start, goal: str = "") -> str:
    return (
        f"  {title:<32} {wall * 1000:6.0f} ms {wall / base.shown:5.2f}×"
        f"   {cpu * 1000:6.0f} ms {cpu / base.shown_cpu:5.2f}×   {goal}"
    )


def median_start(starts: list[Start]) -> Start:
    """Each figure's median over the starts (of the accounts too, where measured)."""

    def median(values: list[float | None]) -> float | None:
        known = [value for value in values if value is not None]
        return statistics.median(known) if known else None

    shown = median([s.shown for s in starts])
    shown_cpu = median([s.shown_cpu for s in starts])
    assert shown is not None and shown_cpu is not None
    return Start(
        shown,
        median([s.accounts for s in starts]),
        shown_cpu,
        median([s.accounts_cpu for s in starts]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions (valgrind) instead"
    )
    args = parser.parse_args()
    if args.instructions:
        count_instructions()
        return
    with tempfile.TemporaryDirectory(prefix="fieldapp-bench-start-") as folder:
        scratch = Path(folder)
        start(BARE, scratch, accounts=False)
        start(BARE_LABEL, scratch, accounts=False)
        fieldapp_start(scratch, 0)
        bare: list[Start] = []
        labelled: list[Start] = []
        app: list[Start] = []
        for number in range(1, args.repeats + 1):
            bare.append(start(BARE, scratch, accounts=False))
            labelled.append(start(BARE_LABEL, scratch, accounts=False))
            app.append(fieldapp_start(scratch, number))
    base, label, ours = median_start(bare), median_start(labelled), median_start(app)
    assert ours.accounts is not None and ours.accounts_cpu is not None
    platform = os.environ["QT_QPA_PLATFORM"]
    print(f"cold start, median of {args.repeats} (QT_QPA_PLATFORM={platform}):")
    print(f"  {'':<32} {'wall clock':>15}   {'processor time':>15}   goal")
    print(row("bare PySide6 window", base.shown, base.shown_cpu, base))
    print(row("bare window with a label", label.shown, label.shown_cpu, base))
    print(row("fieldapp: sign-in window shown", ours.shown, ours.shown_cpu, base, "≤ 1.5×"))
    print(row("fieldapp: demo accounts shown", ours.accounts, ours.accounts_cpu, base, "≤ 2×"))
    print(f"  the accounts {(ours.accounts - ours.shown) * 1000:.0f} ms after the window")
    print(
        f"  against the window with a label: sign-in {ours.shown / label.shown:.2f}×, "
        f"accounts {ours.accounts / label.shown:.2f}× (wall clock)"
    )


if __name__ == "__main__":
    main()
