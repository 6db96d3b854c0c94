"""The central store compiles each loaded form once, for the push, the follow-up and the
period summaries alike (`fieldapp.server.stored_forms`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from fieldapp.core.engine import FormEngine, compile_form
from fieldapp.core.forms import FormDefinition
from fieldapp.server import stored_forms
from tests.server.test_followup import MINOR_INSIDE, approve, coffeeshop_version, push_as
from tests.support.central import BOA_WEST, SUPERVISOR_CENTRUM, running_central
from tests.support.samples import SampleWorld


def test_each_form_was_compiled_three_times_in_a_store_s_first_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the push checks, the follow-up (a finding's measure) and the summary facts
    each compiled every form they met on their own: a coffeeshop inspection with a
    finding, pushed to a fresh store, compiled the coffeeshop form three times, a tenth of
    the server's processor time in the first sync of 1,000 inspections. Now once."""
    compiled: list[str] = []

    def counted(definition: FormDefinition) -> FormEngine:
        compiled.append(f"{definition.id} {definition.version}")
        return compile_form(definition)

    monkeypatch.setattr(stored_forms, "compile_form", counted)
    samples = SampleWorld.load()
    with running_central("sqlite", tmp_path / "central", "compiled") as central:
        visited = datetime.combine(central.clock().date(), datetime.min.time())
        for number in range(2):
            version = coffeeshop_version(
                samples,
                ("compiled", number),
                "cs-weimar-255",
                visited.replace(hour=21) - timedelta(days=number + 1),
                **MINOR_INSIDE,
            )
            push_as(central, BOA_WEST, version)
            approve(central, version)
        with central.client(SUPERVISOR_CENTRUM) as supervisor:
            measures = supervisor.get("/v1/followup/measures").json()["measures"]
            period = {"from": (visited - timedelta(days=30)).date().isoformat()}
            period["to"] = visited.date().isoformat()
            summary = supervisor.get("/v1/reports/summary", params=period)
        # The finding made its measures, and the summary counted both inspections.
        assert len(measures) == 2
        assert summary.status_code == 200, summary.text
        assert summary.json()["total"] == 2, summary.json()
    form = samples.engines["coffeeshop_inspection"]
    assert compiled == [f"coffeeshop_inspection {form.version}"]
