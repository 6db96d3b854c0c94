"""Everything demo, in one place: the demo world, its reference data, accounts and store.

The demo is the seed world (`seeds/`) and the shipped forms. The app and `fieldapp sync`
use it when no central store is configured, and `fieldapp server --demo` loads the same
world into an empty central store; a deployment with its own central store needs nothing
here.

* `load_demo_world` reads the seed world; `demo_reference` is the reference data a demo
  central store sends a device (what a new demo profile is filled with).
* `seed_demo_profile` fills a profile with realistic synthetic inspections made by the
  demo users (`fieldapp seed`), for demos, training and benchmarks.
* `DemoAccounts` signs in as any demo user with the world's published password.
* The demo's own central store on this machine: with no server configured, the app and
  `fieldapp sync` talk to a central store that runs beside the device —
  `fieldapp server --demo` in `<home>-demo-central`, on 127.0.0.1 and a free port. A
  central store keeps its database and photos unencrypted (on a real server the disk and
  the database are protected), so it never lives inside a device home, whose profiles
  are encrypted. The convention, so the app and the CLI find the same one:

  - `<home>-demo-central/` (a sibling of the home) holds the demo store's database and
    blobs; a store left in `<home>/central` by an older fieldapp is moved there;
  - `demo-server.json` in it records `{"url", "port", "pid"}` of the one running;
  - `start_demo_server(home)` reuses the recorded server when it answers `/v1/health`,
    and otherwise starts one (a subprocess, so the app's process never hosts the server)
    and waits, bounded, until it answers. `DemoServer.stop()` stops it only if this call
    started it. The subprocess is this same program: `python -m fieldapp server` from an
    installed package or a checkout, the bundle's own executable in a frozen bundle (whose
    `sys.executable` is the app, not a Python). It needs the server's dependencies, the
    `fieldapp[server]` extra; without them `DemoServerUnavailable` says so plainly.

Qt-free: the UI calls it from its task runner.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

import httpx
import yaml

from fieldapp.app.errors import DemoServerFailed, DemoServerUnavailable
from fieldapp.core.formfile import form_files
from fieldapp.core.locations import PROJECT_ROOT, forms_directory, seeds_directory
from fieldapp.core.worldfile import SeedWorld, load_world
from fieldapp.protocol.models import ApproveRequest, ErrorCode, QuestionComment, ReturnRequest
from fieldapp.store import FormText, Profile, ReferenceSnapshot, open_profile, remember_username
from fieldapp.store.keys import DEVICE_PASSWORD_RULES
from fieldapp.sync.errors import Refusal
from fieldapp.sync.transport import CentralLine, Credentials

if TYPE_CHECKING:
    from fieldapp.store.seed import SeedReport

log = logging.getLogger(__name__)

#: Where fieldapp before issue 14 kept the demo store: inside the device home.
OLD_CENTRAL_FOLDER = "central"
#: The demo store's folder is the home's name with this after it, beside the home.
CENTRAL_SUFFIX = "-demo-central"
RECORD_FILE = "demo-server.json"
LOG_FILE = "demo-server.log"
LOCK_FILE = "demo-server.lock"

#: What `fieldapp server` imports from the `fieldapp[server]` extra (top-level module names;
#: psycopg too, but only for a PostgreSQL database, which the demo store does not use).
SERVER_MODULES = (
    "fastapi",
    "uvicorn",
    "sqlalchemy",
    "prometheus_client",
    "zxcvbn",
    "confusable_homoglyphs",
    "psycopg",
)
DEMO_SERVER_MODULES = SERVER_MODULES[:-1]


def load_demo_world(directory: Path | None = None) -> SeedWorld:
    """The seed world: its areas, venues, teams, users, assignments and demo password."""
    return load_world(directory or seeds_directory())


def demo_reference(world: SeedWorld, forms: Path | None = None) -> ReferenceSnapshot:
    """The demo world and the shipped forms as the reference data a central store sends."""
    texts: list[FormText] = []
    for path in form_files(forms or forms_directory()):
        text = path.read_text(encoding="utf-8")
        header = yaml.safe_load(text)
        texts.append(FormText(str(header["id"]), str(header["version"]), text))
    return ReferenceSnapshot(
        areas=world.areas,
        venues=world.venues,
        forms=texts,
        assignments=world.assignments,
        teams=world.teams,
        team_users=world.users,
        rounds=world.rounds,
    )


@dataclass(frozen=True)
class SeededProfile:
    """What `seed_demo_profile` made, in which profile folder, and what a quick check found."""

    report: SeedReport
    directory: Path
    problems: list[str]


def seed_demo_profile(
    home: Path,
    username: str,
    password: str,
    inspections: int,
    drafts: int = 0,
    *,
    seed: int = 2026,
    photo_share: float = 0.3,
    progress: Callable[[int, int], None] | None = None,
) -> SeededProfile:
    """Add finalized inspections and drafts by the demo users to `username`'s profile.

    Creates the profile on first use. `progress(done, total)` follows the inspections.
    """
    # Imported here: the seed's templates and images are not needed for anything else.
    from fieldapp.store.seed import seed_profile
    from fieldapp.store.verify import verify

    rules = DEVICE_PASSWORD_RULES.allowing(load_demo_world().demo_password)
    with open_profile(home, username, password, password_rules=rules) as profile:
        # On the device's list of people, as a first sign-in puts them: the sign-in
        # screen shows the profile, and a command for someone else names it.
        remember_username(home, username)
        report = seed_profile(
            profile, inspections, drafts, seed=seed, photo_share=photo_share, progress=progress
        )
        return SeededProfile(report, profile.directory, verify(profile, deep=False))


class DemoAccounts:
    """Sign in as any seed-world user with the world's demo password.

    Only for a demo central store, whose accounts are the seed users with that published
    password. A seeded demo profile holds inspections of several demo users, and each
    version must be pushed by its own author.
    """

    def __init__(self, seeds: Path | None = None) -> None:
        world = load_demo_world(seeds)
        self.password = world.demo_password
        self.usernames = frozenset(user.username for user in world.users)

    def credentials_for(self, username: str) -> Credentials | None:
        if username not in self.usernames:
            return None
        return Credentials(username, self.password)


def central_home(home: Path) -> Path:
    """Where the demo's central store of a device home keeps its data: beside the home.

    Outside the home on purpose: the store is unencrypted, the home holds only encrypted
    profiles. Absolute, because the server process runs in another working directory: a
    relative `--home` would otherwise put the central store somewhere else entirely.
    """
    resolved = Path(home).resolve()
    return resolved.parent / f"{resolved.name or 'fieldapp'}{CENTRAL_SUFFIX}"


def _move_old_central(home: Path, central: Path) -> None:
    """A demo store an older fieldapp kept inside the home moves out (when not running)."""
    old = Path(home).resolve() / OLD_CENTRAL_FOLDER
    if not old.is_dir() or central.exists():
        return
    record = _read_record(old)
    if record is not None and _pid_alive(record.pid) and _healthy(record.url, 2.0):
        log.warning("the demo store in %s still runs; a new one starts in %s", old, central)
        return
    (old / RECORD_FILE).unlink(missing_ok=True)
    old.rename(central)
    log.info("moved the demo store from %s to %s", old, central)


@dataclass
class DemoServer:
    """A demo central store that answers at `url`; `process` is set when we started it."""

    home: Path
    url: str
    pid: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def started_here(self) -> bool:
        return self.process is not None

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the server if this object started it; a reused one keeps running."""
        process = self.process
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        record = _read_record(self.home)
        if record is not None and record.pid == self.pid:
            (self.home / RECORD_FILE).unlink(missing_ok=True)
        self.process = None

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def running_demo_server(home: Path, timeout: float = 2.0) -> DemoServer | None:
    """The recorded demo server of this home, if it is alive and answers."""
    central = central_home(home)
    record = _read_record(central)
    if record is None or not _pid_alive(record.pid) or not _healthy(record.url, timeout):
        return None
    return record


