"""The Assess page when the database refuses an autosave: the person reads what happened (no traceback), the
answer stays in its widget, the stored answer is untouched, and "Save again" saves it once the database works.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import store
from tests.app.conftest import SAMPLE, create_through_home, new_app, open_store_for, shown
from tests.app.driver import answer_question, present
from tests.faults.fault_helpers import SAID, fill, tmpfs
from views.context import widget_key

URL_ENV = "DPIA_DATABASE_URL"


@dataclass
class AppFault:
    kind: str
    url: str
    monkeypatch: pytest.MonkeyPatch
    disk: Path | None = None
    fillers: list[Path] = field(default_factory=list)

    def begin(self) -> None:
        if self.disk is not None:
            self.fillers.append(fill(self.disk))
        else:  # the app now opens the same file read-only
            path = self.url.removeprefix("sqlite:///")
            self.monkeypatch.setenv(URL_ENV, f"sqlite:///file:{path}?mode=ro&uri=true")

    def end(self) -> None:
        if self.disk is not None:
            self.fillers.pop().unlink()
        else:
            self.monkeypatch.setenv(URL_ENV, self.url)


@pytest.fixture(params=["read-only", "disk-full"])
def app_fault(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppFault]:
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(SAMPLE))
    if request.param == "read-only":
        url = f"sqlite:///{tmp_path}/app.sqlite"
        monkeypatch.setenv(URL_ENV, url)
        yield AppFault("read_only", url, monkeypatch)
        return
    with tmpfs(tmp_path / "disk", "2m") as disk:
        url = f"sqlite:///{disk}/app.sqlite"
        monkeypatch.setenv(URL_ENV, url)
        fault = AppFault("disk_full", url, monkeypatch, disk)
        yield fault
        for filler in fault.fillers:
            filler.unlink()


def stored(url: str, assessment_id: str) -> Any:
    opened = open_store_for(url)
    try:
        return store.get_assessment(opened, assessment_id).answers.get("context.description")
    finally:
        opened.close()


def test_when_an_autosave_is_refused_then_the_page_says_why_and_the_answer_can_be_saved_again(
    app_fault: AppFault, questionnaires: dict[str, Any]
) -> None:
    sample = questionnaires["sample"]
    at = new_app()
    aid = create_through_home(at, "Mood cameras")
    assert answer_question(at, sample, "context.description", "Saved before the fault.")
    app_fault.begin()
    typed = "Typed while the database is broken: " + os.urandom(9000).hex()  # new pages on disk
    assert answer_question(at, sample, "context.description", typed)
    assert not at.exception, at.exception
    said = shown("\n".join(e.value for e in at.error))
    assert SAID[app_fault.kind] in said, said
    assert "Your answer is still on this page" in said
    assert at.text_area(key=widget_key("context.description")).value == typed  # nothing lost on the page
    assert stored(app_fault.url, aid) == "Saved before the fault."  # nothing changed in the database
    app_fault.end()
    at.button(key="autosave-again").click().run()
    assert not at.exception, at.exception
    assert all(SAID[app_fault.kind] not in shown(e.value) for e in at.error)
    assert not present(at, "autosave-again")
    assert at.text_area(key=widget_key("context.description")).value == typed
    assert stored(app_fault.url, aid) == typed


def stored_about(url: str, assessment_id: str) -> tuple[str, str | None]:
    opened = open_store_for(url)
    try:
        view = store.get_assessment(opened, assessment_id)
        return view.title, view.metadata.get("description")
    finally:
        opened.close()


def test_when_an_about_field_is_refused_then_the_page_says_why_and_it_can_be_saved_again(
    app_fault: AppFault,
) -> None:
    at = new_app()
    aid = create_through_home(at, "Mood cameras")
    at.session_state["about-open"] = True  # the About expander
    at.run()
    app_fault.begin()
    typed = "Typed while the database is broken: " + os.urandom(9000).hex()  # new pages on disk
    at.text_area(key="q--meta-description").input(typed).run()
    assert not at.exception, at.exception
    said = shown("\n".join(e.value for e in at.error))
    assert SAID[app_fault.kind] in said, said
    assert "Your title, description and review date are still on this page" in said
    assert at.text_area(key="q--meta-description").value == typed
    for language in ("fr", "en"):  # the widgets start again: from what was refused
        at.button_group(key="lang").set_value(language).run()  # the About section stays open
        assert at.text_area(key="q--meta-description").value == typed
    assert stored_about(app_fault.url, aid) == ("Mood cameras", None)
    app_fault.end()
    at.button(key="autosave-again").click().run()
    assert not at.exception, at.exception
    assert all(SAID[app_fault.kind] not in shown(e.value) for e in at.error)
    assert not present(at, "autosave-again")
    assert at.text_area(key="q--meta-description").value == typed
    assert stored_about(app_fault.url, aid) == ("Mood cameras", typed)
