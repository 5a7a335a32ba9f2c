"""Persistence: assessments, review workflow, approved versions with their PDFs, an append-only audit log.

SQLAlchemy 2 with one code path for SQLite (the default file ``data/dpia.sqlite``) and PostgreSQL
(``DPIA_DATABASE_URL``); Alembic migrations run on first use. Everything takes a :class:`Store` first::

    store = open_store()  # or open_store("postgresql+psycopg://...")
    ensure_user(store, "alice", ["author"])
    a = create_assessment(store, "screening", "Mood cameras", owner="alice")
    saved = save_answer(store, a.id, "tech.uses_cameras", True, a.version, "alice")  # autosave
    submit(store, a.id, "alice", saved.version)

May import ``engine`` (and ``report``, lazily, to render and read archival PDFs); never the UI.
"""

from store import audit as _audit  # noqa: F401  (registers the ORM guard on the audit log)
from store.assessments import (
    AssessmentView,
    ConflictView,
    Saved,
    create_assessment,
    ensure_user,
    get_assessment,
    list_conflicts,
    outcome_changes,
    outcome_of,
    resolve_conflict,
    save_answer,
    save_answers,
    save_metadata,
    set_roles,
    user_roles,
)
from store.audit import AuditRecord, audit_log
from store.db import Store, database_url, open_store, upgrade
from store.errors import (
    ConflictError,
    ImmutableError,
    NotAllowedError,
    NotFoundError,
    ReviewIncompleteError,
    StoreError,
)
from store.operations import (
    ImportResult,
    RescoreChange,
    RescoreStats,
    Summary,
    VersionDiff,
    diff_versions,
    export_records,
    import_archive,
    import_assessment,
    import_export,
    import_file,
    list_assessments,
    rescore,
    write_export,
)
from store.review import (
    CommentView,
    OverrideView,
    VersionView,
    add_comment,
    add_override,
    approve,
    archive,
    comments,
    engine_assessment,
    evaluation_of,
    overrides,
    perform,
    record_opinion,
    reject,
    request_changes,
    resolve_comment,
    start_review,
    submit,
    version_pdf,
    versions,
    withdraw,
)
from store.workflow import WORKFLOW, allowed_actions

__all__ = [
    "WORKFLOW",
    "AssessmentView",
    "AuditRecord",
    "CommentView",
    "ConflictError",
    "ConflictView",
    "ImmutableError",
    "ImportResult",
    "NotAllowedError",
    "NotFoundError",
    "OverrideView",
    "RescoreChange",
    "RescoreStats",
    "ReviewIncompleteError",
    "Saved",
    "Store",
    "StoreError",
    "Summary",
    "VersionDiff",
    "VersionView",
    "add_comment",
    "add_override",
    "allowed_actions",
    "approve",
    "archive",
    "audit_log",
    "comments",
    "create_assessment",
    "database_url",
    "diff_versions",
    "engine_assessment",
    "ensure_user",
    "evaluation_of",
    "export_records",
    "get_assessment",
    "import_archive",
    "import_assessment",
    "import_export",
    "import_file",
    "list_assessments",
    "list_conflicts",
    "open_store",
    "outcome_changes",
    "outcome_of",
    "overrides",
    "perform",
    "record_opinion",
    "reject",
    "request_changes",
    "rescore",
    "resolve_comment",
    "resolve_conflict",
    "save_answer",
    "save_answers",
    "save_metadata",
    "set_roles",
    "start_review",
    "submit",
    "upgrade",
    "user_roles",
    "version_pdf",
    "versions",
    "withdraw",
    "write_export",
]
