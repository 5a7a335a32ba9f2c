"""Answer a questionnaire through the Assess page's widgets in AppTest, as a person would.

The answers come from an answers file; each one is given through the widget of its question (keyed by the
question id), section by section, in the order the questions appear. A question hidden until another answer
opens it is answered on a later pass, once it is on the page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from streamlit.testing.v1 import AppTest

from engine.model import RISK_FIELDS, Questionnaire
from views.context import widget_key

SECTION_KEY = "assess-section"


def _find(at: AppTest, key: str) -> Any:
    for kind in (
        "button_group",
        "radio",
        "selectbox",
        "multiselect",
        "text_input",
        "text_area",
        "number_input",
        "date_input",
        "button",
        "toggle",
        "checkbox",
    ):
        for widget in at.get(kind):
            if getattr(widget, "key", None) == key:
                return widget
    raise KeyError(key)


def present(at: AppTest, key: str) -> bool:
    try:
        _find(at, key)
    except KeyError:
        return False
    return True


def set_widget(at: AppTest, question: Any, key: str, value: Any) -> None:
    w = _find(at, key)
    kind = question.kind
    if kind in ("short_text", "long_text"):
        w.input(str(value))
    elif kind == "date":
        w.set_value(dt.date.fromisoformat(str(value)))
    elif kind == "multi_choice":
        w.set_value(list(value))
    else:
        w.set_value(value)
    at.run()


def go_to_section(at: AppTest, section_id: str) -> bool:
    """Select a section in the page's section list; False when it is not listed (hidden for now)."""
    nav = _find(at, SECTION_KEY)
    if nav.value == section_id:
        return True
    try:
        nav.set_value(section_id)
        nav.index  # noqa: B018  (raises ValueError when the section is not an option)
    except ValueError:
        return False
    at.run()
    return True


def answer_question(at: AppTest, q: Questionnaire, qid: str, value: Any) -> bool:
    """Give one answer through its widget(s); False when the question is not on the page."""
    question = q.questions[qid]
    if question.kind == "risk_rating":
        first = widget_key(qid, RISK_FIELDS[0])
        if not present(at, first):
            return False
        for name in RISK_FIELDS:
            if name in value:
                _find(at, widget_key(qid, name)).set_value(value[name])
                at.run()
        return True
    if question.kind == "group":
        add = widget_key(qid, "add")
        if not present(at, add):
            return False
        for index, row in enumerate(value):
            _find(at, add).click()
            at.run()
            fields = {f.id: f for f in question.fields}
            for field_id, item in row.items():
                set_widget(at, fields[field_id], widget_key(qid, index, field_id), item)
        return True
    key = widget_key(qid)
    if not present(at, key):
        return False
    set_widget(at, question, key, value)
    return True


def answer_all(at: AppTest, q: Questionnaire, answers: dict[str, Any], passes: int = 4) -> list[str]:
    """Answer every question of ``answers`` through the widgets; returns the ids never shown."""
    pending = dict(answers)
    for _ in range(passes):
        if not pending:
            break
        for section in q.sections:
            ids = [x.id for x in section.questions if x.id in pending]
            if not ids:
                continue
            if not go_to_section(at, section.id):
                continue
            for qid in ids:
                if answer_question(at, q, qid, pending[qid]):
                    del pending[qid]
                    assert not at.exception, at.exception
    return sorted(pending)
