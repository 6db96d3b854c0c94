"""Period summary at scale (issue 18): from a profile and via a real server, against one SQL query.

One run seeds a profile with N inspections (`fieldapp.store.seed`) and copies the latest
version of each into a central store's SQLite file (directly through its tables, all in
one team of the supervisor who asks), then measures, each in its own process:

* the SQL baseline: one plain SQL aggregation over the central store's file (forms and
  statuses per area, coffeeshop findings per venue, observations per category and area,
  persons checked per ground and kind, with SQLite's JSON functions; door-test pairing
  has no SQL form and is left out, so the baseline does less than the summary);
* `fieldapp report summary` from the profile, and with `--server` against a real uvicorn
  on 127.0.0.1 (the server in its own process too), end to end: start, unlock or sign
  in, count, lay out the PDF; with the counting alone timed inside the process;
* the central store's counting alone (`ReportQueries.count`, what `GET /v1/reports/summary`
  runs after checking the request), in a process of its own, on SQLite and, with
  `--pg-url`, on PostgreSQL (the same rows copied into a schema of its own, and the SQL
  baseline there written with PostgreSQL's JSON operators);
* peak memory as the processes' ru_maxrss (the server's as its VmHWM).

`--tree DIR` runs the CLI and the server from another checkout of fieldapp (the code
before this change, say), on the same data. The period is the 366 days that end at the
newest visit (the most one summary request may cover), so about half of N is counted;
`--everything` counts every inspection the seed made (two years: the end-to-end runs
then skip `--server`, which refuses more than 366 days).

Run: .venv/bin/python bench/bench_summary.py [--inspections 20000] [--tree ../before]
     [--everything] [--pg-url postgresql+psycopg://…]
State whether that PostgreSQL runs with fsync on or off when quoting its figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-1"
SUPERVISOR = "ingrid.verhoeven"
TEAM = "team-centrum"
DAYS = 366


def _env(tree: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(tree), **extra)
    env.pop("FIELDAPP_HOME", None)
    return env


# --- preparing the data --------------------------------------------------------------------


def prepare(work: Path, count: int) -> tuple[date, date]:
    """A profile with `count` seeded inspections and a central store holding their latest
    versions; returns the period the benchmark asks for."""
    sys.path.insert(0, str(HERE))
    import sqlalchemy as sa

    from fieldapp.core.answers import canonical_json
    from fieldapp.core.locations import forms_directory, seeds_directory
    from fieldapp.server import schema
    from fieldapp.server.central import CentralStore
    from fieldapp.server.config import PasswordPolicy, ServerConfig
    from fieldapp.server.summaries import fill_missing_facts
    from fieldapp.store import open_profile
    from fieldapp.store.seed import seed_profile

    started = time.perf_counter()
    with open_profile(work / "device", "fatima.elamrani", PASSWORD, create=True) as profile:
        seed_profile(profile, count, photo_share=0.0)
        latest, earliest = date.min, date.max
        config = ServerConfig(
            home=work / "central",
            database_url=None,
            password_policy=PasswordPolicy(time_cost=1, memory_cost_kib=8, parallelism=1),
        )
        store = CentralStore(config)
        store.migrate()
        store.load_demo(seeds_directory(), forms_directory())
        received = datetime(2026, 12, 1, tzinfo=UTC)
        inspections, versions = [], []
        for number, item in enumerate(profile.inspections()):
            if item.version_id is None:
                continue
            version = profile.version(item.version_id)
            latest = max(latest, version.started_at.date())
            earliest = min(earliest, version.started_at.date())
            record = canonical_json(version.model_dump(mode="json")).decode()
            moment = received - timedelta(seconds=number)
            status = {"finalized": "sent", "draft": "returned"}.get(item.status.value)
            inspections.append(
                {
                    "inspection_id": version.inspection_id,
                    "form_id": version.form_id,
                    "author": version.author,
                    "team": TEAM,
                    "venue_id": version.venue_id,
                    "area_id": version.area_id,
                    "assignment_id": version.assignment_id,
                    "status": status or item.status.value,
                    "head_version_id": version.version_id,
                    "version_count": 1,
                    "created_at": moment,
                    "updated_at": moment,
                }
            )
            versions.append(
                {
                    "version_id": version.version_id,
                    "inspection_id": version.inspection_id,
                    "seq": 1,
                    "base_version_id": None,
                    "author": version.author,
                    "form_id": version.form_id,
                    "form_version": version.form_version,
                    "content_hash": version.content_hash,
                    "record_hash": version.content_hash,
                    "record": record,
                    "receipt": "{}",
                    "complete": True,
                    "received_at": moment,
                    "client_finalized_at": version.finalized_at.isoformat(),
                }
            )
        with store.database.write() as connection:
            for start in range(0, len(inspections), 2000):
                connection.execute(sa.insert(schema.inspections), inspections[start : start + 2000])
                connection.execute(sa.insert(schema.versions), versions[start : start + 2000])
            # What a push writes beside each version, as the migration fills it in.
            fill_missing_facts(connection)
        store.close()
    print(f"prepared {count} inspections in {time.perf_counter() - started:.0f} s")
    return earliest, latest


# --- what runs in a process of its own ---------------------------------------------------


def baseline(database: Path, start: date, end: date) -> None:
    """One SQL statement: what of the summary SQL can count."""
    import sqlite3

    sql = """
    WITH heads AS (
        SELECT i.form_id, i.status, v.record,
               coalesce(json_extract(v.record, '$.area_id'), json_extract(v.record, '$.venue_id'))
                   AS place
        FROM inspections i JOIN versions v ON v.version_id = i.head_version_id
        WHERE i.team = :team
          AND substr(json_extract(v.record, '$.started_at'), 1, 10) BETWEEN :start AND :end
    )
    SELECT 'form', form_id, status, place, count(*) FROM heads GROUP BY 2, 3, 4
    UNION ALL
    SELECT 'finding', json_extract(heads.record, '$.venue_id'), o.value, NULL, count(*)
    FROM heads, json_each(heads.record, '$.outcomes') o
    WHERE form_id = 'coffeeshop_inspection' GROUP BY 2, 3
    UNION ALL
    SELECT 'observation', json_extract(r.value, '$.answers.category'), place, NULL, count(*)
    FROM heads, json_each(heads.record, '$.document.repeats.observations') r
    WHERE form_id = 'neighbourhood_patrol' GROUP BY 2, 3
    UNION ALL
    SELECT 'check', json_extract(c.value, '$.answers.objective_ground'),
           json_extract(c.value, '$.answers.check_kind'), NULL,
           sum(coalesce(json_extract(c.value, '$.answers.persons_checked'), 1))
    FROM heads, json_each(heads.record, '$.document.repeats.person_checks') c
    WHERE form_id = 'neighbourhood_patrol' GROUP BY 2, 3
    """
    connection = sqlite3.connect(database)
    started = time.perf_counter()
    rows = connection.execute(
        sql, {"team": TEAM, "start": start.isoformat(), "end": end.isoformat()}
    ).fetchall()
    seconds = time.perf_counter() - started
    total = sum(row[4] for row in rows if row[0] == "form")
    _answer({"seconds": seconds, "total": total})


PG_BASELINE = """
WITH parsed AS MATERIALIZED (
    SELECT i.form_id, i.status, v.record::jsonb AS r
    FROM inspections i JOIN versions v ON v.version_id = i.head_version_id
    WHERE i.team = :team
), heads AS (
    SELECT form_id, status, r, coalesce(r->>'area_id', r->>'venue_id') AS place FROM parsed
    WHERE substr(r->>'started_at', 1, 10) BETWEEN :start AND :end
)
SELECT 'form', form_id, status, place, count(*) FROM heads GROUP BY 2, 3, 4
UNION ALL
SELECT 'finding', heads.r->>'venue_id', o.value, NULL, count(*)
FROM heads, jsonb_array_elements_text(heads.r->'outcomes') o
WHERE form_id = 'coffeeshop_inspection' GROUP BY 2, 3
UNION ALL
SELECT 'observation', o.value->'answers'->>'category', place, NULL, count(*)
FROM heads, jsonb_array_elements(heads.r->'document'->'repeats'->'observations') o
WHERE form_id = 'neighbourhood_patrol' GROUP BY 2, 3
UNION ALL
SELECT 'check', c.value->'answers'->>'objective_ground', c.value->'answers'->>'check_kind', NULL,
       sum(coalesce((c.value->'answers'->>'persons_checked')::int, 1))
