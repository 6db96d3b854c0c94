"""The `fieldapp server` verb: run the central store, and the admin verbs that go with it.

`fieldapp server --home DIR [--host H] [--port N] [--db URL] [--workers N] [--demo]` serves
the API; `fieldapp server init|adduser|passwd|revoke-tokens|deactivate|activate|users|
load-forms|new-epoch|migrate` administer the same store. Heavy imports happen inside the handlers,
so `fieldapp --help` stays quick. With `--demo` the server loads the demo world into an
empty store; everything else of the demo is in `fieldapp.app.demo`.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from fieldapp.cli.common import Verbs

if TYPE_CHECKING:
    from fieldapp.server.central import CentralStore

DEFAULT_PORT = 8765
#: Worker processes at most: a few per core is all a server can use.
MAX_WORKERS = 32
ROLES = ("boa", "mystery_guest", "supervisor", "admin")


def register(verbs: Verbs, common: argparse.ArgumentParser) -> None:
    """Add the `server` verb and its admin verbs to the `fieldapp` parser."""
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="SQLAlchemy URL (default: sqlite:///<home>/central.db; or postgresql+psycopg://…)",
    )
    server = verbs.add_parser(
        "server",
        help="run or administer the central store",
        description="Run the central store (HTTP API) or administer it.",
        parents=[common, database],
    )
    server.add_argument("--host", default="127.0.0.1", help="address to listen on")
    server.add_argument("--port", type=int, default=DEFAULT_PORT, help="port to listen on")
    server.add_argument("--certfile", metavar="PEM", help="serve HTTPS with this certificate chain")
    server.add_argument("--keyfile", metavar="PEM", help="the certificate's private key")
    server.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help=f"serve with N processes (1 to {MAX_WORKERS}; more than 1 needs PostgreSQL)",
    )
    server.add_argument(
        "--demo",
        action="store_true",
        help="load the demo world (users with password 'demo') into an empty store first",
    )
    server.add_argument(
        "--stop-when-stdin-closes",
        action="store_true",
        help="stop when standard input closes (the app that started this store ended)",
    )
    server.set_defaults(handler=_serve)
    admin = server.add_subparsers(title="admin verbs", metavar="VERB")
    # The admin verbs take --home and --db before or after their name; SUPPRESS keeps a
    # value given before the name from being reset to the default by the sub-parser.
    home = argparse.ArgumentParser(add_help=False)
    home.add_argument(
        "--home", metavar="DIR", default=argparse.SUPPRESS, help="the server's data folder"
    )

    def verb(name: str, help_text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = admin.add_parser(
            name, help=help_text, parents=[home, database]
        )
        return parser

    init = verb("init", "create an empty store and its first administrator")
    init.add_argument("--admin", default="admin", help="the administrator's username")
    init.add_argument("--display-name", default="Beheerder", help="the administrator's name")
    init.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from stdin (or set FIELDAPP_ADMIN_PASSWORD)",
    )
    init.set_defaults(handler=_init)

    adduser = verb("adduser", "create an account")
    adduser.add_argument("username", help="the sign-in name of the new account")
    adduser.add_argument("--role", choices=ROLES, required=True, help="what the account may do")
    adduser.add_argument("--display-name", required=True, help="the name people see")
    adduser.add_argument("--team", help="the team the user works in")
    adduser.add_argument("--pseudonym", help="mystery guests: the name shown on reports")
    adduser.add_argument(
        "--language", action="append", choices=("nl", "en"), help="repeat in order of preference"
    )
    adduser.add_argument("--password-stdin", action="store_true", help="read the password")
    adduser.set_defaults(handler=_adduser)

    passwd = verb("passwd", "set a password (signs the user out everywhere)")
    passwd.add_argument("username", help="whose password")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password")
    passwd.set_defaults(handler=_passwd)

    revoke = verb("revoke-tokens", "sign a user out on every device")
    revoke.add_argument("username", help="whose sessions to end")
    revoke.set_defaults(handler=_revoke_tokens)

    for name, active in (("deactivate", False), ("activate", True)):
        command = verb(name, f"{name} an account")
        command.add_argument("username", help="which account")
        command.set_defaults(handler=_set_active, active=active)

    users = verb("users", "list the accounts")
    users.add_argument("--json", action="store_true", help="print the list as JSON (for scripts)")
    users.set_defaults(handler=_users)

    team = verb("team", "add or change a team")
    team_verbs = team.add_subparsers(title="team verbs", metavar="VERB", required=True)
    team_add = team_verbs.add_parser("add", help="add a team", parents=[home, database])
    team_add.add_argument("team_id", help="the team's id, e.g. team-west (lower case, digits, -)")
    team_add.add_argument("--name", required=True, help="the team's name as people see it")
    team_add.add_argument("--supervisor", required=True, help="a user with the role supervisor")
    team_add.add_argument("--area", action="append", required=True, help="repeat for each area")
    team_add.set_defaults(handler=_team_add)
    team_rename = team_verbs.add_parser("rename", help="rename a team", parents=[home, database])
    team_rename.add_argument("team_id", help="the id of the team to rename")
    team_rename.add_argument("name", help="the new name")
    team_rename.set_defaults(handler=_team_rename)

    importing = verb("import", "import a register (all or nothing; see docs/administration.md)")
    registers = importing.add_subparsers(title="registers", metavar="REGISTER", required=True)
    for register, suffixes in (
        ("venues", ".csv or .xlsx"),
        ("areas", ".geojson, .csv or .xlsx"),
        ("teams", ".csv or .xlsx"),
        ("users", ".csv or .xlsx; new accounts get a one-time password"),
    ):
        parser = registers.add_parser(
            register, help=f"import {register} ({suffixes})", parents=[home, database]
        )
        parser.add_argument("file", metavar="FILE", help=f"the {register} file ({suffixes})")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count, change nothing"
        )
        if register in ("venues", "users"):
            parser.add_argument(
                "--sync",
                action="store_true",
                help="the file is the whole register: deactivate what it lacks",
            )
        if register == "users":
            parser.add_argument(
                "--teams", metavar="FILE", help="import these teams in the same transaction"
            )
        parser.set_defaults(handler=_import, register=register)

    publish = verb("publish-form", "publish a form version from a YAML file")
    publish.add_argument(
        "file", metavar="FILE", help="the form file (YAML), checked as forms check does"
    )
    publish.set_defaults(handler=_publish_form)
    retire = verb("retire-form", "retire a form version: no new drafts on it")
    retire.add_argument("form_id", help="the form, e.g. door_test")
    retire.add_argument("form_version", help="the version to retire, e.g. 2026.1")
    retire.set_defaults(handler=_retire_form)
    forms = verb("forms", "list the form versions and which is live")
    forms.add_argument("--json", action="store_true", help="print the list as JSON (for scripts)")
    forms.set_defaults(handler=_forms)

    load_forms = verb(
        "load-forms",
        "load form versions and sanction policies (default: the shipped forms and policy)",
    )
    load_forms.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="form files or folders (default: the shipped forms)",
    )
    load_forms.set_defaults(handler=_load_forms)

    verb(
        "new-epoch", "start a new sync history (after restoring a backup): devices reload"
    ).set_defaults(handler=_new_epoch)
    migrate = verb("migrate", "bring the database schema up to date (Alembic)")
    migrate.add_argument(
        "--sql",
        metavar="DIALECT",
        choices=("postgresql", "sqlite"),
        help="print the SQL that makes an empty database of DIALECT current, and change "
        "nothing (for a DBA)",
    )
    migrate.set_defaults(handler=_migrate)


# --- handlers --------------------------------------------------------------------------------


def _open(args: argparse.Namespace) -> CentralStore:
    import os
    from pathlib import Path

    from fieldapp.core.locations import home_directory
    from fieldapp.server.central import CentralStore
    from fieldapp.server.settings import config_from_environment

    home = home_directory(getattr(args, "home", None))
    certfile, keyfile = getattr(args, "certfile", None), getattr(args, "keyfile", None)
    config = config_from_environment(
        home,
        os.environ,
        database_url=getattr(args, "db", None),
        certfile=Path(certfile) if certfile else None,
        keyfile=Path(keyfile) if keyfile else None,
    )
    store = CentralStore(config)
    store.migrate()
    return store


def _serve(args: argparse.Namespace) -> int:
    from fieldapp.core.locations import forms_directory, seeds_directory
    from fieldapp.server.app import create_app
    from fieldapp.server.runner import BindFailed, serve, serve_workers

    if not 1 <= args.workers <= MAX_WORKERS:
        _fail(
            f"--workers takes 1 to {MAX_WORKERS} processes.",
            f"--workers neemt 1 tot {MAX_WORKERS} processen.",
        )
    if args.workers > 1 and not _on_postgresql(args):
        _fail(
            "Several worker processes need PostgreSQL (--db postgresql+psycopg://…): "
            "SQLite lets one process write at a time. Start with --workers 1.",
            "Meerdere werkprocessen vragen om PostgreSQL (--db postgresql+psycopg://…): "
            "SQLite laat één proces tegelijk schrijven. Start met --workers 1.",
        )
    store = _open(args)
    if args.demo:
        if store.load_demo(seeds_directory(), forms_directory()):
            print("Loaded the demo world; every demo account signs in with 'demo'.")
        else:
            print("The demo world is already loaded.")
    else:
        with store.database.read() as connection:
            empty = store.is_empty(connection)
        if empty:
            print(
                "The central store is empty: create its first administrator with "
                f"`fieldapp server init --home {store.config.home}` (or start with --demo)."
            )
    scheme = "https" if store.config.certfile else "http"
    print(f"Central store in {store.config.home}; listening on {scheme}://{args.host}:{args.port}")
    if args.workers == 1:
        serve(
            create_app(store.config, store),
            args.host,
            args.port,
            stop_when_stdin_closes=args.stop_when_stdin_closes,
        )
        return 0
    # Each worker opens the store itself; this process only watches over them.
    config = store.config
    store.close()
    print(f"{args.workers} worker processes; each opens its own connections to the database.")
    try:
        started = serve_workers(
            config,
            args.host,
            args.port,
            args.workers,
            stop_when_stdin_closes=args.stop_when_stdin_closes,
        )
    except BindFailed as failure:
        error = failure.error
        _fail(
            f"Cannot listen on {args.host}:{args.port}: {error.strerror or error}.",
            f"Kan niet luisteren op {args.host}:{args.port}: {error.strerror or error}.",
        )
    if not started:
        _fail(
            "A worker process could not start; the log above says why.",
            "Een werkproces kon niet starten; het logboek hierboven zegt waarom.",
        )
    return 0


def _on_postgresql(args: argparse.Namespace) -> bool:
    """Whether the store's database is PostgreSQL, from the options and the environment
    alone: nothing is created to find out."""
    import os

    import sqlalchemy as sa

    from fieldapp.core.locations import home_directory
    from fieldapp.server.settings import config_from_environment

    home = home_directory(getattr(args, "home", None))
    config = config_from_environment(home, os.environ, database_url=getattr(args, "db", None))
    return bool(sa.make_url(config.url).get_backend_name() == "postgresql")


#: Where `server init` takes the first administrator's password from, if set.
ADMIN_PASSWORD_VARIABLE = "FIELDAPP_ADMIN_PASSWORD"

NEXT_STEPS = """\
Next steps:
  1. Areas:    fieldapp server import areas --home {home} areas.geojson (or .csv)
  2. Venues:   fieldapp server import venues --home {home} venues.csv (or .xlsx)
  3. Teams:    fieldapp server team add --home {home} TEAM --name NAME --supervisor USER --area AREA
  4. Users:    fieldapp server import users --home {home} users.csv
  5. Forms:    fieldapp server publish-form --home {home} form.yaml
  6. Serve:    fieldapp server --home {home} --host 0.0.0.0
