"""The Streamlit app, run headless with AppTest."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_app_lists_questionnaires_without_exception() -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "Privacy impact assessments"


def test_app_switches_to_french() -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.radio(key="lang").set_value("fr").run()
    assert not at.exception
    assert at.title[0].value.startswith("Analyses d'impact")