FROM heads, jsonb_array_elements(heads.r->'document'->'repeats'->'person_checks') c
WHERE form_id = 'neighbourhood_patrol' GROUP BY 2, 3
"""


def pg_baseline(url: str, start: date, end: date) -> None:
    """The same aggregation as `baseline`, on PostgreSQL."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        started = time.perf_counter()
        rows = connection.execute(
            sa.text(PG_BASELINE),
            {"team": TEAM, "start": start.isoformat(), "end": end.isoformat()},
        ).all()
        seconds = time.perf_counter() - started
    engine.dispose()
    total = sum(row[4] for row in rows if row[0] == "form")
    _answer({"seconds": seconds, "total": total})


def server_counting(home: Path, url: str | None, start: date, end: date) -> None:
    """The central store's counting alone, as the summary endpoint runs it."""
    sys.path.insert(0, str(HERE))
    from fieldapp.core.summary import Period
    from fieldapp.server.central import CentralStore
    from fieldapp.server.config import PasswordPolicy, ServerConfig

    config = ServerConfig(
        home=home,
        database_url=url,
        password_policy=PasswordPolicy(time_cost=1, memory_cost_kib=8, parallelism=1),
    )
    store = CentralStore(config)
    store.migrate()  # data prepared by an older checkout gains the facts here, untimed
    with store.database.read() as connection:
        principal = store.accounts.principal(connection, SUPERVISOR)
        forms = connection.execute(sa_forms()).all()
        for form_id, version in forms:
            store.reports._engine(connection, form_id, version)
    assert principal is not None
    started = time.perf_counter()
    summary = store.reports.count(principal, Period(start, end), ())
    seconds = time.perf_counter() - started
    store.close()
    _answer({"seconds": seconds, "total": summary.total})


