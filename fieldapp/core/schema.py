"""The JSON Schema of the form format, generated from the pydantic models for editors."""

from __future__ import annotations

import json

from fieldapp.core.forms import FormDefinition


def form_json_schema() -> str:
    schema = FormDefinition.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://fieldapp.denhaag.invalid/schema/form.json"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
