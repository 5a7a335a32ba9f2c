"""20 people at once (benchmarks/bench_load.py, bounded to a few operations each): authors autosaving on their
own and on shared assessments, reviewers commenting and recording opinions, each in a process of their own.
Correctness only (no timing is asserted): every acknowledged write is stored where it was written, no update
is lost, and every conflict was reported as ConflictError and kept.
"""

from __future__ import annotations

from multiprocessing.context import ForkServerContext

from sqlalchemy import update

import store
from benchmarks.bench_load import check, run_load, set_up
from store.models import Assessment, table_of

USERS = 20
OPS = 6  # per person


def test_when_20_people_edit_and_review_at_once_then_every_acknowledged_write_is_stored_as_written(
    db_url: str, processes: ForkServerContext
) -> None:
    setup = set_up(db_url, USERS)
    result = run_load(db_url, setup, seconds=120, max_ops=OPS, context=processes)  # 120 s: a safety net only
    assert result.errors == []
    assert [len(r.latencies) for r in result.reports] == [OPS] * USERS
    assert {r.role for r in result.reports} == {"author", "reviewer"}
    # the team's 6 sessions all start on the same shared assessment at the same version: 5 conflicts at least
    assert sum(len(r.refused) for r in result.reports) >= 5
    assert check(db_url, setup, result.reports) == []
    # the check sees a write that went missing: overwrite one acknowledged answer behind the store's back
    written = next(w for r in result.reports for w in r.writes if w.assessment in setup.solo)
    db = store.open_store(db_url, migrate=False)
    try:
        with db.begin() as connection:
            connection.execute(
                update(table_of(Assessment)).where(table_of(Assessment).c.id == written.assessment).values(answers={})
            )
    finally:
        db.close()
    assert any(
        f"{written.assessment}: " in p and "the last save was" in p for p in check(db_url, setup, result.reports)
    )
