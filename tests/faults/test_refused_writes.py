"""A full disk, a read-only database, a revoked privilege, a lock held too long during autosave: the store says
what happened in its own error (StorageError), the last acknowledged save is intact, and saving works again
once repaired.

PostgreSQL's full disk is its data on a tablespace that fills (the WAL disk filling makes the server stop:
that is the server's own recovery, not the app's, and is not simulated here).
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

import store
from store.assessments import get_row
from tests.faults.fault_helpers import (
    SAID,
    Fault,
    FullTablespace,
    FullTmpfs,
    PageLimit,
    PostgresReadOnly,
    PostgresRevoked,
    SqliteOpenedReadOnly,
    SqliteReadOnlyFile,
    new_database,
    sqlite_intact,
    state,
)
from tests.store.store_helpers import add_users, new_assessment

Build = Callable[[pytest.FixtureRequest, Path, dict[str, Any]], Fault]


def _on(backend: str, make: Callable[[str, dict[str, Any]], Fault]) -> Build:
    def build(request: pytest.FixtureRequest, tmp_path: Path, questionnaires: dict[str, Any]) -> Fault:
        url, databases = new_database(backend, request, tmp_path)
        request.addfinalizer(databases.drop_all)
        return make(url, questionnaires)

    return build


def _full_tmpfs(request: pytest.FixtureRequest, tmp_path: Path, questionnaires: dict[str, Any]) -> Fault:
    return FullTmpfs(tmp_path / "disk", request.getfixturevalue("sqlite_template"), questionnaires)


def _full_tablespace(request: pytest.FixtureRequest, tmp_path: Path, questionnaires: dict[str, Any]) -> Fault:
    server, template = request.getfixturevalue("pg_server"), request.getfixturevalue("pg_template")
    return FullTablespace(server, template, questionnaires)


FAULTS: dict[str, Build] = {
    "sqlite-full-tmpfs": _full_tmpfs,
    "sqlite-full-max-page-count": _on("sqlite", PageLimit),
    "postgresql-full-tablespace": _full_tablespace,
    "sqlite-opened-read-only": _on("sqlite", SqliteOpenedReadOnly),
    "sqlite-read-only-file": _on("sqlite", SqliteReadOnlyFile),
    "postgresql-read-only": _on("postgresql", PostgresReadOnly),
    "postgresql-revoked-privilege": _on("postgresql", PostgresRevoked),
}


@pytest.fixture(
    params=[
        pytest.param(name, marks=pytest.mark.postgres) if name.startswith("postgresql") else name for name in FAULTS
    ]
)
def fault(request: pytest.FixtureRequest, tmp_path: Path, questionnaires: dict[str, Any]) -> Iterator[Fault]:
    made = FAULTS[request.param](request, tmp_path, questionnaires)
    try:
        yield made
    finally:
        made.close()


def big(i: int) -> str:
    return f"{i} " + os.urandom(9000).hex()  # 18 kB that do not compress: new pages every time


def test_when_the_database_refuses_an_autosave_then_a_clear_error_and_the_last_save_is_intact(fault: Fault) -> None:
    db = fault.open()
    a = new_assessment(db, answers={"context.people": 5})
    value = "saved before the fault"
    version = store.save_answer(db, a.id, "context.description", value, a.version, "alice").version
    broken = fault.begin(db)
    error = None
    for i in range(30):  # a disk is full to the byte; SQLite or PostgreSQL may still have room in a page or two
        attempt = big(i)
        try:
            version = store.save_answer(broken, a.id, "context.description", attempt, version, "alice").version
            value = attempt
        except store.StorageError as e:
            error = e
            break
    assert error is not None, "the database accepted 30 saves of 18 kB after the fault"
    assert error.kind == fault.kind
    assert str(error).startswith(SAID[fault.kind]), str(error)
    if fault.kind != "disk_full":  # a workflow step (the ORM path) is refused the same way
        with pytest.raises(store.StorageError, match=SAID[fault.kind]):
            store.submit(broken, a.id, "alice", version)
    during = state(broken, a.id)  # reading still works
    fixed = fault.end(db)
    after = state(fixed, a.id)
    assert after == during
    answers, stored_version, status, *_ = after
    assert (answers["context.description"], stored_version, status) == (value, version, "draft")
    assert store.list_conflicts(fixed, a.id) == []
    sqlite_intact(fault.url)
    saved = store.save_answer(fixed, a.id, "context.description", "saved after the repair", version, "alice")
    assert saved.version == version + 1
    fixed.close()


def test_when_another_writer_holds_the_lock_too_long_then_the_autosave_says_the_database_is_busy(
    db_url: str, questionnaires: dict[str, Any]
) -> None:
    if db_url.startswith("postgresql"):
        default = store.open_store(db_url, questionnaires=questionnaires)
        with default, default.engine.connect() as connection:  # the store's own wait: as long as SQLite's
            assert connection.exec_driver_sql("SHOW lock_timeout").scalar_one() == "15s"
        db = store.open_store(db_url, questionnaires=questionnaires, connect_args={"options": "-c lock_timeout=300"})
    else:
        db = store.open_store(db_url, questionnaires=questionnaires)

        @event.listens_for(db.engine, "connect")
        def wait_less(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout = 300")  # instead of 15 s

        db.engine.dispose()
    add_users(db)
    a = new_assessment(db)
    other = store.open_store(db_url, questionnaires=questionnaires)
    try:
        with other.write() as session:
            get_row(session, a.id, lock=True)  # another session's open transaction holds the assessment
            with pytest.raises(store.StorageError) as caught:
                store.save_answer(db, a.id, "context.people", 7, a.version, "alice")
        assert caught.value.kind == "busy"
        assert str(caught.value).startswith(
            "the database stayed busy with other changes for too long; your last change was not saved"
        )
        assert store.save_answer(db, a.id, "context.people", 7, a.version, "alice").version == a.version + 1
    finally:
        other.close()
        db.close()


def test_when_the_server_cannot_be_reached_then_a_clear_error_that_does_not_claim_too_much(
    questionnaires: dict[str, Any],
) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    db = store.open_store(
        f"postgresql+psycopg://dpia@127.0.0.1:{port}/dpia", questionnaires=questionnaires, migrate=False
    )
    try:
        with pytest.raises(store.StorageError) as caught:
            store.save_answer(db, "a1", "context.people", 7, 1, "alice")
        assert caught.value.kind == "unreachable"
        # a connection lost after the COMMIT was sent leaves the outcome unknown: the message says so
        assert str(caught.value).startswith("the database cannot be reached or opened; your last change may not")
        with pytest.raises(store.StorageError, match=r"cannot be reached or opened; nothing could be read"):
            store.get_assessment(db, "a1")
    finally:
        db.close()


def test_when_the_server_never_answers_then_the_store_gives_up_after_its_connect_timeout(
    questionnaires: dict[str, Any],
) -> None:
    """A host that takes the connection and then says nothing (as behind a firewall that drops packets): without
    a connect timeout every page would wait minutes; the store says the database is out of reach instead."""
    with socket.socket() as silent:  # the kernel completes the handshake; nobody ever reads or answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        db = store.open_store(
            f"postgresql+psycopg://dpia@127.0.0.1:{port}/dpia", questionnaires=questionnaires, migrate=False
        )
        raised: list[BaseException] = []

        def read() -> None:
            try:
                store.get_assessment(db, "a1")
            except BaseException as e:  # checked below
                raised.append(e)

        reader = threading.Thread(target=read, daemon=True)  # a hang fails the test instead of stalling CI
        reader.start()
        reader.join(120)
        try:
            assert not reader.is_alive(), "still connecting: no connect timeout"
            assert len(raised) == 1 and isinstance(raised[0], store.StorageError), raised
            assert "cannot be reached or opened; nothing could be read" in str(raised[0])
        finally:
            if not reader.is_alive():
                db.close()
