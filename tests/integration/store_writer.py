"""A separate process that saves answers the way the app does, printing each acknowledged save.

Usage: python tests/integration/store_writer.py URL ASSESSMENT_ID WHO Q1,Q2,... SAVES
Each line ``ack QUESTION VERSION`` is printed (and flushed) only after the save has committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from questionnaire.loader import load_frameworks  # noqa: E402
from scoring.records import RecordedAnswer  # noqa: E402
from storage.store import Store  # noqa: E402


def main(url: str, assessment: str, who: str, questions: str, saves: str) -> None:
    store = Store.open(url, load_frameworks())
    ids = questions.split(",")
    version = {a.question_id: a.version for a in store.answers(int(assessment))}
    for n in range(int(saves)):
        question = ids[n % len(ids)]
        answer = RecordedAnswer(question_id=question, level=n % 5, note=f"save {n} by {who}")
        saved = store.save_answer(int(assessment), answer, who, expected_version=version.get(question, 0))
        version[question] = saved.version
        print(f"ack {question} {saved.version}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
