"""The audit log and approved versions cannot be changed; migrations run from empty and from each step."""

from __future__ import annotations

import random
import socket
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError
from store_helpers import Databases, approved, new_assessment

import store
from store.db import current_revision, downgrade, head_revision, make_engine, upgrade
from store.models import AssessmentVersion, AuditEntry, Base

# --- the audit log is append-only ---------------------------------------------------------------------------


def test_when_the_orm_changes_an_audit_entry_then_refused(db: store.Store) -> None:
    new_assessment(db)
    with pytest.raises(store.ImmutableError, match="append-only"), db.write() as session:
        entry = session.query(AuditEntry).first()
        assert entry is not None
        entry.actor = "mallory"
    assert {e.actor for e in store.audit_log(db)} != {"mallory"}


def test_when_the_orm_deletes_an_audit_entry_then_refused(db: store.Store) -> None:
    new_assessment(db)
    before = store.audit_log(db)
    with pytest.raises(store.ImmutableError), db.write() as session:
        session.delete(session.query(AuditEntry).first())
    assert store.audit_log(db) == before


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log", "UPDATE audit_log SET detail = NULL"],
)
def test_when_raw_sql_changes_the_audit_log_then_the_database_refuses(db: store.Store, statement: str) -> None:
    new_assessment(db)
    before = store.audit_log(db)
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
        connection.execute(text(statement))
    assert store.audit_log(db) == before


def test_when_raw_sql_empties_the_audit_log_at_once_then_refused(db: store.Store) -> None:
    new_assessment(db)
    # PostgreSQL's TRUNCATE skips row triggers (a statement trigger refuses it); SQLite has no TRUNCATE and its
    # unconditional DELETE shortcut is disabled by the DELETE trigger.
    statement = "TRUNCATE audit_log" if db.backend == "postgresql" else "DELETE FROM audit_log WHERE 1"
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
        connection.execute(text(statement))
    assert store.audit_log(db)


def test_when_anything_changes_an_approved_version_then_refused(db: store.Store) -> None:
    a = approved(db)
    [before] = store.versions(db, a.id)
    for statement in ("UPDATE assessment_versions SET answers = '{}'", "DELETE FROM assessment_versions"):
        with pytest.raises(DBAPIError, match="immutable"), db.engine.begin() as connection:
            connection.execute(text(statement))
    with pytest.raises(store.ImmutableError), db.write() as session:
        session.query(AssessmentVersion).one().decision = "rejected"
    assert store.versions(db, a.id) == [before]


def test_when_the_audit_log_is_added_to_then_it_keeps_growing(db: store.Store) -> None:
    a = new_assessment(db)
    store.submit(db, a.id, "alice", a.version)
    assert [e.action for e in store.audit_log(db, a.id)] == ["create", "submit"]


# --- migrations -----------------------------------------------------------------------------------------------


def test_when_the_database_is_empty_then_first_use_creates_the_schema(databases: Databases) -> None:
    url = databases.empty_url()
    opened = store.open_store(url)
    try:
        assert current_revision(opened.engine) == head_revision()
        with opened.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert store.ensure_user(opened, "alice") == ("author",)
    finally:
        opened.close()


def test_when_the_default_url_is_used_then_data_folder_and_sqlite_file_are_created(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    monkeypatch.delenv("DPIA_DATABASE_URL", raising=False)
    opened = store.open_store()
    try:
        assert opened.url == "sqlite:///data/dpia.sqlite"
        with opened.engine.connect() as connection:
            pragmas = [connection.exec_driver_sql(f"PRAGMA {p}").scalar() for p in ("journal_mode", "foreign_keys")]
            assert pragmas == ["wal", 1]
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    finally:
        opened.close()
    assert (tmp_path / "data" / "dpia.sqlite").is_file()  # type: ignore[operator]


def test_when_the_env_names_a_url_then_it_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/elsewhere.sqlite"
    monkeypatch.setenv("DPIA_DATABASE_URL", url)
    assert store.database_url() == url
    assert store.database_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"


def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("case", "kind", "what"),
    [
        ("server-out-of-reach", "unreachable", "the database cannot be reached or opened (connection failed"),
        ("not-a-database", "damaged", "the database file is damaged (file is not a database)"),
        ("folder-under-a-file", "unreachable", "the database cannot be reached or opened (cannot create the folder"),
    ],
)
def test_when_the_database_cannot_be_opened_then_a_storage_error_says_why_without_the_password(
    tmp_path: Path, case: str, kind: str, what: str
) -> None:
    if case == "server-out-of-reach":
        url = f"postgresql+psycopg://dpia:s3cret-pw@127.0.0.1:{closed_port()}/dpia"
    elif case == "not-a-database":
        (tmp_path / "app.sqlite").write_bytes(random.Random(7).randbytes(8192))
        url = f"sqlite:///{tmp_path}/app.sqlite"
    else:
        (tmp_path / "file").write_text("a file, not a folder")
        url = f"sqlite:///{tmp_path}/file/data/app.sqlite"
    with pytest.raises(store.StorageError) as caught:
        store.open_store(url, questionnaires={})
    shown = url.replace("s3cret-pw", "***")
    assert caught.value.kind == kind
    assert str(caught.value).startswith(f"cannot open the database {shown}: {what}"), str(caught.value)
    assert "s3cret-pw" not in str(caught.value)