def start_demo_server(
    home: Path,
    *,
    timeout: float = 60.0,
    python: str | None = None,
    abandoned: Callable[[], bool] | None = None,
) -> DemoServer:
    """The demo's central store for `home`: the running one, or a new one (see above).

    Raises `DemoServerFailed` with the end of the server's log when it does not start
    within `timeout` seconds, and as soon as `abandoned()` says nobody waits any more (the
    app is ending), stopping the server it started.
    """
    central = central_home(home)
    _move_old_central(home, central)
    central.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _locked(central / LOCK_FILE):
        found = running_demo_server(home)
        if found is not None:
            return found
        missing = missing_server_modules()
        if missing:
            raise DemoServerUnavailable(missing)
        failure = "no free port"
        for _attempt in range(3):
            port = _free_port()
            server = _launch(central, port, server_command(python))
            try:
                _wait_until_healthy(server, timeout, abandoned)
            except DemoServerFailed as error:
                server.stop()
                failure = str(error)
                if "address already in use" in failure.lower():
                    continue  # someone took the port between our probe and the bind
                raise
            _write_record(central, server)
            return server
        raise DemoServerFailed(failure)


def missing_server_modules() -> list[str]:
    """The modules of the `fieldapp[server]` extra this installation lacks (none: all there)."""
    return [name for name in DEMO_SERVER_MODULES if importlib.util.find_spec(name) is None]


def server_command(python: str | None = None) -> list[str]:
    """How to run `fieldapp` in a new process: the given Python, the bundle, or this Python.

    A frozen bundle (PyInstaller sets `sys.frozen`) has no Python to pass `-m` to: its
    executable is the `fieldapp` command itself.
    """
    if python is None and getattr(sys, "frozen", False):
        # On Windows the app is a windowed program without standard streams; its console
        # twin beside it (packaging/fieldapp.spec) writes the server's log as a console
        # program does, and CREATE_NO_WINDOW keeps its console hidden.
        console = Path(sys.executable).with_name("fieldapp-cli.exe")
        if os.name == "nt" and console.is_file():
            return [str(console)]
        return [sys.executable]
    return [python or sys.executable, "-m", "fieldapp"]


