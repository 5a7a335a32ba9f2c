"""One widget per question kind, keyed by question id, saving on change.

:data:`WIDGETS` lists the kinds (one table, nothing registers itself). Each widget is created with its key
only; its value comes from ``st.session_state``, set from the draft when the key is missing (a new session,
a page switch, or a value someone else changed). ``on_change`` turns the widget value into an answer and
autosaves it, so a question that an answer opens appears on the very next run.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import streamlit as st

from engine.i18n import message
from engine.model import RISK_FIELDS, Questionnaire
from views.autosave import save
from views.context import draft, forget_widgets_of, widget_key
from views.i18n import t
from views.safe_text import plain

MANY_OPTIONS = 7  # above this, a single choice is a select box rather than radio buttons


# --- answer <-> widget value ------------------------------------------------------------------------------


def to_widget(question: Any, answer: Any) -> Any:
    if answer is None:
        return [] if question.kind == "multi_choice" else None
    if question.kind == "date":
        try:
            return dt.date.fromisoformat(str(answer))
        except ValueError:
            return None
    if question.kind == "multi_choice":
        return list(answer)
    return answer


def from_widget(question: Any, value: Any) -> Any:
    if value is None or value == "" or value == []:
        return None
    if question.kind == "date" and isinstance(value, dt.date):
        return value.isoformat()
    if question.kind == "number":
        number = float(value)
        return int(number) if question.integer or number.is_integer() else number
    if question.kind in ("short_text", "long_text"):
        return value if value.strip() else None
    return value


# --- the widgets --------------------------------------------------------------------------------------------


def label_of(q: Questionnaire, question: Any, lang: str) -> str:
    text = q.text(question.text, lang)
    return f"{text} ({t('required')})" if getattr(question, "required", False) else text


def option_labels(q: Questionnaire, question: Any, lang: str) -> dict[str, str]:
    return {o.value: q.text(o.label, lang) for o in question.options}


def _init(key: str, value: Any) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _yes_no(q: Questionnaire, question: Any, key: str, label: str, lang: str, on_change: Callable[[], None]) -> None:
    st.segmented_control(
        label,
        [True, False],
        format_func=lambda v: message(lang, "yes" if v else "no"),
        key=key,
        on_change=on_change,
    )


def _single(q: Questionnaire, question: Any, key: str, label: str, lang: str, on_change: Callable[[], None]) -> None:
    labels = option_labels(q, question, lang)
    if len(labels) > MANY_OPTIONS:
        st.selectbox(
            label,
            list(labels),
            index=None,
            format_func=labels.__getitem__,
            placeholder=t("choose"),
            key=key,
            on_change=on_change,
        )
        return
    captions = [q.text(o.help, lang) if o.help else "" for o in question.options]
    st.radio(
        label,
        list(labels),
        index=None,
        format_func=labels.__getitem__,
        captions=captions if any(captions) else None,
        key=key,
        on_change=on_change,
    )


def _multi(q: Questionnaire, question: Any, key: str, label: str, lang: str, on_change: Callable[[], None]) -> None:
    labels = option_labels(q, question, lang)
    st.multiselect(
        label,
        list(labels),
        format_func=labels.__getitem__,
        placeholder=t("choose_many"),
        key=key,
        on_change=on_change,
    )
    helps = [(labels[o.value], q.text(o.help, lang)) for o in question.options if o.help]
    if helps:
        st.caption("  \n".join(f"**{name}**: {text}" for name, text in helps))


def _short(q: Questionnaire, question: Any, key: str, label: str, lang: str, on_change: Callable[[], None]) -> None:
    st.text_input(label, max_chars=question.max_length, key=key, on_change=on_change)


def _long(q: Questionnaire, question: Any, key: str, label: str, lang: str, on_change: Callable[[], None]) -> None:
    st.text_area(label, max_chars=question.max_length, key=key, on_change=on_change)


def _number(q: Questionnaire, question: Any, key: str, label: str, lang: str, on_change: Callable[[], None]) -> None:
    unit = q.text(question.unit, lang) if question.unit else ""
    shown = f"{label} ({unit})" if unit else label
    if question.integer:
        low = int(question.min) if question.min is not None else None
        high = int(question.max) if question.max is not None else None
        st.number_input(shown, min_value=low, max_value=high, step=1, value=None, key=key, on_change=on_change)
    else:
        low_f = float(question.min) if question.min is not None else None
        high_f = float(question.max) if question.max is not None else None
        st.number_input(
            shown, min_value=low_f, max_value=high_f, step=1.0, format="%g", value=None, key=key, on_change=on_change
        )


def _date(q: Questionnaire, question: Any, key: str, label: str, lang: str, on_change: Callable[[], None]) -> None:
    st.date_input(label, value=None, format="YYYY-MM-DD", key=key, on_change=on_change)


def _scale(q: Questionnaire, question: Any, key: str, label: str, lang: str, on_change: Callable[[], None]) -> None:
    scale = q.scales_by_id[question.scale]
    st.segmented_control(
        label,
        [level.value for level in scale.levels],
        format_func=lambda v: scale.label(v, lang),
        key=key,
        on_change=on_change,
    )


Widget = Callable[[Questionnaire, Any, str, str, str, Callable[[], None]], None]

WIDGETS: dict[str, Widget] = {
    "yes_no": _yes_no,
    "single_choice": _single,
    "multi_choice": _multi,
    "short_text": _short,
    "long_text": _long,
    "number": _number,
    "date": _date,
    "scale": _scale,
}


# --- one question -------------------------------------------------------------------------------------------


def render_question(q: Questionnaire, question: Any, lang: str, *, disabled: bool = False) -> None:
    """The question's widget(s), its help and examples; changes autosave. ``disabled``: the answer in words."""
    d = draft()
    answer = d.answers.get(question.id) if d else None
    if disabled:
        _read_only(q, question, answer, lang)
    elif question.kind == "group":
        _group(q, question, answer, lang)
    elif question.kind == "risk_rating":
        _risk(q, question, answer, lang)
    else:
        key = widget_key(question.id)
        _init(key, to_widget(question, answer))
        WIDGETS[question.kind](q, question, key, label_of(q, question, lang), lang, lambda: _changed(question, key))
        if question.kind == "single_choice" and answer is not None:
            st.button(t("clear_answer"), key=f"{key}--clear", type="tertiary", on_click=_clear, args=(question.id, key))
    _help(q, question, lang)