def test_when_a_broken_sqlite_file_is_replaced_then_the_store_opens_again(tmp_path: Path) -> None:
    path = tmp_path / "app.sqlite"
    path.write_bytes(b"not a database" * 512)
    with pytest.raises(store.StorageError, match="damaged"):
        store.open_store(f"sqlite:///{path}", questionnaires={})
    path.unlink()
    with store.open_store(f"sqlite:///{path}", questionnaires={}) as opened:
        assert current_revision(opened.engine) == head_revision()


def revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    from store.db import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def seed_0001(engine) -> None:  # type: ignore[no-untyped-def]
    """Rows as migration 0001 knew them (plain SQL, no ORM: the models follow the newest schema)."""
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO users (id, name, created) VALUES ('alice', 'Alice', :t)"), {"t": NOW})
        connection.execute(text("INSERT INTO user_roles (user_id, role) VALUES ('alice', 'author')"))
        connection.execute(
            text(
                "INSERT INTO assessments (id, title, owner_id, questionnaire_id, questionnaire_version, metadata, "
                "answers, review, status, version, revision, created, updated) VALUES ('old1', 'Old', 'alice', "
                "'sample', '1.0.0', '{\"feature\": \"Old\"}', '{\"context.people\": 3}', '{}', 'draft', 1, 1, :t, :t)"
            ),
            {"t": NOW},
        )
        connection.execute(
            text("INSERT INTO audit_log (at, actor, assessment_id, action) VALUES (:t, 'alice', 'old1', 'create')"),
            {"t": NOW},
        )


NOW = "2026-01-02 03:04:05"


@pytest.mark.parametrize("step", range(1, len(revisions())))
def test_when_a_database_made_by_the_previous_migration_is_upgraded_then_its_data_stays(
    databases: Databases, step: int, questionnaires: dict
) -> None:
    url = databases.empty_url()
    engine = make_engine(url)
    steps = revisions()
    assert upgrade(engine, steps[step - 1]) == steps[step - 1]
    seed_0001(engine)
    assert upgrade(engine) == head_revision()
    engine.dispose()
    opened = store.open_store(url, questionnaires=questionnaires)
    try:
        old = store.get_assessment(opened, "old1")
        assert (old.title, old.answers, old.status) == ("Old", {"context.people": 3}, "draft")
        saved = store.save_answer(opened, "old1", "context.people", 4, old.version, "alice")
        assert saved.outcome["dpia"] == "not_required"
        with pytest.raises(DBAPIError, match="append-only"), opened.engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_log"))
        assert [e.action for e in store.audit_log(opened, "old1")] == ["create"]
    finally:
        opened.close()


def test_when_migrated_down_to_nothing_and_up_again_then_the_schema_is_complete(databases: Databases) -> None:
    url = databases.empty_url()
    engine = make_engine(url)
    upgrade(engine)
    downgrade(engine, "base")
    assert [t for t in inspect(engine).get_table_names() if t != "alembic_version"] == []
    upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_when_several_threads_open_a_new_database_at_once_then_it_is_migrated_once(databases: Databases) -> None:
    url = databases.empty_url()
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            store.open_store(url).close()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    engine = create_engine(url)
    assert current_revision(engine) == head_revision()
    engine.dispose()
