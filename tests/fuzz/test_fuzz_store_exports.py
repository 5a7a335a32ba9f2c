"""A damaged store export given to ``dpia import`` is imported or refused with the project's error; never a traceback."""

from __future__ import annotations

import io
import json
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import store
from engine.answers import load_answers
from engine.errors import DpiaError
from tests.fuzz.conftest import SAMPLE, SAMPLE_HOTEL, catalog, fuzz_settings, no_hang, run_cli
from tests.fuzz.strategies import drawn, mutate


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, Any], store.Store]]:
    """A real export (one assessment with a comment) and an empty store to import it into, again and again."""
    folder = tmp_path_factory.mktemp("exports")
    questionnaires = {"sample": catalog()["sample"]}
    source = store.open_store(f"sqlite:///{folder}/source.sqlite", questionnaires=questionnaires)
    target = store.open_store(f"sqlite:///{folder}/target.sqlite", questionnaires=questionnaires)
    try:
        store.ensure_user(source, "ada", ["author"], name="Ada")
        store.ensure_user(source, "dana", ["reviewer"], name="Dana")
        answers = load_answers(SAMPLE_HOTEL, questionnaires).assessment.answers
        created = store.create_assessment(source, "sample", "Mood cameras", "ada", answers=answers)
        for user, action in (("ada", "submit"), ("dana", "start_review")):
            store.perform(source, created.id, action, user, store.get_assessment(source, created.id).version)
        store.add_comment(source, created.id, "dana", "Check the retention.", question_id="tech.cameras")
        out = io.StringIO()
        store.write_export(source, out)
        yield json.loads(out.getvalue()), target
    finally:
        source.close()
        target.close()


def imported_or_refused(doc: Any, target: store.Store) -> None:
    """The property: a clear refusal, or an import whose assessments read back like any other."""
    with no_hang(), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        try:
            results = store.import_file(target, path, owner="fuzz")
        except DpiaError as e:
            assert str(e).strip()
            return
        for result in results:
            assert result.message
            if result.imported:  # what was accepted reads back as any stored assessment does
                store.get_assessment(target, result.assessment_id)
        store.list_assessments(target)


@fuzz_settings(40)
@given(st.data(), st.integers(1, 3))
def test_a_damaged_store_export_is_imported_or_refused_with_a_clear_error(
    stores: tuple[dict[str, Any], store.Store], data: st.DataObject, changes: int
) -> None:
    export, target = stores
    doc: Any = json.loads(json.dumps(export))
    doc["assessments"][0]["id"] = uuid.uuid4().hex  # a new one each time, or the import only skips it
    for _ in range(changes):
        doc = data.draw(drawn(mutate, doc), label="export")
    imported_or_refused(doc, target)


@pytest.mark.parametrize(
    "change",
    # each was imported, then get_assessment raised TypeError or ValueError on it for ever
    [{"answers": None}, {"metadata": ["x"]}, {"metadata": None}, {"review": [1]}, {"versions": [{"answers": 1}]}],
)
def test_an_export_record_whose_data_is_not_a_mapping_is_refused(
    stores: tuple[dict[str, Any], store.Store], change: dict[str, Any]
) -> None:
    export, target = stores
    record = {**export["assessments"][0], **change, "id": uuid.uuid4().hex}
    with pytest.raises(store.StoreError, match="is not a valid export record"):
        store.import_export(target, {**export, "assessments": [record]}, actor="fuzz")


def test_dpia_import_of_a_damaged_export_exits_1_with_the_record_named(
    stores: tuple[dict[str, Any], store.Store], tmp_path: Path
) -> None:
    export, _ = stores
    damaged = {**export, "assessments": [{k: v for k, v in export["assessments"][0].items() if k != "title"}]}
    (tmp_path / "export.json").write_text(json.dumps(damaged), encoding="utf-8")
    database = f"sqlite:///{tmp_path}/cli.sqlite"
    code, err = run_cli(
        "import", str(tmp_path / "export.json"), "--database", database, "--questionnaires", str(SAMPLE)
    )
    assert code == 1 and "assessment 1 is not a valid export record (missing 'title')" in err, err
