"""Every change is saved at once: one answer, one short transaction, the draft's version as the lock.

A save that loses a race (:class:`store.ConflictError`) is handled in one of two ways:

* nobody else touched *this* question (the stored value is still what this session last saw): the change is
  re-applied on top of the newer version and the draft picks up the other person's answers;
* someone else changed the same question: nothing is overwritten, the store keeps both values in its
  conflicts table and the page shows them side by side until the person chooses (:func:`resolve`).

A save the database refuses (:class:`store.StorageError`: a full disk, a read-only database, a server that
cannot be reached) changes nothing stored; the answer stays in its widget and in ``Draft.unsaved`` (the About
fields in ``Draft.unsaved_about``), and :func:`save_again` saves them once the database works again.
"""

from __future__ import annotations

from typing import Any

import store
from engine.errors import DpiaError
from views.context import Draft, current_user, draft, forget_widgets_of, open_assessment, problem_lines, the_store
from views.i18n import t

MAX_RETRIES = 3


def save(question_id: str, value: Any) -> None:
    """Autosave one answer of the open draft (called from widget callbacks)."""
    d = draft()
    user = current_user()
    if d is None or user is None:
        return
    d.problems, d.notice = [], None
    previous = d.answers.get(question_id)
    try:
        saved = store.save_answer(the_store(), d.id, question_id, value, d.version, user.id)
    except store.ConflictError as conflict:
        _after_conflict(d, question_id, previous, conflict, user.id)
        return
    except store.StorageError as e:
        d.problems = [*problem_lines(e), t("autosave.kept")]
        d.unsaved[question_id] = value  # the widget keeps it too
        return
    except DpiaError as e:
        d.problems = problem_lines(e)
        forget_widgets_of({question_id})  # the widget goes back to the saved value
        return
    d.unsaved.pop(question_id, None)
    _apply(d, question_id, saved)


def save_about(about: dict[str, Any]) -> None:
    """Autosave the About fields of the open draft: ``title``, ``description`` and ``review_date``."""
    d = draft()
    user = current_user()
    if d is None or user is None:
        return
    d.problems, d.notice = [], None
    try:
        view = store.save_metadata(
            the_store(),
            d.id,
            d.version,
            user.id,
            title=about["title"],
            metadata={"description": about["description"]},
            review_date=about["review_date"],
        )
    except store.ConflictError:
        open_assessment(d.id)
        return
    except store.StorageError as e:
        d.problems = [*problem_lines(e), t("autosave.kept_about")]
        d.unsaved_about = about  # the fields keep it too
        return
    except DpiaError as e:
        d.problems = problem_lines(e)
        return
    d.unsaved_about = None
    d.title, d.metadata, d.review_date, d.version = view.title, dict(view.metadata), view.review_date, view.version


def save_again() -> None:
    """Save what the database refused: the About fields, then the answers in the order they were given; stop
    at the first that fails."""
    d = draft()
    if d is None:
        return
    if d.unsaved_about is not None:
        save_about(d.unsaved_about)
        current = draft()
        if current is not d and current is not None:  # a conflict reopened the assessment
            current.unsaved = d.unsaved | current.unsaved
            return
        if current is None or d.unsaved_about is not None:
            return
    pending = dict(d.unsaved)
    for question_id, value in pending.items():
        save(question_id, value)
        current = draft()
        if current is None:
            return
        if current is not d:  # a conflict reopened the assessment: keep the rest for the next try
            current.unsaved = {q: v for q, v in pending.items() if q != question_id} | current.unsaved
            return
        if question_id in d.unsaved:
            return
        forget_widgets_of({question_id})  # its widget may have been redrawn from the stored value meanwhile


def _apply(d: Draft, question_id: str, saved: store.Saved) -> None:
    d.saved_this_run = True
    if saved.value is None:
        d.answers.pop(question_id, None)
    else:
        d.answers[question_id] = saved.value
    d.version, d.status, d.revision = saved.version, saved.status, saved.revision


def _after_conflict(d: Draft, question_id: str, previous: Any, conflict: store.ConflictError, user: str) -> None:
    s = the_store()
    for _ in range(MAX_RETRIES):
        if conflict.stored != previous or conflict.conflict_id is None:
            break  # a real conflict: the same question changed elsewhere
        try:
            store.resolve_conflict(
                s, conflict.conflict_id, user, keep_mine=True, expected_version=conflict.stored_version
            )
        except store.ConflictError as again:
            conflict = again
            continue
        except DpiaError as e:
            d.problems = problem_lines(e)
            break
        fresh = open_assessment(d.id)
        if fresh is not None:
            fresh.notice = t("conflict.merged")
        return
    fresh = open_assessment(d.id)  # the stored values come back into the widgets; the conflict panel shows both
    if fresh is not None:
        fresh.notice = t("conflict.happened")


def pending_conflicts(d: Draft) -> list[store.ConflictView]:
    """This person's saves that lost a race on this assessment and wait for a choice."""
    user = current_user()
    if user is None or not d.check_conflicts:
        return []
    found = [c for c in store.list_conflicts(the_store(), d.id) if c.author == user.id]
    d.check_conflicts = bool(found)  # asked again once resolved, or when the assessment changes
    return found


def resolve(conflict_id: int, keep_mine: bool) -> None:
    """The person chose: keep their value (saved on top of the current version) or the stored one."""
    d = draft()
    user = current_user()
    if d is None or user is None:
        return
    try:
        s = the_store()
        current = store.get_assessment(s, d.id)
        store.resolve_conflict(s, conflict_id, user.id, keep_mine=keep_mine, expected_version=current.version)
        open_assessment(d.id)
    except DpiaError as e:
        d.problems = problem_lines(e)
