"""A process killed (SIGKILL) while it approves: afterwards the assessment is either approved with its archival
PDF, which verifies, or not approved at all, with no snapshot row, audit entry or review change left behind and
nothing left locked. On SQLite and on PostgreSQL, at every step of the approval.

The approving process stops at a named point (see tests/faults/approver.py) so the kill lands exactly there;
``anywhere`` kills after a random delay instead (the seed is in the failure message; DPIA_FAULT_SEED fixes it).
"""

from __future__ import annotations

import os
import random
import signal
import time
from multiprocessing.context import ForkServerContext

import pytest
from sqlalchemy import func, select

import store
from report import read_archive, verify_pdf
from store.models import AssessmentVersion
from tests.faults.approver import BEFORE_COMMIT, OPINION, POINTS, approve_until
from tests.faults.fault_helpers import sqlite_intact, state
from tests.store.store_helpers import to_review

SEED = int(os.environ.get("DPIA_FAULT_SEED") or random.SystemRandom().randrange(1_000_000))


def kill_approval_at(processes: ForkServerContext, url: str, a: store.AssessmentView, point: str) -> str:
    """Approve in another process and SIGKILL it at ``point``; returns what happened, for messages."""
    parent, child = processes.Pipe(duplex=False)
    proc = processes.Process(target=approve_until, args=(url, a.id, "dora", a.version, point, child))
    proc.start()
    child.close()
    pid = proc.pid
    assert pid is not None
    try:
        assert parent.poll(120) and parent.recv() == "started", f"the approving process did not start ({proc.exitcode})"
        if point == "anywhere":
            delay = random.Random(SEED).uniform(0, 0.5)  # an approval takes about that
            time.sleep(delay)
            what = f"killed {delay:.3f} s after the start (DPIA_FAULT_SEED={SEED})"
        else:
            assert parent.poll(120), f"the approval never reached {point} ({proc.exitcode})"
            assert parent.recv() == f"at {point}"
            what = f"killed at {point}"
        finished = point == "anywhere" and parent.poll(0) and parent.recv() == "approved"
        if finished:  # the random delay outlasted the approval: nothing to kill
            what += " (after the approval finished)"
        else:  # it is still running (it reports before it exits), so the pid is still its own
            os.kill(pid, signal.SIGKILL)
        proc.join(30)
        assert proc.exitcode == (0 if finished else -signal.SIGKILL), (what, proc.exitcode)
        return what
    finally:
        parent.close()
        if proc.is_alive():
            proc.kill()


def assert_approved_with_a_verified_pdf(db: store.Store, assessment_id: str, what: str) -> None:
    view = store.get_assessment(db, assessment_id)
    [snapshot] = store.versions(db, assessment_id)
    pdf = store.version_pdf(db, assessment_id, snapshot.revision)  # checks the stored SHA-256
    verified = verify_pdf(pdf)
    assert verified.ok, (what, verified.reasons)
    archived = read_archive(pdf)
    assert archived.assessment.answers == view.answers == snapshot.answers
    assert archived.attachment_sha256 == snapshot.assessment_sha256
    assert (view.review["decision"], view.review["opinion"]) == ("approved", OPINION)
    actions = [e.action for e in store.audit_log(db, assessment_id)]
    assert (actions.count("approve"), actions.count("sign_off")) == (1, 1), (what, actions)


@pytest.mark.parametrize("point", POINTS)
def test_when_the_approving_process_is_killed_then_the_approval_is_all_or_nothing(
    db: store.Store, db_url: str, processes: ForkServerContext, point: str
) -> None:
    a = to_review(db)
    before = state(db, a.id)
    what = kill_approval_at(processes, db_url, a, point)
    sqlite_intact(db_url)
    approved = store.get_assessment(db, a.id).status == "approved"
    if point in BEFORE_COMMIT:
        assert not approved, what
    elif point == "committed":
        assert approved, what
    if approved:
        assert_approved_with_a_verified_pdf(db, a.id, what)
        return
    assert state(db, a.id) == before, what  # answers, version, status, review, conflicts, audit entries
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(AssessmentVersion)) == 0, what
    # nothing is left locked and the version did not move: the reviewer goes on where they were
    store.record_opinion(db, a.id, "dora", OPINION, a.version)
