"""Questionnaires: browse what is loaded; a questionnaire that does not load shows every problem, never a traceback."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from engine.i18n import message
from engine.model import Questionnaire
from views.context import catalog, lang
from views.i18n import t
from views.safe_text import code, plain


def condition_note(question: object) -> str:
    return f" · {t('questionnaires.conditional')}" if getattr(question, "show_if", None) is not None else ""


def browse(q: Questionnaire, language: str) -> None:
    st.subheader(f"{q.text(q.title, language)} · {q.id} {q.version}")
    if q.description:
        st.markdown(q.text(q.description, language))
    st.caption(
        t(
            "questionnaires.counts",
            sections=len(q.sections),
            questions=len(q.questions),
            rules=len(q.rules),
            languages=", ".join(q.languages),
        )
    )
    if q.includes:
        st.caption(t("questionnaires.includes", ids=", ".join(q.includes)))
    for section in q.sections:
        with st.expander(f"{q.text(section.title, language)} ({len(section.questions)})"):
            lines = []
            for question in section.questions:
                required = f" · {t('required')}" if question.required else ""
                lines.append(
                    f"- **{q.text(question.text, language)}** `{question.id}` · "
                    f"{t('kind.' + question.kind)}{required}{condition_note(question)}"
                )
                if question.help:
                    lines.append(f"  \n  {q.text(question.help, language)}")
            st.markdown("\n".join(lines))
    if q.rules:
        with st.expander(t("questionnaires.rules", n=len(q.rules))):
            st.markdown(
                "\n".join(
                    f"- `{r.id}` · {message(language, 'severity.' + r.severity)} · **{q.text(r.title, language)}**  \n"
                    f"  {'; '.join(q.text(ref, language) for ref in r.references)}"
                    for r in q.rules
                )
            )


def render() -> None:
    st.title(t("page.questionnaires"))
    language = lang()
    loaded = catalog()
    if not loaded.questionnaires and not loaded.errors:
        st.info(t("questionnaires.none"))
    for file, error in sorted(loaded.errors.items()):
        problems = "\n".join(f"- {code(p)}" for p in error.problems)  # they quote the file
        st.error(f"**{plain(Path(file).name)}**: {t('questionnaires.broken', n=len(error.problems))}\n\n{problems}")
    for _, q in sorted(loaded.questionnaires.items()):
        with st.container(border=True):
            browse(q, language)


render()
