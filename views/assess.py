"""Assess: the screening, then the full DPIA when needed, section by section, with the live outcome beside it.

Only ``evaluation.visible_questions`` are shown, and ``evaluate`` runs on every rerun, so a question that an
answer opens appears at once. Every answer is saved when it changes (see :mod:`views.autosave`).
"""

from __future__ import annotations

import streamlit as st

import store
from engine.evaluation import Evaluation
from engine.model import Questionnaire
from engine.scoring import evaluate
from views.answer_text import answer_text, question_title
from views.autosave import pending_conflicts, resolve, save_about, save_again
from views.context import (
    Draft,
    User,
    attempt,
    draft,
    fuller_questionnaire,
    lang,
    open_assessment,
    open_draft_or_explain,
    questionnaires,
    require_user,
    show_error,
    stages,
    the_store,
)
from views.i18n import t
from views.outcome import render_panel
from views.question_widgets import render_question
from views.safe_text import code, plain

SECTION_KEY = "assess-section"
FULL_ANYWAY_KEY = "assess-full-anyway"


def allowed(d: Draft, user: User) -> dict[str, str]:
    """What the workflow table lets this person do now (the author role counts for the owner only)."""
    roles = [r for r in user.roles if r != "author" or d.owner == user.id]
    return store.allowed_actions(d.status, roles)


def section_progress(q: Questionnaire, evaluation: Evaluation, section_id: str) -> tuple[int, int, int]:
    """(visible questions, required visible, required answered) of one section."""
    visible = set(evaluation.visible_questions)
    answered = set(evaluation.answered_questions)
    section = next(s for s in q.sections if s.id == section_id)
    shown = [x.id for x in section.questions if x.id in visible]
    required = [x for x in shown if q.questions[x].required]
    return len(shown), len(required), sum(1 for x in required if x in answered)


def visible_sections(q: Questionnaire, evaluation: Evaluation, d: Draft) -> list[tuple[str, str]]:
    """(stage title, section id) of the sections to show: the screening, then the rest when needed."""
    out: list[tuple[str, str]] = []
    known = questionnaires()
    parts = stages(q)
    for index, (stage_id, section_ids) in enumerate(parts):
        later = index > 0
        if later and not _full_wanted(q, evaluation, d, section_ids):
            break
        stage_q = known.get(stage_id, q)
        title = stage_q.text(stage_q.title, lang())
        out += [(title, sid) for sid in section_ids if section_progress(q, evaluation, sid)[0] > 0]
    return out


def _full_wanted(q: Questionnaire, evaluation: Evaluation, d: Draft, section_ids: list[str]) -> bool:
    if evaluation.dpia.verdict != "not_required" or st.session_state.get(FULL_ANYWAY_KEY):
        return True
    own = {x.id for s in q.sections if s.id in section_ids for x in s.questions}
    return any(qid in own for qid in d.answers)


def section_label(q: Questionnaire, section_id: str, number: int) -> str:
    section = next(s for s in q.sections if s.id == section_id)
    title = q.text(section.title, lang())
    return title if title[:1].isdigit() else f"{number}. {title}"  # some questionnaires number their sections


def section_state(q: Questionnaire, evaluation: Evaluation, section_id: str) -> str:
    """Progress of one section in words (a caption: the option labels stay stable while answers change)."""
    _, required, done = section_progress(q, evaluation, section_id)
    return f"✓ {t('assess.section_done')}" if required == done else t("assess.section_todo", done=done, n=required)


def share_link(assessment_id: str) -> str:
    """This page's address with only the assessment in it (no name or role: each person picks their own)."""
    url = st.context.url or ""
    base = url.split("?", 1)[0].rstrip("/")
    if base.endswith("/assess"):
        base = base[: -len("/assess")]
    return f"{base}/assess?assessment={assessment_id}" if base else f"assess?assessment={assessment_id}"