def sa_forms() -> Any:
    import sqlalchemy as sa

    from fieldapp.server import schema

    return sa.select(schema.forms.c.form_id, schema.forms.c.form_version)


def copy_to_postgresql(work: Path, pg_url: str) -> str:
    """A schema of its own on `pg_url` holding what the SQLite central store holds; its URL."""
    sys.path.insert(0, str(HERE))
    import sqlalchemy as sa

    from fieldapp.server import schema
    from fieldapp.server.central import CentralStore
    from fieldapp.server.config import PasswordPolicy, ServerConfig

    name = f"bench_summary_{secrets.token_hex(3)}"
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    admin.dispose()
    url = sa.make_url(pg_url).update_query_dict({"options": f"-csearch_path={name}"})
    target = url.render_as_string(hide_password=False)
    store = CentralStore(
        ServerConfig(
            home=work / "central-pg",
            database_url=target,
            password_policy=PasswordPolicy(time_cost=1, memory_cost_kib=8, parallelism=1),
        )
    )
    store.migrate()
    store.close()
    source = sa.create_engine(f"sqlite:///{work / 'central' / 'central.db'}")
    into = sa.create_engine(target)
    # The migration made the server's own row; the rest is copied as it is.
    skipped = {schema.server_state.name, schema.schema_migrations.name}
    with source.connect() as reading, into.begin() as writing:
        for table in schema.metadata.sorted_tables:
            if table.name in skipped:
                continue
            result = reading.execution_options(stream_results=True).execute(sa.select(table))
            while rows := result.mappings().fetchmany(2000):
                writing.execute(sa.insert(table), [dict(row) for row in rows])
        writing.execute(sa.text("ANALYZE"))
    source.dispose()
    into.dispose()
    return target


