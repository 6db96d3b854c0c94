"""Form engine figures: load+compile of a generated 500-question form, and answer-change cost.

Prints the time from one answer change to every dependent relevance, constraint,
calculation and outcome updated (median and p99), next to a full re-evaluation of the
same form in the same run, as a ratio. Run: .venv/bin/python bench/bench_engine.py
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime

import yaml

from fieldapp.core.formfile import load_form_text

NOW = datetime(2026, 12, 4, 21, 30)


def generated_form(questions: int, per_group: int = 25) -> str:
    """A form shaped like the real ones: groups of numbers, choices and text that depend
    on each other, with a calculation for every four questions and outcomes over all."""
    groups = []
    outcomes = []
    index = 0
    for group_number in range(questions * 5 // 4 // per_group):
        items = []
        for position in range(per_group):
            name = f"q{index}"
            label = {"nl": f"Vraag {index}", "en": f"Question {index}"}
            kind = index % 5
            question: dict[str, object]
            if kind == 0:
                question = {
                    "type": "integer",
                    "name": name,
                    "label": label,
                    "required": True,
                    "constraint": ". >= 0 and . <= 1000",
                }
            elif kind == 1:
                question = {
                    "type": "select_one yes_no",
                    "name": name,
                    "label": label,
                    "relevant": f"${{q{index - 1}}} > 10",
                }
            elif kind == 2:
                question = {
                    "type": "text",
                    "name": name,
                    "label": label,
                    "relevant": f"${{q{index - 1}}} = 'yes'",
                    "required": True,
                }
            elif kind == 3:
                question = {
                    "type": "calculate",
                    "name": name,
                    "calculation": f"${{q{index - 3}}} * 2 + 1",
                }
            else:
                question = {
                    "type": "decimal",
                    "name": name,
                    "label": label,
                    "constraint": f". <= ${{q{index - 1}}}",
                }
            items.append(question)
            index += 1
            del position
        groups.append(
            {
                "type": "group",
                "name": f"g{group_number}",
                "label": {"nl": f"Deel {group_number}", "en": f"Part {group_number}"},
                "relevant": "${q0} != 999" if group_number else None,
                "questions": items,
            }
        )
        outcomes.append(
            {
                "name": f"o{group_number}",
                "when": f"${{q{index - 2}}} > 100 or ${{q{index - 5}}} > 500",
                "severity": "attention",
                "label": {"nl": "Let op", "en": "Attention"},
            }
        )
    for group in groups:
        if group["relevant"] is None:
            del group["relevant"]
    form = {
        "id": "bench",
        "version": "1",
        "title": {"nl": "Bench", "en": "Bench"},
        "languages": ["nl", "en"],
        "roles": ["boa"],
        "retention_days": 30,
        "choices": {
            "yes_no": [
                {"name": "yes", "label": {"nl": "Ja", "en": "Yes"}},
                {"name": "no", "label": {"nl": "Nee", "en": "No"}},
            ]
        },
        "questions": groups,
        "outcomes": outcomes,
    }
    return yaml.safe_dump(form, sort_keys=False)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--changes", type=int, default=2000)
    args = parser.parse_args()

    text = generated_form(args.questions)
    loads = []
    for _ in range(5):
        start = time.perf_counter()
        engine = load_form_text(text, "bench.yaml")
        loads.append(time.perf_counter() - start)
    session = engine.session(clock=lambda: NOW)
    numbers = [name for name, f in engine.fields.items() if f.question.type == "integer"]
    random.seed(7)
    for name in numbers:
        session.set_answer(name, random.randint(0, 50))

    change_times = []
    for _ in range(args.changes):
        name = random.choice(numbers)
        value = random.randint(0, 200)
        start = time.perf_counter()
        session.set_answer(name, value)
        change_times.append(time.perf_counter() - start)
    full_times = []
    for _ in range(50):
        start = time.perf_counter()
        session.evaluate_all()
        full_times.append(time.perf_counter() - start)

    answerable = sum(1 for f in engine.fields.values() if f.is_question)
    median_change = statistics.median(change_times)
    median_full = statistics.median(full_times)
    fields, outcomes = len(engine.fields), len(engine.outcomes)
    print(f"form: {fields} fields ({answerable} questions), {outcomes} outcomes")
    print(f"load + validate + compile: median {statistics.median(loads) * 1000:.1f} ms")
    print(
        f"answer change -> dependents updated: median {median_change * 1000:.3f} ms, "
        f"p99 {percentile(change_times, 0.99) * 1000:.3f} ms (target: median < 1 ms)"
    )
    print(f"full re-evaluation of the form: median {median_full * 1000:.3f} ms")
    print(f"ratio incremental / full: {median_change / median_full:.3f}")


if __name__ == "__main__":
    main()