def _changed(question: Any, key: str) -> None:
    save(question.id, from_widget(question, st.session_state.get(key)))


def _clear(question_id: str, key: str) -> None:
    st.session_state[key] = None
    save(question_id, None)


def _help(q: Questionnaire, question: Any, lang: str) -> None:
    lines = []
    if question.help:
        lines.append(q.text(question.help, lang))
    if question.examples:
        examples = "; ".join(q.text(e, lang) for e in question.examples)
        lines.append(f"*{t('examples')}*: {examples}")
    if lines:
        st.caption("  \n".join(lines))


def _read_only(q: Questionnaire, question: Any, answer: Any, lang: str) -> None:
    from views.answer_text import answer_text

    st.markdown(f"**{label_of(q, question, lang)}**  \n{plain(answer_text(q, question, answer, lang))}")


# --- risk rating: likelihood and severity, before and after measures --------------------------------------


def _risk(q: Questionnaire, question: Any, answer: Any, lang: str) -> None:
    value = answer or {}
    st.markdown(f"**{label_of(q, question, lang)}**")
    for phase in ("before", "after"):
        with st.container(border=True):
            st.markdown(t(f"risk.{phase}"))
            for axis in ("likelihood", "severity"):
                name = f"{axis}_{phase}"
                scale = q.scales_by_id[question.likelihood_scale if axis == "likelihood" else question.severity_scale]
                key = widget_key(question.id, name)
                _init(key, value.get(name))
                st.segmented_control(
                    f"{q.text(scale.title, lang)} ({t(f'risk.{phase}').lower()})",
                    [level.value for level in scale.levels],
                    format_func=lambda v, scale=scale: scale.label(v, lang),
                    key=key,
                    on_change=_risk_changed,
                    args=(question.id,),
                )


def _risk_changed(question_id: str) -> None:
    value = {name: st.session_state.get(widget_key(question_id, name)) for name in RISK_FIELDS}
    save(question_id, {k: v for k, v in value.items() if v is not None} or None)


# --- repeatable group: one bordered block per row ----------------------------------------------------------


def _group(q: Questionnaire, question: Any, answer: Any, lang: str) -> None:
    rows: list[dict[str, Any]] = list(answer or [])
    st.markdown(f"**{label_of(q, question, lang)}**")
    row_name = q.text(question.row_label, lang) if question.row_label else t("group.row")
    if not rows:
        st.caption(t("group.empty"))
    for index, row in enumerate(rows):
        with st.container(border=True):
            st.markdown(f"{row_name} {index + 1}")
            for sub in question.fields:
                key = widget_key(question.id, index, sub.id)
                _init(key, to_widget(sub, row.get(sub.id)))
                WIDGETS[sub.kind](
                    q,
                    sub,
                    key,
                    f"{q.text(sub.text, lang)} ({row_name.lower()} {index + 1})",
                    lang,
                    lambda sub=sub, key=key, index=index: _row_changed(question.id, index, sub, key),
                )
            st.button(
                t("group.remove", row=f"{row_name.lower()} {index + 1}"),
                key=widget_key(question.id, index, "remove"),
                on_click=_remove_row,
                args=(question.id, index),
            )
    if len(rows) < question.max_rows:
        st.button(
            t("group.add", row=row_name.lower()),
            key=widget_key(question.id, "add"),
            on_click=_add_row,
            args=(question.id,),
        )


def _rows(question_id: str) -> list[dict[str, Any]]:
    d = draft()
    return copy.deepcopy(list((d.answers.get(question_id) if d else None) or []))


def _row_changed(question_id: str, index: int, sub: Any, key: str) -> None:
    rows = _rows(question_id)
    while len(rows) <= index:
        rows.append({})
    value = from_widget(sub, st.session_state.get(key))
    if value is None:
        rows[index].pop(sub.id, None)
    else:
        rows[index][sub.id] = value
    save(question_id, rows)


def _add_row(question_id: str) -> None:
    save(question_id, [*_rows(question_id), {}])


def _remove_row(question_id: str, index: int) -> None:
    rows = _rows(question_id)
    if index < len(rows):
        del rows[index]
    forget_widgets_of({question_id})  # row widgets are keyed by position
    save(question_id, rows or None)