def drop_postgresql(pg_url: str, target: str) -> None:
    import sqlalchemy as sa

    name = str(sa.make_url(target).query["options"]).removeprefix("-csearch_path=")
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


def counting(work: Path, start: date, end: date) -> None:
    """The counting alone, from the profile (engines compiled before the clock starts)."""
    sys.path.insert(0, str(HERE))
    from fieldapp.reports.local import LocalReportSource
    from fieldapp.reports.model import Period
    from fieldapp.store import open_profile

    with open_profile(work / "device", "fatima.elamrani", PASSWORD) as profile:
        source = LocalReportSource(profile)
        for form_id, version in {
            (i.form_id, i.form_version) for i in profile.inspections(limit=50)
        }:
            source.engine(form_id, version)
        started = time.perf_counter()
        summary = source.period_summary(Period(start, end), ())
        seconds = time.perf_counter() - started
    _answer({"seconds": seconds, "total": summary.total})


def serve(home: Path, ready: Path) -> None:
    """A central store on 127.0.0.1 until killed; its address is written to `ready`."""
    from fieldapp.core.locations import forms_directory, seeds_directory
    from fieldapp.server.app import create_app
    from fieldapp.server.central import CentralStore
    from fieldapp.server.config import PasswordPolicy, ServerConfig
    from fieldapp.server.runner import BackgroundServer

    config = ServerConfig(
        home=home,
        database_url=None,
        password_policy=PasswordPolicy(time_cost=1, memory_cost_kib=8, parallelism=1),
    )
    store = CentralStore(config)
    app = create_app(config, store)
    store.load_demo(seeds_directory(), forms_directory())
    server = BackgroundServer(app).start()
    ready.write_text(server.url)
    while True:
        time.sleep(3600)


