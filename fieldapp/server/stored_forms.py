"""The form versions the central store holds, read and compiled once per process.

A loaded form version never changes (the same id and version with other text is refused),
so its definition, roles and compiled engine can be kept for the life of the process. The
push checks, the follow-up and the period summaries share one `StoredForms`: each compiled
every form it met on its own, three compilations of each form in a store's first sync.
"""

from __future__ import annotations

import json
import threading
from functools import cached_property

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.core.engine import FormEngine, compile_form
from fieldapp.core.forms import FormDefinition
from fieldapp.server import schema


def _length(column: sa.ColumnElement[str]) -> int:
    length = getattr(column.type, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"{column} has no length")
    return length


#: The longest form id and version the store holds: its columns' sizes.
MAX_FORM_ID = _length(schema.forms.c.form_id)
MAX_FORM_VERSION = _length(schema.forms.c.form_version)


class StoredForm:
    """One loaded form version: who fills it in, its definition and its compiled engine.

    The engine is compiled when first asked for: the venue file and a finding's label read
    only the definition, and a form compiled against rules tightened since it was loaded
    must not make them fail."""

    def __init__(self, roles: frozenset[str], definition: FormDefinition) -> None:
        self.roles = roles
        self.definition = definition

    @cached_property
    def engine(self) -> FormEngine:
        return compile_form(self.definition)


class StoredForms:
    """The loaded form versions by (form id, version), read on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[tuple[str, str], StoredForm] = {}

    def known(self, form_id: str, version: str) -> StoredForm | None:
        """The form version if it was read before (no database needed to ask)."""
        with self._lock:
            return self._known.get((form_id, version))

    def get(self, connection: Connection, form_id: str, version: str) -> StoredForm | None:
        """The form version, or None when the store does not hold it."""
        known = self.known(form_id, version)
        if known is not None:
            return known
        if len(form_id) > MAX_FORM_ID or len(version) > MAX_FORM_VERSION:
            # Longer than any stored id: compared cut short, it matched a stored form it
            # merely begins with, and the push took a version of a form the store lacks.
            return None
        row = connection.execute(
            sa.select(schema.forms.c.roles, schema.forms.c.definition)
            .where(schema.forms.c.form_id == form_id)
            .where(schema.forms.c.form_version == version)
        ).first()
        if row is None:
            return None
        definition = FormDefinition.model_validate_json(row.definition)
        # Read outside the lock: two requests meeting a new form at once may both read it
        # (the first one kept); nobody waits on another's database read.
        made = StoredForm(frozenset(json.loads(row.roles)), definition)
        with self._lock:
            return self._known.setdefault((form_id, version), made)

    def require(self, connection: Connection, form_id: str, version: str) -> StoredForm:
        """The form version of a stored inspection version (the store holds it)."""
        found = self.get(connection, form_id, version)
        if found is None:
            raise LookupError(f"the form {form_id} {version} is not in the store")
        return found
