"""Helpers shared by the store tests (set-up shortcuts that bypass the workflow on purpose)."""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

import store
from store.db import now
from store.models import Assessment, Comment

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
USERS = {"alice": ("author",), "bob": ("author",), "dora": ("reviewer",), "adam": ("admin",)}

HOTEL_ANSWERS: dict[str, Any] = {
    "context.feature": "Mood cameras",
    "context.people": 5000,
    "context.description": "Cameras read moods.",
    "tech.cameras": True,
    "tech.analysis": ["emotions", "faces"],
    "tech.setting": "public_area",
    "data.inventory": [{"category": "health", "needed": False, "retention_days": 400}],
    "risk.access": {"likelihood_before": 4, "severity_before": 4, "likelihood_after": 3, "severity_after": 3},
}


def new_assessment(db: store.Store, title: str = "Mood cameras", owner: str = "alice", **kwargs: Any) -> Any:
    return store.create_assessment(db, "sample", title, owner, **kwargs)


def force_status(db: store.Store, assessment_id: str, status: str) -> int:
    """Put an assessment straight into ``status`` (test set-up only); returns the new version."""
    with db.write() as session:
        row = session.get(Assessment, assessment_id)
        assert row is not None
        row.status = status
        if status in ("in_review", "changes_requested", "approved", "rejected", "archived"):
            row.review = {**row.review, "reviewer": "Dora"}
        session.flush()
        return row.version


def add_comment_row(db: store.Store, assessment_id: str) -> int:
    """A comment written directly (so resolve_comment can be tried in any status)."""
    with db.write() as session:
        row = session.get(Assessment, assessment_id)
        assert row is not None
        comment = Comment(
            assessment_id=assessment_id,
            revision=row.revision,
            question_id="tech.cameras",
            author="dora",
            text="Which cameras?",
            verdict="improvable",
            resolved=False,
            created=now(),
        )
        session.add(comment)
        session.flush()
        return comment.id


def to_review(db: store.Store, answers: dict[str, Any] | None = None, title: str = "Mood cameras") -> Any:
    """An assessment taken through draft -> submitted -> in_review by the real workflow."""
    a = new_assessment(db, title, answers=answers if answers is not None else HOTEL_ANSWERS)
    a = store.submit(db, a.id, "alice", a.version)
    return store.start_review(db, a.id, "dora", a.version)


def approved(db: store.Store, answers: dict[str, Any] | None = None, title: str = "Mood cameras") -> Any:
    """An assessment approved through the real workflow (renders the real archival PDF)."""
    a = to_review(db, answers, title)
    store.add_comment(db, a.id, "dora", "Say which cameras.", question_id="tech.cameras", verdict="improvable")
    store.add_override(db, a.id, "dora", "risk.access", 2, "Encrypted at rest", field="severity_after")
    store.approve(db, a.id, "dora", a.version, opinion="Proportionate with the measures taken.")
    return store.get_assessment(db, a.id)


def add_users(opened: store.Store) -> None:
    for user, roles in USERS.items():
        store.ensure_user(opened, user, roles, name=user.capitalize())


def admin_engine(url: str) -> Engine:
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


class Databases:
    """Makes fresh, migrated databases of one backend; drops the PostgreSQL ones at the end."""

    def __init__(self, backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
        self.backend = backend
        self.request = request
        self.tmp_path = tmp_path
        self.created: list[str] = []

    def new_url(self) -> str:
        if self.backend == "sqlite":
            template: Path = self.request.getfixturevalue("sqlite_template")
            path = self.tmp_path / f"db-{uuid.uuid4().hex[:8]}.sqlite"
            shutil.copyfile(template, path)
            return f"sqlite:///{path}"
        server: str = self.request.getfixturevalue("pg_server")
        template_name: str = self.request.getfixturevalue("pg_template")
        name = f"dpia_t_{uuid.uuid4().hex[:12]}"
        admin = admin_engine(server)
        for attempt in range(50):
            try:
                with admin.connect() as connection:
                    connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
                break
            except OperationalError as e:
                # a backend of the template's last (closed) connection may still be exiting
                if "being accessed by other users" not in str(e) or attempt == 49:
                    raise
                time.sleep(0.1)
        admin.dispose()
        self.created.append(name)
        return make_url(server).set(database=name).render_as_string(hide_password=False)

    def empty_url(self) -> str:
        """A database with no tables at all (to test migrations)."""
        if self.backend == "sqlite":
            return f"sqlite:///{self.tmp_path / f'empty-{uuid.uuid4().hex[:8]}.sqlite'}"
        server: str = self.request.getfixturevalue("pg_server")
        name = f"dpia_e_{uuid.uuid4().hex[:12]}"
        admin = admin_engine(server)
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created.append(name)
        return make_url(server).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.created:
            return
        admin = admin_engine(self.request.getfixturevalue("pg_server"))
        with admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