def _answer(found: dict[str, float]) -> None:
    found["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(found))


def _measure(*args: str, tree: Path = HERE) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        env=_env(tree),
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    answer: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def cli(tree: Path, work: Path, start: date, end: date, *extra: str) -> dict[str, float]:
    """`fieldapp report summary …` from `tree`, wall time and the child's peak memory."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fieldapp",
            "report",
            "summary",
            "--from",
            start.isoformat(),
            "--to",
            end.isoformat(),
            "-o",
            str(work / "summary.pdf"),
            *extra,
        ],
        env=_env(tree, FIELDAPP_PASSWORD=PASSWORD if "--server" not in extra else "demo"),
        cwd=tree,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # wait4 gives this child's own usage (RUSAGE_CHILDREN would be the largest child's).
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        error = child.stderr.read().decode() if child.stderr is not None else ""
        raise SystemExit(f"fieldapp report summary failed: {error.strip()}")
    return {"seconds": seconds, "maxrss_mb": usage.ru_maxrss / 1024}


def _server_peak(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _print_counted(what: str, counted: dict[str, float], sql: dict[str, float]) -> None:
    print(
        f"  {what:36} {counted['seconds']:7.2f} s  "
        f"{counted['seconds'] / sql['seconds']:5.2f}x SQL  peak {counted['maxrss_mb']:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inspections", type=int, default=20_000)
    parser.add_argument("--tree", type=Path, default=None, help="also run this checkout's CLI")
    parser.add_argument("--work", type=Path, default=None, help="keep the data here")
    parser.add_argument(
        "--tree-local-only",
        action="store_true",
        help="run only the other checkout's profile summary (its --server path makes one "
        "request per inspection: minutes at 100,000)",
    )
    parser.add_argument(
        "--everything",
        action="store_true",
        help="count every inspection of the seed, not the last 366 days",
    )
    parser.add_argument(
        "--pg-url",
        default=None,
        help="also count on this PostgreSQL (a schema of its own, dropped at the end)",
    )
    parser.add_argument(
        "--mode",
        choices=("prepare", "baseline", "pg-baseline", "counting", "server-counting", "serve"),
        default=None,
    )
    parser.add_argument("--period", nargs=2, type=date.fromisoformat, default=None)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    if args.mode == "baseline":
        baseline(args.work / "central" / "central.db", *args.period)
        return
    if args.mode == "pg-baseline":
        pg_baseline(args.database_url, *args.period)
        return
    if args.mode == "counting":
        counting(args.work, *args.period)
        return
    if args.mode == "server-counting":
        server_counting(args.work / "central", args.database_url, *args.period)
        return
    if args.mode == "serve":
        serve(args.work / "central", args.work / "url")
        return

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-summary-"))
    marker = work / "seeded.json"
    if args.mode == "prepare":
        first, last = prepare(work, args.inspections)
        marker.write_text(json.dumps([first.isoformat(), last.isoformat()]))
        return
    if not marker.exists():
        # In a process of its own: a child forked from a large parent would start its peak
        # memory (ru_maxrss) at the parent's size.
        prepare_args = ["--mode", "prepare", "--work", str(work)]
        prepare_args += ["--inspections", str(args.inspections)]
        subprocess.run([sys.executable, str(Path(__file__).resolve()), *prepare_args], check=True)
    first, end = (date.fromisoformat(d) for d in json.loads(marker.read_text()))
    start = first if args.everything else end - timedelta(days=DAYS - 1)
    period = ("--period", start.isoformat(), end.isoformat())
    work_args = ("--work", str(work))
    sql = _measure("--mode", "baseline", *work_args, *period)
    count = _measure("--mode", "counting", *work_args, *period)
    central = _measure("--mode", "server-counting", *work_args, *period)
    print(f"period {start} – {end}: {sql['total']:.0f} inspections counted")
    print(f"  SQL baseline, one query (SQLite)     {sql['seconds']:7.2f} s")
    _print_counted("counting from the profile", count, sql)
    _print_counted("counting on the server, SQLite", central, sql)
    if args.pg_url:
        target = copy_to_postgresql(work, args.pg_url)
        try:
            pg_args = ("--database-url", target)
            pg_sql = _measure("--mode", "pg-baseline", *work_args, *pg_args, *period)
            pg = _measure("--mode", "server-counting", *work_args, *pg_args, *period)
        finally:
            drop_postgresql(args.pg_url, target)
        print(f"  SQL baseline, one query (PostgreSQL) {pg_sql['seconds']:7.2f} s")
        _print_counted("counting on the server, PostgreSQL", pg, pg_sql)
    for counted in (count, central):
        assert counted["total"] == sql["total"], (counted, sql)
    trees = [("after", HERE)] + ([("before", args.tree.resolve())] if args.tree else [])
    for name, tree in trees:
        local = cli(
            tree, work, start, end, "--home", str(work / "device"), "--user", "fatima.elamrani"
        )
        # The server refuses more than 366 days.
        if (name == "before" and args.tree_local_only) or args.everything:
            print(f"{name}: fieldapp report summary from the profile, end to end")
            print(
                f"  from the profile   {local['seconds']:7.2f} s  "
                f"peak {local['maxrss_mb']:6.0f} MB  {local['seconds'] / sql['seconds']:6.1f}x SQL"
            )
            continue
        (work / "url").unlink(missing_ok=True)
        server = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--mode", "serve", "--work", str(work)],
            env=_env(tree),
            cwd=tree,
        )
        try:
            while not (work / "url").exists():
                time.sleep(0.1)
            url = (work / "url").read_text()
            remote = cli(
                tree,
                work,
                start,
                end,
                "--home",
                str(work / "client"),
                "--server",
                url,
                "--user",
                SUPERVISOR,
            )
            server_peak = _server_peak(server.pid)
        finally:
            server.kill()
            server.wait()
        print(f"{name}: fieldapp report summary, end to end")
        print(
            f"  from the profile   {local['seconds']:7.2f} s  peak {local['maxrss_mb']:6.0f} MB  "
            f"{local['seconds'] / sql['seconds']:6.1f}x SQL"
        )
        print(
            f"  --server           {remote['seconds']:7.2f} s  peak {remote['maxrss_mb']:6.0f} MB "
            f"(server {server_peak:.0f} MB)  {remote['seconds'] / local['seconds']:5.2f}x local"
        )


if __name__ == "__main__":
    main()
