"""Damaged, truncated, foreign or tampered PDFs are refused with the project's clear error; never a traceback.

Each input goes through every way a PDF comes in: ``read_archive``, ``verify_pdf``, ``dpia verify``,
``dpia import FILE.pdf -o answers.yaml`` and the store's import (``dpia import`` without ``-o``).
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pikepdf import Name

import store
from engine.answers import check_answers, load_answers
from engine.errors import DpiaError
from report import ArchiveError, read_archive, render_pdf, verify_pdf
from tests.fuzz.conftest import SAMPLE_HOTEL, catalog, fuzz_settings, no_hang, run_cli
from tests.fuzz.strategies import drawn, json_values, mutate
from tests.report.report_helpers import with_review


@cache
def archive() -> bytes:
    """A real archived report: the sample hotel assessment, reviewed and approved."""
    q = catalog()["sample"]
    assessment = with_review(load_answers(SAMPLE_HOTEL, {"sample": q}).assessment)
    return render_pdf(q, assessment, status="approved", version=2, generated="2026-12-03")


@cache
def record() -> dict[str, Any]:
    return read_archive(archive()).record


def foreign_pdf(text: str) -> bytes:
    """A plain ReportLab PDF: no attachment, not PDF/A."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, invariant=1)
    page.drawString(72, 720, text.encode("ascii", "replace").decode())
    page.save()
    return out.getvalue()


def with_attachment(payload: bytes | None, name: str = "assessment.json", data: bool = True) -> bytes:
    """The real archive with its ``assessment.json`` replaced by ``payload`` (or removed when None)."""
    with pikepdf.open(io.BytesIO(archive())) as pdf:
        del pdf.attachments["assessment.json"]
        if payload is not None:
            spec = pikepdf.AttachedFileSpec(pdf, payload, filename=name, mime_type="application/json")
            if data:
                spec.obj[Name.AFRelationship] = Name.Data
            pdf.attachments[name] = spec
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def encrypted() -> bytes:
    with pikepdf.open(io.BytesIO(archive())) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="u"))
        return out.getvalue()


def truncated(draw: st.DrawFn) -> bytes:
    raw = archive()
    return raw[: draw(st.integers(0, len(raw) - 1), label="cut at")]


def flipped(draw: st.DrawFn) -> bytes:
    raw = bytearray(archive())
    for _ in range(draw(st.integers(1, 8), label="flips")):
        offset = draw(st.integers(0, len(raw) - 1) | st.integers(len(raw) - 2048, len(raw) - 1), label="offset")
        raw[offset] ^= draw(st.integers(1, 255), label="xor")
    return bytes(raw)


def tampered_record(draw: st.DrawFn) -> bytes:
    doc: Any = record()
    for _ in range(draw(st.integers(1, 3), label="changes")):
        doc = draw(drawn(mutate, doc), label="record")
    return with_attachment(json.dumps(doc).encode())


def other_attachment(draw: st.DrawFn) -> bytes:
    payload = draw(st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()), label="payload")
    name = draw(st.sampled_from(["assessment.json", "answers.json", "other.bin"]), label="name")
    return with_attachment(payload, name, data=draw(st.booleans(), label="AFRelationship"))


def random_pdfish(draw: st.DrawFn) -> bytes:
    body = draw(st.binary(max_size=2000), label="body")
    return draw(st.sampled_from([b"", b"%PDF-1.7\n"]), label="head") + body + draw(st.sampled_from([b"", b"\n%%EOF\n"]))


KINDS: dict[str, Callable[[st.DrawFn], bytes]] = {
    "truncated": truncated,
    "flipped": flipped,
    "tampered record": tampered_record,
    "other attachment": other_attachment,
    "random": random_pdfish,
    "foreign": lambda draw: foreign_pdf(draw(st.text(max_size=40), label="text")),
    "no attachment": lambda draw: with_attachment(None),
    "encrypted": lambda draw: encrypted(),
}


@st.composite
def hostile_pdfs(draw: st.DrawFn) -> bytes:
    return KINDS[draw(st.sampled_from(sorted(KINDS)), label="kind")](draw)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[store.Store]:
    """One store for every example of the module: an import never depends on another."""
    folder = tmp_path_factory.mktemp("imports")
    opened = store.open_store(f"sqlite:///{folder}/imports.sqlite", questionnaires=catalog())
    yield opened
    opened.close()


def check_every_way_in(raw: bytes, db: store.Store) -> None:
    """Each way in refuses ``raw`` with the project's error, or reads it consistently with the others.

    A file ``read_archive`` refuses is refused the same way by the commands (they call it first), so those
    are run on it once; a readable one also goes through the store, and its extracted answers read back.
    """
    with no_hang(), tempfile.TemporaryDirectory() as folder:
        try:
            archived = read_archive(raw)
        except ArchiveError as e:
            assert str(e).strip()
            archived = None
        result = verify_pdf(raw)
        assert result.ok or result.reasons
        assert archived is not None or not result.ok
        path, answers = Path(folder) / "in.pdf", Path(folder) / "answers.yaml"
        path.write_bytes(raw)
        if archived is None:
            code, err = run_cli("verify", str(path))
            assert code == 1 and err.startswith("error: ") and "Traceback" not in err
        code, err = run_cli("import", str(path), "-o", str(answers))
        assert "Traceback" not in err
        assert code == (1 if archived is None else 0), err
        if archived is None:
            return
        try:
            back = load_answers(answers, catalog()).assessment
        except DpiaError:
            back = None  # a tampered record may name an unknown questionnaire or hold wrong answers
        if back is not None:  # read back as an answers file reads: checked and normalised
            assert back.answers == check_answers(catalog()[back.questionnaire], archived.assessment.answers)[0]
        try:
            store.import_file(db, path, owner="fuzz")
        except DpiaError as e:
            assert str(e).strip()


@fuzz_settings(40)
@given(hostile_pdfs())
@example(b"")
@example(b"%PDF-1.7\n%%EOF")
def test_any_damaged_or_foreign_pdf_is_refused_with_a_clear_error(db: store.Store, raw: bytes) -> None:
    check_every_way_in(raw, db)


@pytest.mark.parametrize(
    "change",
    [
        {"questionnaire": "sample"},  # was: AttributeError ('str' object has no attribute 'get')
        {"questionnaire": ["sample"]},
        {"report": [1, 2]},  # was: TypeError from dict()
        {"report": "approved"},  # was: ValueError from dict()
        {"evaluation": "x"},
        {"assessment": None},
    ],
)
def test_a_record_with_a_wrong_shape_is_refused_or_read(db: store.Store, change: dict[str, Any]) -> None:
    check_every_way_in(with_attachment(json.dumps({**record(), **change}).encode()), db)


def test_the_real_archive_passes_every_way_in(db: store.Store, tmp_path: Path) -> None:
    assert verify_pdf(archive()).ok
    check_every_way_in(archive(), db)
    (tmp_path / "in.pdf").write_bytes(archive())
    assert run_cli("verify", str(tmp_path / "in.pdf")) == (0, "")
