"""Export figures (issue 18): `fieldapp export` from a profile and with `--server`, its memory
and its requests.

One run seeds a profile with N inspections (`fieldapp.store.seed`, default 2,000), pushes
every version to a central store (SQLite, a real uvicorn on 127.0.0.1 inside this process,
`tests.support.central`), then runs `fieldapp export --format csv|xlsx --form FORM` as its own
process, from the profile and from the server as a supervisor, and prints for each: the
wall time, the process's peak memory (its VmHWM) and the requests the server answered
(its own request counter). `--tree DIR` runs the same exports from another checkout too
(the code before this change, say), on the same data and server, so both lines come from
one run. Run: .venv/bin/python bench/bench_export.py [--inspections 2000] [--tree ../before]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.central import (
    DEMO_PASSWORD,
    SUPERVISOR_CENTRUM,
    Central,
    push,
    running_central,
)

HERE = Path(__file__).resolve().parents[1]
USER = "fatima.elamrani"
PASSWORD = "bench-password-1"
#: Runs the `fieldapp` command and says its peak memory (KiB) as its last line: VmHWM, which
#: a new program starts afresh (ru_maxrss keeps the forking parent's across exec).
MEASURED = (
    "import resource, runpy, sys\n"
    "sys.argv = ['fieldapp', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('fieldapp', run_name='__main__')\n"
    "finally:\n"
    "    status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
    "    print('peak', status, file=sys.stderr)\n"
)


#: Seeds a profile: HOME COUNT, the password in FIELDAPP_PASSWORD.
SEED = (
    "import os, sys\n"
    "from pathlib import Path\n"
    "from fieldapp.store import open_profile\n"
    "from fieldapp.store.seed import seed_profile\n"
    "home, count = Path(sys.argv[1]), int(sys.argv[2])\n"
    f"with open_profile(home, {USER!r}, os.environ['FIELDAPP_PASSWORD'], create=True) as p:\n"
    "    seed_profile(p, count, photo_share=0.0)\n"
)


def seed(tree: Path, home: Path, count: int, central: Central) -> int:
    """A profile with `count` seeded inspections, made by `tree` (the oldest tree measured:
    a newer one migrates its copy when it opens it, an older one could not open a newer
    profile), every version pushed by its author; returns how many the server took."""
    from fieldapp.store import open_profile

    env = dict(os.environ, PYTHONPATH=str(tree), FIELDAPP_PASSWORD=PASSWORD)
    subprocess.run(
        [sys.executable, "-c", SEED, str(home), str(count)], cwd=tree, env=env, check=True
    )
    pushing = home.with_name(f"{home.name}-pushing")
    shutil.copytree(home, pushing)
    taken = 0
    with open_profile(pushing, USER, PASSWORD) as profile:
        clients = {}
        try:
            for summary in profile.inspections():
                for version in profile.versions(summary.inspection_id):
                    if version.author not in clients:
                        clients[version.author] = central.client(version.author)
                    taken += push(clients[version.author], version).status_code in (200, 201)
        finally:
            for client in clients.values():
                client.close()
    return taken


def requests_answered(central: Central) -> int:
    counter = central.app.state.metrics.requests
    return int(
        sum(
            sample.value
            for metric in counter.collect()
            for sample in metric.samples
            if sample.name.endswith("_total")
        )
    )


def run_export(
    tree: Path, arguments: list[str], password: str, central: Central
) -> tuple[float, int, int]:
    """Seconds, peak memory in MiB and requests answered of one export process."""
    env = dict(os.environ, PYTHONPATH=str(tree), FIELDAPP_PASSWORD=password)
    env.pop("FIELDAPP_HOME", None)
    before = requests_answered(central)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, "export", *arguments],
        # The current folder comes first on the path of `python -c`: the tree's own.
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"export failed:\n{done.stderr}")
    peak = int(done.stderr.strip().splitlines()[-1].split()[1])
    return seconds, peak // 1024, requests_answered(central) - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inspections", type=int, default=2_000)
    parser.add_argument("--form", default="coffeeshop_inspection")
    parser.add_argument("--tree", type=Path, help="another checkout to run the export from")
    args = parser.parse_args()
    trees = [("this checkout", HERE)]
    if args.tree:
        trees.append((str(args.tree), args.tree.resolve()))
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        with running_central("sqlite", work / "central", "export") as central:
            started = time.perf_counter()
            taken = seed(trees[-1][1], work / "device", args.inspections, central)
            print(
                f"{args.inspections:,} inspections seeded, {taken:,} versions pushed "
                f"in {time.perf_counter() - started:.0f} s (SQLite)"
            )
            print(f"{'export':<34} {'tree':<24} {'seconds':>8} {'peak MiB':>9} {'requests':>9}")
            for fmt in ("csv", "xlsx"):
                for label, tree in trees:
                    out = work / "out" / label.replace("/", "_")
                    out.mkdir(parents=True, exist_ok=True)
                    # Each tree its own copy: a newer tree migrates the profile it opens.
                    device = out / f"device-{fmt}"
                    shutil.copytree(work / "device", device)
                    local = ["--home", str(device), "--user", USER]
                    common = ["--format", fmt, "--form", args.form]
                    seconds, peak, asked = run_export(
                        tree, [*local, *common, "-o", str(out / f"p.{fmt}")], PASSWORD, central
                    )
                    name = f"{fmt}, from the profile"
                    print(f"{name:<34} {label:<24} {seconds:8.1f} {peak:9,} {asked:9,}")
                    remote = ["--home", str(work / "supervisor"), "--user", SUPERVISOR_CENTRUM]
                    remote += ["--server", central.url]
                    seconds, peak, asked = run_export(
                        tree,
                        [*remote, *common, "-o", str(out / f"s.{fmt}")],
                        DEMO_PASSWORD,
                        central,
                    )
                    name = f"{fmt}, --server ({SUPERVISOR_CENTRUM})"
                    print(f"{name:<34} {label:<24} {seconds:8.1f} {peak:9,} {asked:9,}")


if __name__ == "__main__":
    main()