See docs/administration.md for the file formats."""


def _init(args: argparse.Namespace) -> int:
    import os

    password = os.environ.get(ADMIN_PASSWORD_VARIABLE)
    if password is None:
        password = _read_password(args)
    store = _open(args)
    try:
        store.administration.initialise(args.admin, args.display_name, password)
        home = store.config.home
    finally:
        store.close()
    print(f"Created the central store in {home} with the administrator {args.admin}.")
    print(NEXT_STEPS.format(home=home))
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            _fail("The passwords differ.", "De wachtwoorden verschillen.")
    if len(password) < 4:
        _fail("A password needs at least 4 characters.", "Een wachtwoord heeft minstens 4 tekens.")
    return password


def _fail(en: str, nl: str) -> None:
    from fieldapp.core.errors import FieldappError
    from fieldapp.core.texts import Text

    raise FieldappError(Text(nl=nl, en=en))


def _adduser(args: argparse.Namespace) -> int:
    from fieldapp.core.entities import Role
    from fieldapp.server.administration import CLI_ACTOR

    if (args.role == "mystery_guest") != (args.pseudonym is not None):
        _fail(
            "A mystery guest needs --pseudonym, and only a mystery guest has one.",
            "Een mystery guest heeft --pseudonym nodig, en alleen een mystery guest heeft er een.",
        )
    password = _read_password(args)
    store = _open(args)
    try:
        store.administration.add_user(
            CLI_ACTOR,
            username=args.username,
            display_name=args.display_name,
            role=Role(args.role),
            team=args.team,
            pseudonym=args.pseudonym,
            languages=args.language or ["nl"],
            password=password,
        )
    finally:
        store.close()
    print(f"Added {args.username} ({args.role}).")
    return 0


def _passwd(args: argparse.Namespace) -> int:
    from fieldapp.server.administration import CLI_ACTOR

    password = _read_password(args)
    store = _open(args)
    try:
        store.administration.reset_password(CLI_ACTOR, args.username, password)
    finally:
        store.close()
    print(f"Password set for {args.username}; signed out on every device.")
    return 0


def _revoke_tokens(args: argparse.Namespace) -> int:
    from fieldapp.server.administration import CLI_ACTOR

    store = _open(args)
    try:
        revoked = store.administration.revoke_tokens(CLI_ACTOR, args.username)
    finally:
        store.close()
    print(f"{revoked} token(s) of {args.username} revoked.")
    return 0


def _set_active(args: argparse.Namespace) -> int:
    from fieldapp.server.administration import CLI_ACTOR

    store = _open(args)
    try:
        store.administration.set_active(CLI_ACTOR, args.username, args.active)
    finally:
        store.close()
    print(f"{args.username} is {'active' if args.active else 'deactivated'}.")
    return 0


def _users(args: argparse.Namespace) -> int:
    import sqlalchemy as sa

    from fieldapp.server import schema

    store = _open(args)
    try:
        with store.database.read() as connection:
            rows = connection.execute(
                sa.select(
                    schema.users.c.username,
                    schema.users.c.role,
                    schema.users.c.team,
                    schema.users.c.active,
                ).order_by(schema.users.c.username)
            ).all()
    finally:
        store.close()
    if args.json:
        from fieldapp.cli.output import print_json

        print_json(
            [
                {"username": r.username, "role": r.role, "team": r.team, "active": r.active}
                for r in rows
            ]
        )
        return 0
    for row in rows:
        state = "" if row.active else "  (deactivated)"
        print(f"{row.username:24} {row.role:14} {row.team or '-'}{state}")
    return 0


def _team_add(args: argparse.Namespace) -> int:
    from fieldapp.server.administration import CLI_ACTOR

    store = _open(args)
    try:
        store.administration.add_team(
            CLI_ACTOR, args.team_id, args.name, args.supervisor, args.area
        )
    finally:
        store.close()
    print(f"Added the team {args.team_id}.")
    return 0


def _team_rename(args: argparse.Namespace) -> int:
    from fieldapp.server.administration import CLI_ACTOR

    store = _open(args)
    try:
        store.administration.change_team(CLI_ACTOR, args.team_id, name=args.name)
    finally:
        store.close()
    print(f"The team {args.team_id} is now called {args.name}.")
    return 0


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from fieldapp.server.administration import CLI_ACTOR, AdminRefusal
    from fieldapp.server.register import MAX_FILE_BYTES

    def read(name: str) -> bytes:
        path = Path(name)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                _fail(f"{name} is larger than {MAX_FILE_BYTES} bytes.", f"{name} is te groot.")
            return path.read_bytes()
        except OSError as error:
            _fail(
                f"Cannot read {name}: {error.strerror}", f"Kan {name} niet lezen: {error.strerror}"
            )
            raise

    data = read(args.file)
    store = _open(args)
    try:
        register = store.register
        options = {"dry_run": args.dry_run}
        try:
            if args.register == "venues":
                report = register.import_venues(
                    CLI_ACTOR, args.file, data, sync=args.sync, **options
                )
            elif args.register == "areas":
                report = register.import_areas(CLI_ACTOR, args.file, data, **options)
            elif args.register == "teams":
                report = register.import_teams(CLI_ACTOR, args.file, data, **options)
            else:
                teams = (args.teams, read(args.teams)) if args.teams else None
                report = register.import_users(
                    CLI_ACTOR, args.file, data, sync=args.sync, teams=teams, **options
                )
        except AdminRefusal as refusal:
            for problem in refusal.problems:
                print(f"{args.file}: {problem}", file=sys.stderr)
            raise
    finally:
        store.close()
    for problem in report.problems:
        print(f"{args.file}: {problem}")
    what = "would be" if report.dry_run else "were"
    print(
        f"{args.register}: {report.added} added, {report.changed} changed, "
        f"{report.unchanged} unchanged, {report.deactivated} deactivated"
        + (f" ({what} changed: dry run, nothing written)" if report.dry_run else "")
    )
    for username, password in sorted(report.passwords.items()):
        print(f"one-time password for {username}: {password}")
    return 1 if report.problems else 0


def _publish_form(args: argparse.Namespace) -> int:
    from pathlib import Path

    from fieldapp.server.administration import CLI_ACTOR, AdminRefusal

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"Cannot read {args.file}: {error}", f"Kan {args.file} niet lezen: {error}")
        raise
    store = _open(args)
    try:
        form = store.register.publish_form(CLI_ACTOR, args.file, text)
    except AdminRefusal as refusal:
        for problem in refusal.problems:
            print(problem, file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"Published {form.form_id} {form.form_version}" + (" (live)" if form.live else ""))
    return 0


def _retire_form(args: argparse.Namespace) -> int:
    from fieldapp.server.administration import CLI_ACTOR

    store = _open(args)
    try:
        store.register.retire_form(CLI_ACTOR, args.form_id, args.form_version)
    finally:
        store.close()
    print(f"Retired {args.form_id} {args.form_version}: devices start no new drafts on it.")
    return 0


def _forms(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        forms = store.register.forms().forms
    finally:
        store.close()
    if args.json:
        from fieldapp.cli.output import print_json

        print_json([form.model_dump(mode="json") for form in forms])
        return 0
    for form in forms:
        state = "live" if form.live else "retired" if form.retired else ""
        print(f"{form.form_id:28} {form.form_version:10} {state}")
    return 0


def _load_forms(args: argparse.Namespace) -> int:
    from pathlib import Path

    from fieldapp.core.formfile import form_files
    from fieldapp.core.locations import forms_directory
    from fieldapp.core.sanctions import POLICY_SUFFIX, policy_files

    paths: list[Path] = []
    policies: list[Path] = []
    for given in args.paths or [str(forms_directory())]:
        path = Path(given)
        if path.is_dir():
            paths.extend(form_files(path))
            policies.extend(policy_files(path))
        elif path.name.endswith(POLICY_SUFFIX):
            policies.append(path)
        else:
            paths.append(path)
    store = _open(args)
    try:
        # Forms first: the policy is checked against the outcomes of the stored forms.
        loaded = store.load_forms(paths) if paths else []
        loaded += store.load_policies(policies, "admin")
    finally:
        store.close()
    for name in loaded:
        print(f"loaded {name}")
    return 0


def _new_epoch(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        epoch = store.new_epoch()
    finally:
        store.close()
    print(f"New epoch {epoch}: devices will reload their reference data and re-push.")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from fieldapp.server.database import SCHEMA_VERSION, migration_sql

    if args.sql:
        print(migration_sql(f"{args.sql}://"), end="")
        return 0
    store = _open(args)
    store.close()
    print(f"The central store is at schema version {SCHEMA_VERSION}.")
    return 0
