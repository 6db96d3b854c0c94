"""The central store compiles each loaded form once, for the push, the follow-up and the
period summaries alike (`fieldapp.server.stored_forms`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from fieldapp.core.engine import FormEngine, compile_form
from fieldapp.core.forms import FormDefinition
from fieldapp.core.inspection import InspectionVersion
from fieldapp.core.locations import forms_directory
from fieldapp.server import stored_forms
from tests.server.test_followup import MINOR_INSIDE, approve, coffeeshop_version, push_as
from tests.support.central import (
    BACKENDS,
    BOA_WEST,
    SUPERVISOR_CENTRUM,
    push,
    require_backend,
    running_central,
)
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


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_form_id_longer_than_any_stored_was_taken_for_the_one_it_begins_with(
    tmp_path: Path, backend: str
) -> None:
    """Before: a version naming a form id longer than the store's 64 characters was looked
    up cut to 64; where a stored form's id was those 64 characters, SQLite stored the
    version (201) under a form the store does not hold, and PostgreSQL failed (500). It is
    refused as an unknown form, with a 422, on both."""
    require_backend(backend)
    long_id = "c" * 64
    text = (forms_directory() / "coffeeshop_inspection.yaml").read_text(encoding="utf-8")
    assert "id: coffeeshop_inspection\n" in text
    form = tmp_path / "long.yaml"
    form.write_text(text.replace("id: coffeeshop_inspection\n", f"id: {long_id}\n"), "utf-8")
    samples = SampleWorld.load()
    with running_central(backend, tmp_path / "central", "longform") as central:
        central.store.load_forms([form])
        for number, form_id in enumerate((long_id, long_id + "-not-a-form")):
            base = coffeeshop_version(
                samples, ("long", number), "cs-weimar-255", datetime(2026, 3, 1 + number, 21)
            )
            hashed = InspectionVersion.hash_of(
                form_id, base.form_version, None, base.document, base.attachments
            )
            version = base.model_copy(update={"form_id": form_id, "content_hash": hashed})
            with central.client(BOA_WEST) as client:
                answer = push(client, version)
            if form_id == long_id:
                assert answer.status_code == 201, answer.text
            else:
                assert answer.status_code == 422, answer.text
                assert answer.json()["code"] == "unknown_form"
