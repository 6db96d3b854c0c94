"""The crash test's child: streams autosaves, photos and finalizes into a profile until killed.

Run as ``python store_crash_child.py HOME SEED``. Before each step it prints one JSON line
``{"begin": …}`` and after the step's commit returned ``{"done": …}``, flushed at once, so
the parent knows exactly which saves were acknowledged and which one was in flight when it
sent SIGKILL. Used by tests/test_store_crash.py; a longer soak lives in bench/bench_store.py.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

from fieldapp.core.answers import answers_document
from fieldapp.core.engine import FormEngine
from fieldapp.core.forms import ATTACHMENT_TYPES
from fieldapp.store.images import photo, with_note
from tests.support.store import new_profile, walked

FORMS = ("coffeeshop_inspection", "neighbourhood_patrol", "door_test")


def say(**fields: Any) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def main(home: Path, seed: int) -> None:
    rng = random.Random(seed)
    profile = new_profile(home)
    pictures = [photo(seed * 10 + n, width=40, height=30) for n in range(3)]
    say(ready=True)
    number = 0
    while True:
        number += 1
        form_id = FORMS[rng.randrange(len(FORMS))]
        filled, place = walked(profile, form_id, seed * 1000 + number)
        engine = filled.session.engine
        document = answers_document(filled.session)
        say(begin={"op": "start"})
        inspection_id = profile.start_inspection(form_id, **place)
        say(done={"op": "start", "id": inspection_id})

        def answer(
            name: str,
            row: str | None,
            value: Any,
            inspection_id: str = inspection_id,
            engine: FormEngine = engine,
        ) -> None:
            if engine.fields[name].kind in ATTACHMENT_TYPES:
                for count, _placeholder in enumerate(value if isinstance(value, list) else [value]):
                    data = with_note(pictures[rng.randrange(3)], f"{inspection_id}/{name}/{count}")
                    op = {"op": "attach", "id": inspection_id, "name": name, "row": row}
                    say(begin=op)
                    attachment = profile.attach_file(inspection_id, name, data, row)
                    say(done={**op, "sha": attachment.sha256})
                return
            op = {"op": "answer", "id": inspection_id, "name": name, "row": row, "value": value}
            say(begin=op)
            answer_value = tuple(value) if isinstance(value, list) else value
            profile.set_answer(inspection_id, name, answer_value, row)
            say(done=op)

        for name, value in document["answers"].items():
            answer(name, None, value)
        for repeat, items in document["repeats"].items():
            for item in items:
                op = {"op": "row", "id": inspection_id, "repeat": repeat}
                say(begin=op)
                row = profile.add_row(inspection_id, repeat)
                say(done={**op, "row": row})
                for name, value in item["answers"].items():
                    answer(name, row, value)
        op = {"op": "finalize", "id": inspection_id}
        say(begin=op)
        version = profile.finalize(inspection_id)
        say(done={**op, "version": version.version_id, "hash": version.content_hash})


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
