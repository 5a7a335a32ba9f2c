"""The store's dpia commands (db upgrade, list, rescore, export, import) and scripts/pg-throwaway.sh."""

from __future__ import annotations

import glob
import io
import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from store_helpers import HOTEL_ANSWERS, Databases, new_assessment

import store
from cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "fixtures" / "sample.yaml"
SCRIPT = ROOT / "scripts" / "pg-throwaway.sh"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_db_upgrade_creates_then_reports_the_revision(databases: Databases, capsys: pytest.CaptureFixture[str]) -> None:
    url = databases.empty_url()
    code, out, _ = run(capsys, "db", "upgrade", "--database", url)
    assert code == 0 and "migrated from an empty database to revision 0003" in out
    code, out, _ = run(capsys, "db", "upgrade", "--database", url)
    assert code == 0 and "already at revision 0003" in out


def test_db_upgrade_uses_the_environment_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DPIA_DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite")
    assert run(capsys, "db", "upgrade")[0] == 0
    assert (tmp_path / "env.sqlite").is_file()


def test_a_database_that_cannot_be_reached_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "list", "--database", "postgresql+psycopg://u:secret@127.0.0.1:1/x")
    assert code == 1
    assert "cannot open the database" in err and "secret" not in err and "Traceback" not in err


def test_list_filters_and_prints_json(db: store.Store, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    hotel = new_assessment(db, "Hotel", answers=HOTEL_ANSWERS)
    small = new_assessment(db, "Small", owner="bob")
    code, out, _ = run(capsys, "list", "--database", db_url)
    assert code == 0 and hotel.id in out and small.id in out and out.startswith("ID")
    code, out, _ = run(capsys, "list", "--database", db_url, "--verdict", "required", "--format", "json")
    assert [row["id"] for row in json.loads(out)] == [hotel.id]
    code, out, _ = run(capsys, "list", "--database", db_url, "--owner", "bob", "--status", "draft")
    assert small.id in out and hotel.id not in out


def test_rescore_lists_changes_and_shows_progress(
    db: store.Store, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hotel = new_assessment(db, "Hotel", answers=HOTEL_ANSWERS)
    new_assessment(db, "Small", answers={"context.people": 10})
    newer = tmp_path / "sample.yaml"
    newer.write_text(
        SAMPLE.read_text(encoding="utf-8").replace(
            "gte: {question: context.people, value: 1000}", "gte: {question: context.people, value: 10000}"
        ),
        encoding="utf-8",
    )
    args = ("rescore", "--database", db_url, "--questionnaires", str(newer), "--batch-size", "1")
    code, out, err = run(capsys, *args, "--dry-run", "--progress-every", "1")
    assert code == 0
    assert out.splitlines()[0].startswith(f"{hotel.id}  draft  Hotel: ")
    assert "finding R-MON-001 no longer fires" in out and len(out.splitlines()) == 1
    assert "rescore: 1 scored" in err and "rescore: 2 scored, 1 would change" in err
    code, out, err = run(capsys, *args, "--format", "json")
    assert json.loads(out)["assessment_id"] == hotel.id and "(1 written)" in err
    code, out, _ = run(capsys, *args)
    assert out == ""


def test_export_then_import_into_another_database(
    db: store.Store, db_url: str, databases: Databases, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hotel = new_assessment(db, "Hotel", answers=HOTEL_ANSWERS)
    exported = tmp_path / "export.json"
    code, _, err = run(capsys, "export", "--database", db_url, "-o", str(exported), "--progress-every", "1")
    assert code == 0 and "export: 1 written" in err
    other = databases.new_url()
    code, out, err = run(capsys, "import", str(exported), "--database", other, "--questionnaires", str(SAMPLE))
    assert code == 0 and f"{hotel.id}: imported" in out and "1 imported, 0 skipped" in err
    code, out, err = run(capsys, "import", str(exported), "--database", other, "--questionnaires", str(SAMPLE))
    assert "0 imported, 1 skipped" in err
    code, out, _ = run(capsys, "export", hotel.id, "--database", other)
    assert json.loads(out)["assessments"][0]["answers"] == store.get_assessment(db, hotel.id).answers


def test_an_export_bigger_than_the_answers_file_cap_still_imports(
    db: store.Store, db_url: str, databases: Databases, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hotel = new_assessment(db, "Hotel", answers=HOTEL_ANSWERS)
    out = io.StringIO()
    store.write_export(db, out)
    data = json.loads(out.getvalue())
    data["assessments"][0]["audit"][0]["detail"] = {"note": "x" * 3_000_000}  # bigger than the answers-file cap
    exported = tmp_path / "big.json"
    exported.write_text(json.dumps(data), encoding="utf-8")
    code, out_text, err = run(capsys, "import", str(exported), "--database", databases.new_url())
    assert code == 0, err
    assert f"{hotel.id}: imported" in out_text


def test_import_of_an_answers_file_needs_its_questionnaire(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    answers = ROOT / "tests" / "fixtures" / "answers" / "sample-hotel.yaml"
    args = ("import", str(answers), "--database", db_url, "--questionnaires", str(SAMPLE), "--owner", "erin")
    code, out, _ = run(capsys, *args)
    assert code == 0 and "imported as draft" in out
    code, out, _ = run(capsys, "list", "--database", db_url, "--owner", "erin")
    assert "Mood cameras in the lobby" in out


# --- scripts/pg-throwaway.sh --------------------------------------------------------------------------------


@pytest.mark.postgres
def test_pg_throwaway_starts_a_loopback_cluster_and_stops_it() -> None:
    if not (os.environ.get("PGBIN") or glob.glob("/usr/lib/postgresql/*/bin/initdb")):
        if os.environ.get("DPIA_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL server binaries are required")
        pytest.skip("no PostgreSQL server binaries")
    folder = Path(tempfile.mkdtemp(prefix="dpia-pg-script.", dir="/tmp"))
    folder.rmdir()
    last = Path(os.environ.get("TMPDIR", "/tmp")) / "dpia-pg-throwaway.last"
    last_before = last.read_text() if last.exists() else None
    started = subprocess.run([str(SCRIPT), "start", str(folder)], capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    url = started.stdout.strip()
    try:
        assert url.startswith("postgresql+psycopg://postgres@127.0.0.1:") and url.endswith("/dpia_test")
        shown = subprocess.run([str(SCRIPT), "url", str(folder)], capture_output=True, text=True, check=True)
        assert shown.stdout.strip() == url
        engine = create_engine(url)
        with engine.connect() as connection:
            assert connection.execute(text("SHOW fsync")).scalar() == "off"
            assert connection.execute(text("SHOW listen_addresses")).scalar() == "127.0.0.1"
        engine.dispose()
    finally:
        stopped = subprocess.run([str(SCRIPT), "stop", str(folder)], capture_output=True, text=True, timeout=120)
    assert stopped.returncode == 0, stopped.stderr
    assert not folder.exists()
    assert (last.read_text() if last.exists() else None) == last_before  # CI's own cluster stays "the last"
    bad = subprocess.run([str(SCRIPT), "bogus"], capture_output=True, text=True)
    assert bad.returncode == 2 and "usage" in bad.stderr
