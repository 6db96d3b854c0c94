"""The deployment guide and files agree with the code: one table of settings, every file.

docs/deploy.md's table of environment variables is SETTINGS as a Markdown table, the
settings parse, and the compose file, Dockerfile and unit say what the guide says.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from fieldapp.core.errors import FieldappError
from fieldapp.core.locations import PROJECT_ROOT
from fieldapp.server.config import PasswordPolicy
from fieldapp.server.identity import PasswordRules
from fieldapp.server.settings import SETTINGS, config_from_environment

GUIDE = PROJECT_ROOT / "docs" / "deploy.md"
DEPLOY = PROJECT_ROOT / "deploy"


def _table() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(r"<!-- settings table.*?-->\n(.*?)<!-- end of settings table -->", text, re.S)
    assert match, "the settings table markers are missing from docs/deploy.md"
    return match.group(1)


def test_the_guide_lists_every_setting_exactly_as_declared() -> None:
    rows = ["| Variable | Default | Meaning |", "| --- | --- | --- |"]
    rows += [f"| `{s.name}` | `{s.default}` | {s.description} |" for s in SETTINGS]
    assert _table() == "\n".join(rows) + "\n"


def test_settings_come_from_the_environment_and_options_win(tmp_path: Path) -> None:
    config = config_from_environment(
        tmp_path,
        {
            "FIELDAPP_DATABASE_URL": "postgresql+psycopg://fieldapp@db/fieldapp",
            "FIELDAPP_BLOB_STORAGE": "database",
            "FIELDAPP_TOKEN_LIFETIME_DAYS": "7",
            "FIELDAPP_PASSWORD_MIN_LENGTH": "14",
            "FIELDAPP_MAX_JSON_MIB": "1",
            "FIELDAPP_METRICS": "off",
            "FIELDAPP_TLS_CERTFILE": "/etc/fieldapp/cert.pem",
            "FIELDAPP_ARGON2": "2,19456,1",
        },
        database_url="sqlite:///elsewhere.db",
    )
    assert config.database_url == "sqlite:///elsewhere.db"
    assert config.blob_storage == "database"
    assert config.token_lifetime == timedelta(days=7)
    assert config.password_rules == PasswordRules(min_length=14)
    assert config.max_json_bytes == 1024 * 1024
    assert config.metrics is False
    assert config.certfile == Path("/etc/fieldapp/cert.pem")
    assert config.password_policy == PasswordPolicy(2, 19456, 1)
    for name, value in (("FIELDAPP_POOL_SIZE", "many"), ("FIELDAPP_ARGON2", "1,4,1")):
        with pytest.raises(FieldappError, match=name):
            config_from_environment(tmp_path, {name: value})


def test_the_deploy_files_are_what_the_guide_describes() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    for path in DEPLOY.iterdir():
        assert f"deploy/{path.name}" in guide, f"{path.name} is not in docs/deploy.md"
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"database", "server", "proxy"}
    assert "ports" not in services["server"] and "ports" not in services["database"]
    assert services["server"]["environment"]["FIELDAPP_BLOB_STORAGE"] == "database"
    names = {s.name for s in SETTINGS}
    assert set(services["server"]["environment"]) <= names
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^USER fieldapp$", dockerfile, re.M)
    assert "HEALTHCHECK" in dockerfile and "/v1/health" in dockerfile
    unit = (DEPLOY / "fieldapp-server.service").read_text(encoding="utf-8")
    assert "User=fieldapp" in unit and "NoNewPrivileges=yes" in unit