def header(d: Draft, q: Questionnaire, evaluation: Evaluation) -> None:
    st.title(plain(d.title))
    owner = d.metadata.get("owner") or d.owner
    st.caption(
        t(
            "assess.meta",
            status=t(f"status.{d.status}"),
            questionnaire=f"{q.text(q.title, lang())} {q.version}",
            owner=plain(owner),
            revision=d.revision,
        )
    )
    st.caption(t("assess.share", link=code(share_link(d.id))))
    st.progress(evaluation.completion / 100, text=t("assess.completion", pct=f"{evaluation.completion:g}"))
    if d.notice:
        st.info(d.notice)
    if d.problems:
        st.error("\n".join(f"- {plain(p)}" for p in d.problems))
    unsaved = len(d.unsaved) + (d.unsaved_about is not None)
    if unsaved:
        st.button(t("autosave.again", n=unsaved), key="autosave-again", on_click=save_again, type="primary")


def conflicts(d: Draft, q: Questionnaire) -> None:
    """Saves that lost a race: both values side by side, and the choice."""
    language = lang()
    for c in pending_conflicts(d):
        with st.container(border=True):
            if c.question_id is None:
                st.warning(t("conflict.other"))
                st.button(t("conflict.dismiss"), key=f"conflict-{c.id}-dismiss", on_click=resolve, args=(c.id, False))
                continue
            question = q.questions.get(c.question_id)
            st.warning(t("conflict.title", question=question_title(q, c.question_id, language)))
            mine, theirs = st.columns(2)
            mine.markdown(f"**{t('conflict.yours')}**  \n{plain(answer_text(q, question, c.attempted, language))}")
            stored = d.answers.get(c.question_id)
            theirs.markdown(f"**{t('conflict.stored')}**  \n{plain(answer_text(q, question, stored, language))}")
            mine.button(t("conflict.keep_mine"), key=f"conflict-{c.id}-mine", on_click=resolve, args=(c.id, True))
            theirs.button(
                t("conflict.keep_stored"), key=f"conflict-{c.id}-stored", on_click=resolve, args=(c.id, False)
            )


def questions(q: Questionnaire, evaluation: Evaluation, d: Draft, editable: bool) -> None:
    shown = visible_sections(q, evaluation, d)
    if not shown:
        st.info(t("assess.no_questions"))
        return
    ids = [sid for _, sid in shown]
    if st.session_state.get(SECTION_KEY) not in ids:
        st.session_state[SECTION_KEY] = ids[0]
    stage_of = dict((sid, stage) for stage, sid in shown)
    number = {sid: i for i, sid in enumerate(ids, 1)}
    nav, body = st.sidebar, st.container()
    with nav:
        st.divider()
        st.radio(
            t("assess.sections"),
            ids,
            format_func={sid: section_label(q, sid, number[sid]) for sid in ids}.__getitem__,
            captions=[section_state(q, evaluation, sid) for sid in ids],
            key=SECTION_KEY,
        )
        if evaluation.dpia.verdict == "not_required" and len(stages(q)) > 1:
            st.toggle(t("assess.full_anyway"), key=FULL_ANYWAY_KEY)
    current = st.session_state[SECTION_KEY]
    section = next(s for s in q.sections if s.id == current)
    visible = set(evaluation.visible_questions)
    language = lang()
    with body:
        st.caption(stage_of[current])
        st.subheader(q.text(section.title, language))
        if section.description:
            st.markdown(q.text(section.description, language))
        for question in section.questions:
            if question.id in visible:
                with st.container(key=f"question-{question.id.replace('.', '-')}"):
                    render_question(q, question, language, disabled=not editable)
        position = ids.index(current)
        back, forward = st.columns(2)
        if position > 0:
            back.button(t("assess.previous"), on_click=_go, args=(ids[position - 1],), key="assess-prev")
        if position < len(ids) - 1:
            forward.button(t("assess.next"), on_click=_go, args=(ids[position + 1],), key="assess-next", type="primary")


def _go(section_id: str) -> None:
    st.session_state[SECTION_KEY] = section_id


