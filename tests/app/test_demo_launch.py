"""The demo's central store starts from any kind of installation, or says plainly why not."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

import fieldapp.app.demo as demo
from fieldapp.app.demo import running_demo_server, server_command, start_demo_server
from fieldapp.app.errors import DemoServerFailed, DemoServerUnavailable
from fieldapp.core.locations import PROJECT_ROOT


@pytest.mark.skipif(os.name != "posix", reason="the stand-in bundle is a shell script")
def test_frozen_bundle_starts_the_demo_store_with_its_own_executable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A frozen bundle's sys.executable is the fieldapp program itself, which takes verbs,
    # not `-m fieldapp`. This stand-in behaves the same way and records what it was given.
    calls = tmp_path / "calls.txt"
    bundle = tmp_path / "bundle" / "fieldapp"
    bundle.parent.mkdir()
    bundle.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> "{calls}"\n'
        f'PYTHONPATH="{PROJECT_ROOT}" exec "{sys.executable}" -c '
        '"import sys; from fieldapp.cli import main; sys.exit(main())" "$@"\n',
        encoding="utf-8",
    )
    bundle.chmod(bundle.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle))
    assert server_command() == [str(bundle)]
    home = tmp_path / "home"
    server = start_demo_server(home, timeout=90)
    try:
        assert httpx.get(f"{server.url}/v1/health", timeout=5).json()["status"] == "ok"
        assert calls.read_text(encoding="utf-8").split()[:2] == ["server", "--demo"]
    finally:
        server.stop()
    assert running_demo_server(home) is None


def test_demo_store_without_the_server_extra_says_so_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A module set to None in sys.modules is what Python treats as not installed.
    monkeypatch.setitem(sys.modules, "fastapi", None)
    with pytest.raises(DemoServerUnavailable) as raised:
        start_demo_server(tmp_path)
    assert "fieldapp[server]" in raised.value.text("nl")
    assert "serveronderdelen" in raised.value.text("nl")
    assert not (tmp_path / "central" / "demo-server.log").exists()


def test_server_verb_without_the_server_extra_is_a_sentence_not_a_traceback(
    tmp_path: Path,
) -> None:
    code = (
        "import sys\n"
        "sys.modules['fastapi'] = None\n"
        "from fieldapp.cli import main\n"
        f"sys.exit(main(['server', '--home', {str(tmp_path)!r}]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "fieldapp[server]" in done.stderr and "fastapi" in done.stderr


@pytest.mark.skipif(os.name != "posix", reason="the stand-in server is a shell script")
def test_a_start_nobody_waits_for_gives_up_and_stops_its_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The app ends while the demo store is coming up: the start gives up at once instead
    # of keeping the window's close waiting, and the process it launched is stopped.
    never_answers = tmp_path / "python"
    never_answers.write_text("#!/bin/sh\nexec sleep 120\n", encoding="utf-8")
    never_answers.chmod(never_answers.stat().st_mode | stat.S_IEXEC)
    launched: list[subprocess.Popen[bytes]] = []
    launch = demo._launch

    def recording(central: Path, port: int, program: list[str]) -> demo.DemoServer:
        server = launch(central, port, program)
        assert server.process is not None
        launched.append(server.process)
        return server

    monkeypatch.setattr(demo, "_launch", recording)
    asked: list[float] = []

    def abandoned() -> bool:
        asked.append(time.monotonic())
        return len(asked) > 3

    begin = time.monotonic()
    with pytest.raises(DemoServerFailed, match="abandoned"):
        start_demo_server(tmp_path / "home", python=str(never_answers), abandoned=abandoned)
    assert time.monotonic() - begin < 30  # the timeout is 60 s: it did not wait for that
    assert len(launched) == 1
    assert launched[0].poll() is not None  # the stand-in server was stopped
    assert running_demo_server(tmp_path / "home") is None


def _still_running(pid: int) -> bool:
    """Whether a process that is not our child runs: a zombie waiting for its parent to
    collect it has ended (Linux's /proc tells)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


#: The app ends once its demo store answers, or while the store is still starting (before
#: the store listens: it must stop all the same).
APPS_THAT_END = {
    "serving": (
        "server = start_demo_server(Path(sys.argv[1]), timeout=90)\n"
        "print(server.pid, server.url, flush=True)\n"
    ),
    "starting": (
        "central = central_home(Path(sys.argv[1]))\n"
        "central.mkdir(parents=True)\n"
        "port = _free_port()\n"
        "server = _launch(central, port, server_command())\n"
        "print(server.pid, server.url, flush=True)\n"
    ),
}


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("when", list(APPS_THAT_END))
def test_the_demo_store_outlived_an_app_that_was_killed(tmp_path: Path, when: str) -> None:
    # An app that ends without a word (killed, crashed) left its demo central store
    # running, holding its port and database, until the machine restarted.
    app = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from fieldapp.app.demo import (\n"
        "    _free_port, _launch, central_home, server_command, start_demo_server\n"
        ")\n" + APPS_THAT_END[when] + "os._exit(0)\n"
    )
    ended = subprocess.run(
        [sys.executable, "-c", app, str(tmp_path / "home")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT_ROOT,
        check=False,
        # Started as a shell starts a background job, Ctrl+C ignored (the app and its store
        # inherit that): the store must stop without counting on a signal.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    assert ended.returncode == 0, ended.stderr
    pid_text, url = ended.stdout.split()
    pid = int(pid_text)
    # Starting takes a few seconds (the demo world is loaded first); then it must stop.
    deadline = time.monotonic() + 90
    while _still_running(pid) and time.monotonic() < deadline:
        time.sleep(0.1)  # a process that is not ours cannot be waited for
    assert not _still_running(pid), "the demo store runs on after its app ended"
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/v1/health", timeout=2)
