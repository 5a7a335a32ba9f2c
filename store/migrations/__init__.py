"""Alembic migrations, run in code by :func:`store.db.upgrade` (no alembic.ini)."""
