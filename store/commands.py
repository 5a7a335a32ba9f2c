"""The store's ``dpia`` commands: db upgrade, list, rescore, export, import (into the store).

Each takes ``--database URL`` (default ``$DPIA_DATABASE_URL``, else ``data/dpia.sqlite``). Results go to
standard output; progress of long runs goes to standard error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from contextlib import nullcontext
from dataclasses import asdict
from typing import Any

from sqlalchemy.engine import make_url

from store.db import Store, current_revision, database_url, head_revision, make_engine, open_store, upgrade
from store.errors import StoreError
from store.operations import RescoreStats, import_file, list_assessments, rescore, write_export

PROGRESS_EVERY = 1000


def _url(args: argparse.Namespace) -> str:
    return database_url(getattr(args, "database", None))


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _open(args: argparse.Namespace) -> Store:
    paths = getattr(args, "questionnaires", None)
    return open_store(_url(args), questionnaire_paths=paths)


def _user(args: argparse.Namespace) -> str:
    return getattr(args, "owner", None) or os.environ.get("DPIA_USER") or getpass.getuser()


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def cmd_db(args: argparse.Namespace) -> int:
    """``dpia db SUBCOMMAND``."""
    commands = {"upgrade": cmd_db_upgrade}
    return commands[args.db_command](args)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Create or migrate the database to the newest schema (``dpia db upgrade``)."""
    url = _url(args)
    engine = make_engine(url)
    try:
        before = current_revision(engine)
        after = upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        print(f"{_shown(url)}: already at revision {after} (newest: {head_revision()})")
    else:
        print(f"{_shown(url)}: migrated from {before or 'an empty database'} to revision {after}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """List assessments, filtered (``dpia list --status approved --overdue``)."""
    with _open(args) as store:
        rows = list_assessments(
            store,
            status=args.status,
            owner=args.owner,
            verdict=args.verdict,
            ai_act=args.ai_act,
            overdue=True if args.overdue else None,
            limit=args.limit,
        )
    if args.format == "json":
        print(json.dumps([asdict(r) for r in rows], default=_json_default, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("no assessment matches", file=sys.stderr)
        return 0
    header = ("ID", "STATUS", "REV", "DPIA", "AI ACT", "REVIEW", "OWNER", "TITLE")
    table = [
        (
            r.id,
            r.status,
            str(r.revision),
            r.dpia_verdict or "-",
            r.ai_act_status or "-",
            (r.review_date.isoformat() if r.review_date else "-") + (" OVERDUE" if r.overdue else ""),
            r.owner,
            r.title,
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [header, *table]) for i in range(len(header) - 1)]
    for line in [header, *table]:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=False)) + "  " + line[-1])
    return 0


def cmd_rescore(args: argparse.Namespace) -> int:
    """Re-score every stored assessment under the current questionnaires; list those whose outcome changes."""
    stats = RescoreStats()
    shown = {"at": 0}

    def progress(s: RescoreStats) -> None:
        if s.seen - shown["at"] >= args.progress_every:
            shown["at"] = s.seen
            print(f"rescore: {s.seen} scored, {s.changed} changed, {s.errors} errors", file=sys.stderr, flush=True)

    with _open(args) as store:
        store.questionnaires  # noqa: B018  (load now: a broken questionnaire fails before the run starts)
        changes = rescore(store, dry_run=args.dry_run, batch_size=args.batch_size, progress=progress, stats=stats)
        for change in changes:
            if args.format == "json":
                print(json.dumps(asdict(change), default=_json_default, ensure_ascii=False, sort_keys=True))
            else:
                what = change.error or "; ".join(change.changes)
                print(f"{change.assessment_id}  {change.status}  {change.title}: {what}")
    done = "would change" if args.dry_run else f"changed ({stats.written} written)"
    print(
        f"rescore: {stats.seen} scored, {stats.changed} {done}, {stats.errors} could not be scored",
        file=sys.stderr,
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export assessments (all, or the ids given) as one JSON file."""

    def progress(count: int) -> None:
        if count % args.progress_every == 0:
            print(f"export: {count} written", file=sys.stderr, flush=True)

    ids = args.ids or None
    with _open(args) as store:
        target = open(args.output, "w", encoding="utf-8") if args.output else nullcontext(sys.stdout)  # noqa: SIM115
        with target as out:
            count = write_export(store, out, ids, include_pdfs=not args.no_pdfs, progress=progress)
    if ids is not None and count != len(set(ids)):
        raise StoreError(f"{len(set(ids)) - count} of the ids given are not in the store")
    print(f"export: {count} assessment(s){' to ' + args.output if args.output else ''}", file=sys.stderr)
    return 0


def cmd_import_store(args: argparse.Namespace) -> int:
    """Import archived PDFs, store exports or answers files into the store (``dpia import FILE...``)."""
    owner = _user(args)
    imported = skipped = 0
    with _open(args) as store:
        for path in args.files:
            for result in import_file(store, path, owner=owner):
                imported += result.imported
                skipped += not result.imported
                print(f"{result.source}: {result.assessment_id}: {result.message}")
    print(f"import: {imported} imported, {skipped} skipped", file=sys.stderr)
    return 0


__all__ = ["cmd_db", "cmd_db_upgrade", "cmd_export", "cmd_import_store", "cmd_list", "cmd_rescore"]
