"""A separate process that writes to the store, for the concurrency and crash tests.

python writer_process.py increment URL ASSESSMENT USER N
    N read-modify-write increments of context.people, retrying on ConflictError;
    prints "done <increments> <conflicts>".
python writer_process.py loop URL ASSESSMENT USER
    saves context.description = "save <i> ..." forever, printing "committed <i>" after each commit.
python writer_process.py hold URL ASSESSMENT USER
    changes the assessment inside a write transaction, prints "holding" and sleeps (never commits).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

import store  # noqa: E402
from engine.loader import load_catalog  # noqa: E402
from store.models import Assessment  # noqa: E402

SAMPLE = HERE.parents[0] / "fixtures" / "sample.yaml"


def increment(db: store.Store, assessment_id: str, user: str, count: int) -> None:
    conflicts = 0
    for _ in range(count):
        while True:
            current = store.get_assessment(db, assessment_id)
            try:
                value = current.answers.get("context.people", 0) + 1
                store.save_answer(db, assessment_id, "context.people", value, current.version, user)
                break
            except store.ConflictError:
                conflicts += 1
    print(f"done {count} {conflicts}", flush=True)


def loop(db: store.Store, assessment_id: str, user: str) -> None:
    version = store.get_assessment(db, assessment_id).version
    padding = "x" * 19000  # a bigger write, so a kill often lands inside one
    i = 0
    while True:
        i += 1
        saved = store.save_answer(db, assessment_id, "context.description", f"save {i} {padding}", version, user)
        version = saved.version
        print(f"committed {i}", flush=True)


def hold(db: store.Store, assessment_id: str) -> None:
    with db.write() as session:
        row = session.get(Assessment, assessment_id, with_for_update=True)
        assert row is not None
        row.answers = {**row.answers, "context.description": "never committed"}
        row.status = "approved"
        session.flush()
        print("holding", flush=True)
        time.sleep(600)


def main() -> None:
    mode, url, assessment_id, user = sys.argv[1:5]
    db = store.open_store(url, questionnaires=load_catalog([SAMPLE]).questionnaires)
    if mode == "increment":
        increment(db, assessment_id, user, int(sys.argv[5]))
    elif mode == "loop":
        loop(db, assessment_id, user)
    elif mode == "hold":
        hold(db, assessment_id)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
