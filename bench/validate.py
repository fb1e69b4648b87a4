"""Questionnaire validation benchmark: how long each hostile or oversized file takes to get its answer.

    .venv/bin/python bench/validate.py [--repeat 5]

Prints, for each file of bench/hostile.py and for the valid 500-item questionnaire at the size limit, the
median seconds of `parse_definition` (what both `benchlearn questionnaire validate` and the admin upload run)
and the problem reported. Target: every file answered well under 2 s.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.hostile import hostile, items  # noqa: E402
from survey.catalog.definition import DefinitionError, parse_definition  # noqa: E402


def answer(text: str) -> str:
    try:
        definition = parse_definition(text, "q.yaml")
    except DefinitionError as error:
        return str(error.problems[0])
    return f"valid, {sum(1 for _ in definition.items())} items"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = {name: text for name, (text, _, _) in hostile().items()}
    files["valid, 500 items (the limit)"] = items(500)
    print(f"{'file':32} {'bytes':>10} {'median s':>9}  answer")
    for name, text in files.items():
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            reported = answer(text)
            times.append(time.perf_counter() - started)
        print(f"{name:32} {len(text.encode()):>10,} {statistics.median(times):>9.3f}  {reported[:90]}")


if __name__ == "__main__":
    main()