# --- internals -------------------------------------------------------------------------------


def _launch(central: Path, port: int, program: list[str]) -> DemoServer:
    command = [
        *program,
        "server",
        "--demo",
        "--home",
        str(central),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        # The app holds the other end of the server's standard input: when the app ends,
        # however it ends (closed, killed, crashed), the pipe closes and the server stops.
        "--stop-when-stdin-closes",
    ]
    log_file: IO[bytes]
    with (central / LOG_FILE).open("ab") as log_file:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            # From a checkout, its root: `-m` then finds this very package first. A bundle
            # carries everything inside and runs anywhere.
            cwd=str(central if getattr(sys, "frozen", False) else PROJECT_ROOT),
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            # No console window flashing up beside the app on Windows.
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
    return DemoServer(central, f"http://127.0.0.1:{port}", process.pid, process)


def _wait_until_healthy(
    server: DemoServer, timeout: float, abandoned: Callable[[], bool] | None = None
) -> None:
    process = server.process
    assert process is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if abandoned is not None and abandoned():
            raise DemoServerFailed("abandoned: nobody waits for it any more")
        if _healthy(server.url, 1.0):
            return
        try:
            # Waiting on the process itself: returns at once should it die meanwhile.
            code = process.wait(0.1)
        except subprocess.TimeoutExpired:
            continue
        raise DemoServerFailed(f"exit code {code}; {_log_tail(server.home)}")
    raise DemoServerFailed(f"no answer within {timeout:.0f} s; {_log_tail(server.home)}")


def _healthy(url: str, timeout: float) -> bool:
    try:
        answer = httpx.get(f"{url}/v1/health", timeout=timeout)
    except httpx.HTTPError:
        return False
    return answer.status_code == 200


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # the health check decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_record(central: Path) -> DemoServer | None:
    try:
        raw = json.loads((central / RECORD_FILE).read_text(encoding="utf-8"))
        return DemoServer(central, str(raw["url"]), int(raw["pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_record(central: Path, server: DemoServer) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    text = json.dumps({"url": server.url, "port": port, "pid": server.pid})
    temporary = central / f".{RECORD_FILE}.{os.getpid()}"
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(central / RECORD_FILE)


def _log_tail(central: Path, lines: int = 5) -> str:
    try:
        text = (central / LOG_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "no log"
    return " | ".join(text.strip().splitlines()[-lines:])


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One process at a time starts the demo server of a home (the app and the CLI)."""
    with path.open("a+b") as handle:
        if os.name == "posix":
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        else:  # pragma: no cover - Windows
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]


def replay_demo_reviews(profile: Profile, line: CentralLine) -> int:
    """Make the demo's central store hold the reviews a seeded profile holds.

    `fieldapp seed` writes approvals and returns into the device (as if the supervisor had
    reviewed), and the sync pushes the versions, but a review is made on the server. So
    after a demo sync each local review the server lacks is made there too, by its own
    reviewer signing in with the demo password, under an event id derived from the
    version: a second sync sends the same request, which the server answers with the first
    event. What the server refuses (a newer version arrived, photos still missing, another
    team's) is left for the next sync. Returns how many reviews the server now made.
    """
    reviewed = [s for s in profile.inspections() if s.review is not None]
    # Done once per state of the profile's reviews, not at every sync.
    state = hashlib.sha256(
        "\n".join(
            sorted(f"{s.review.kind}:{s.review.version_id}" for s in reviewed if s.review)
        ).encode()
    ).hexdigest()
    if profile.marker("demo_reviews") == state:
        return 0
    made = 0
    refused = 0
    for summary in reviewed:
        review = summary.review
        if review is None or not line.can_act_for(review.reviewer):
            continue
        event_id = hashlib.sha256(f"demo-review:{review.kind}:{review.version_id}".encode())
        body: ApproveRequest | ReturnRequest
        if review.kind == "approved":
            verb = "approve"
            body = ApproveRequest(
                event_id=event_id.hexdigest()[:32],
                version_id=review.version_id,
                note=review.comment,
            )
        else:
            comments = [
                QuestionComment(question=question.partition("#")[0], text=text)
                for question, text in sorted(review.comments.items())
                if text.strip()
            ]
            if not comments:
                continue
            verb = "return"
            body = ReturnRequest(
                event_id=event_id.hexdigest()[:32],
                version_id=review.version_id,
                comments=comments,
                note=review.comment,
            )
        try:
            line.call(
                "POST",
                f"/v1/inspections/{summary.inspection_id}/{verb}",
                user=review.reviewer,
                content=body.model_dump_json(exclude_none=True),
                headers={"Content-Type": "application/json"},
            )
        except Refusal as refusal:
            log.info("demo review of %s not made: %s", summary.inspection_id, refusal)
            # Photos still on their way: try again at the next sync. Anything else (a newer
            # version, reviewed already, not this reviewer's team) will not change.
            if refusal.code is ErrorCode.VERSION_INCOMPLETE or refusal.status == 429:
                refused += 1
            continue
        made += 1
    if not refused:
        profile.set_marker("demo_reviews", state)
    return made