def workflow(d: Draft, q: Questionnaire, evaluation: Evaluation, user: User) -> None:
    """Submit (or withdraw) and, after a screening that calls for it, continue with the full DPIA."""
    actions = allowed(d, user)
    s = the_store()
    language = lang()
    if "submit" in actions:
        missing = evaluation.missing_required
        if missing:
            st.caption(t("assess.missing", questions=", ".join(question_title(q, m, language) for m in missing[:12])))
        if st.button(t("assess.submit"), type="primary", disabled=bool(missing), key="assess-submit"):
            _, error = attempt(lambda: store.submit(s, d.id, user.id, d.version))
            if error is not None:
                show_error(error)
            else:
                open_assessment(d.id)
                st.rerun()
    if "withdraw" in actions and st.button(t("assess.withdraw"), key="assess-withdraw"):
        _, error = attempt(lambda: store.withdraw(s, d.id, user.id, d.version))
        if error is not None:
            show_error(error)
        else:
            open_assessment(d.id)
            st.rerun()
    fuller = fuller_questionnaire(q)
    if fuller is not None and evaluation.dpia.verdict != "not_required" and user.is_author:
        st.info(t("assess.continue_hint", title=fuller.text(fuller.title, language)))
        if st.button(t("assess.continue"), key="assess-continue"):
            _continue(d, fuller.id, user)


def _continue(d: Draft, questionnaire_id: str, user: User) -> None:
    meta = {k: v for k, v in d.metadata.items() if k in ("owner", "date", "description")}
    created, error = attempt(
        lambda: store.create_assessment(
            the_store(), questionnaire_id, d.title, user.id, metadata=meta, answers=d.answers
        )
    )
    if error is not None:
        show_error(error)
        return
    fresh = open_assessment(created.id)
    if fresh is not None:
        st.query_params["assessment"] = fresh.id
        fresh.notice = t("assess.continued")
    st.rerun()


ABOUT_WAS_OPEN = "about-was-open"


def about(d: Draft, user: User, editable: bool) -> None:
    """Title, description and review date of the assessment (saved on change too)."""
    # Streamlit identifies an expander by its label too: after a language switch it is a new one, closed. Its
    # last state is kept apart and given as the new one's default, so the section stays as the person left it.
    box = st.expander(
        t("assess.about"), expanded=st.session_state.get(ABOUT_WAS_OPEN, False), key="about-open", on_change="rerun"
    )
    st.session_state[ABOUT_WAS_OPEN] = box.open
    if not box.open:
        return
    with box:
        if not editable:
            st.markdown(plain(d.metadata.get("description") or ""))
            return
        shown = d.unsaved_about or {  # what the database refused stays on screen until it is saved
            "title": d.title,
            "description": d.metadata.get("description"),
            "review_date": d.review_date,
        }
        st.session_state.setdefault("q--meta-title", shown["title"])
        st.session_state.setdefault("q--meta-description", shown["description"] or "")
        st.session_state.setdefault("q--meta-review-date", shown["review_date"])
        st.text_input(t("home.feature"), key="q--meta-title", on_change=_save_about, max_chars=300)
        st.text_area(t("assess.description"), key="q--meta-description", on_change=_save_about, max_chars=20000)
        st.date_input(t("home.review_date"), key="q--meta-review-date", on_change=_save_about, format="YYYY-MM-DD")


def _save_about() -> None:
    d = draft()
    if d is None:
        return
    save_about(
        {
            "title": (st.session_state.get("q--meta-title") or "").strip() or d.title,
            "description": (st.session_state.get("q--meta-description") or "").strip() or None,
            "review_date": st.session_state.get("q--meta-review-date"),
        }
    )


def render() -> None:
    user = require_user()
    d = open_draft_or_explain("page.assess", "assess.none")
    if d is None:
        return
    q = d.questionnaire()
    if q is None:
        st.title(plain(d.title))
        st.error(t("assess.no_questionnaire", id=plain(d.questionnaire_id)))
        return
    language = lang()
    evaluation = evaluate(q, d.answers, language)
    editable = "edit" in allowed(d, user)
    header(d, q, evaluation)
    conflicts(d, q)
    if not editable:
        st.info(t("assess.read_only", status=t(f"status.{d.status}")))
    main, side = st.columns([3, 2], gap="large")
    with main:
        about(d, user, editable)
        questions(q, evaluation, d, editable)
        st.divider()
        workflow(d, q, evaluation, user)
    with side, st.container(key="outcome-panel"):
        render_panel(q, evaluation, d.answers, language)


render()
