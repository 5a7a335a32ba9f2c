"""The Streamlit app. For now: the questionnaires it can load, and the problems of those it cannot.

Run with ``streamlit run app.py``. The full walkthrough, review and archive pages
arrive in ``views/`` (never ``pages/``: Streamlit would switch to its legacy mode).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from engine.i18n import LANGUAGES
from engine.loader import Catalog, load_catalog

QUESTIONNAIRES = Path(__file__).resolve().parent / "questionnaires"

LABELS = {
    "en": {
        "title": "Privacy impact assessments",
        "intro": "Questionnaires available to assess a new feature.",
        "questions": "questions",
        "rules": "rules",
        "broken": "This questionnaire cannot be loaded. Every problem:",
        "none": "No questionnaire found in questionnaires/.",
        "language": "Language",
    },
    "fr": {
        "title": "Analyses d'impact relatives à la protection des données",
        "intro": "Questionnaires disponibles pour évaluer une nouvelle fonctionnalité.",
        "questions": "questions",
        "rules": "règles",
        "broken": "Ce questionnaire ne peut pas être chargé. Tous les problèmes :",
        "none": "Aucun questionnaire dans questionnaires/.",
        "language": "Langue",
    },
}


@st.cache_resource
def catalog() -> Catalog:
    """Questionnaires are loaded once per server process (frozen models)."""
    return load_catalog([QUESTIONNAIRES])


def main() -> None:
    st.set_page_config(page_title="DPIA", layout="wide")
    lang = st.sidebar.radio(
        "Language / Langue", LANGUAGES, format_func=lambda code: {"en": "English", "fr": "Français"}[code], key="lang"
    )
    words = LABELS[lang]
    st.title(words["title"])
    st.write(words["intro"])
    loaded = catalog()
    if not loaded.questionnaires and not loaded.errors:
        st.info(words["none"])
    for qid, q in sorted(loaded.questionnaires.items()):
        with st.container(border=True):
            st.subheader(f"{q.text(q.title, lang)} · {qid} {q.version}")
            if q.description:
                st.write(q.text(q.description, lang))
            st.caption(f"{len(q.questions)} {words['questions']} · {len(q.rules)} {words['rules']}")
    for file, error in sorted(loaded.errors.items()):
        st.error(f"{Path(file).name}: {words['broken']}\n\n" + "\n".join(f"- `{p}`" for p in error.problems))


main()
