"""The store's errors: each a :class:`engine.errors.DpiaError`, so the CLI and the app show them as input errors."""

from __future__ import annotations

from typing import Any

from engine.errors import DpiaError


class StoreError(DpiaError):
    """Something the store refuses to do."""


class NotFoundError(StoreError):
    """No assessment, version, comment or user with that id."""


class NotAllowedError(StoreError):
    """The workflow table does not allow this action for this user in this status."""

    def __init__(self, message: str, *, status: str, roles: tuple[str, ...], action: str) -> None:
        super().__init__(message)
        self.status = status
        self.roles = roles
        self.action = action


class ReviewIncompleteError(StoreError):
    """A decision is missing what it needs (an approval without the DPO's opinion, an override without a reason)."""


class ImmutableError(StoreError):
    """An approved version or the audit log cannot be changed."""


class StorageError(StoreError):
    """The database could not do what was asked: a full disk, a read-only database, a revoked privilege,
    a lock held too long, a server that cannot be reached. The transaction was rolled back, so what was
    stored before is intact.

    Attributes:
        kind: ``disk_full``, ``read_only``, ``no_permission``, ``busy``, ``io_error``, ``unreachable``,
            ``damaged`` or ``resources``.
    """

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class ConflictError(StoreError):
    """The assessment changed since the caller read it; nothing was overwritten.

    Both values travel with the error so the UI can let the user choose. The losing write is also
    kept in the ``conflicts`` table (``conflict_id``), so it survives a crash of the client as well.

    Attributes:
        assessment_id: The assessment.
        question_id: The question being saved, or None for a workflow action.
        yours: The value the caller tried to save.
        stored: The value now stored for that question.
        expected_version: The version the caller read.
        stored_version: The version now stored.
        conflict_id: The row in the conflicts table that keeps ``yours``, when one was written.
    """

    def __init__(
        self,
        assessment_id: str,
        *,
        question_id: str | None,
        yours: Any,
        stored: Any,
        expected_version: int,
        stored_version: int,
        conflict_id: int | None = None,
    ) -> None:
        what = f"question {question_id!r}" if question_id else "this assessment"
        super().__init__(
            f"assessment {assessment_id} was changed by someone else (you edited version {expected_version}, "
            f"it is now at version {stored_version}); {what} was not overwritten: "
            f"yours={yours!r}, stored={stored!r}"
        )
        self.assessment_id = assessment_id
        self.question_id = question_id
        self.yours = yours
        self.stored = stored
        self.expected_version = expected_version
        self.stored_version = stored_version
        self.conflict_id = conflict_id


__all__ = [
    "ConflictError",
    "ImmutableError",
    "NotAllowedError",
    "NotFoundError",
    "ReviewIncompleteError",
    "StorageError",
    "StoreError",
]
