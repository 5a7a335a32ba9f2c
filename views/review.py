"""Review: the summary first, then per-question comments and verdicts, risk overrides, the DPO's opinion,
the decision and sign-off; a diff against the previous approved version; the PDF on demand.

Reviewer actions appear only when the workflow table allows them for the signed-in person's roles (an
author never sees them, and the store refuses them anyway).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import streamlit as st

import store
from engine.evaluation import Evaluation
from engine.i18n import message
from engine.model import RISK_FIELDS, SEVERITY_ORDER, Questionnaire, RiskRating
from engine.scoring import evaluate
from views.answer_text import answer_text, markdown_table, question_title
from views.context import (
    Draft,
    User,
    attempt,
    lang,
    open_assessment,
    open_draft_or_explain,
    require_user,
    show_error,
    the_store,
)
from views.i18n import t
from views.outcome import heat_map, render_criteria, render_finding, render_verdict, risk_table
from views.safe_text import plain

VERDICTS = ("acceptable", "improvable", "to_correct")
VERDICT_MARK = {"acceptable": "✔", "improvable": "~", "to_correct": "✗"}
WHOLE = "__whole__"


def allowed(d: Draft, user: User) -> dict[str, str]:
    roles = [r for r in user.roles if r != "author" or d.owner == user.id]
    return store.allowed_actions(d.status, roles)


def _run(action: Callable[[], Any], d: Draft, done: str | None = None) -> bool:
    """A store call from a button: errors are shown with their problems; success reloads the draft."""
    _, error = attempt(action)
    if error is not None:
        show_error(error)
        return False
    fresh = open_assessment(d.id)
    if fresh is not None and done:
        fresh.notice = done
    st.rerun()
    return True


# --- summary ------------------------------------------------------------------------------------------------


def summary(q: Questionnaire, evaluation: Evaluation, d: Draft, overrides: list[store.OverrideView]) -> None:
    language = lang()
    st.subheader(t("review.summary"))
    left, right = st.columns(2, gap="large")
    with left:
        render_verdict(evaluation, language)
        render_criteria(evaluation)
    with right:
        st.markdown(f"**{t('findings.title', n=len(evaluation.findings))}**")
        if not evaluation.findings:
            st.caption(t("findings.none"))
        for finding in evaluation.findings:
            render_finding(q, evaluation, finding, d.answers, language, whatif=False)
        if evaluation.prior_consultation.indicated:
            st.warning(f"**{t('prior_consultation')}**  \n{evaluation.prior_consultation.reason}")
    if evaluation.risks:
        st.markdown(f"**{t('heatmap.title')}**")
        before, after = st.tabs([t("risk.before"), t("risk.after")])
        before.markdown(heat_map(q, evaluation, "before", language))
        after.markdown(heat_map(q, evaluation, "after", language))
        rows = risk_table(evaluation, language)
        for row, risk in zip(rows, evaluation.risks, strict=True):
            changed = [o for o in overrides if o.target == risk.question]
            row[t("review.override_col")] = "; ".join(_override_words(q, o, language) for o in changed)
        st.markdown(markdown_table(rows))
    rule_overrides = [o for o in overrides if o.target in q.rules_by_id]
    if rule_overrides:
        st.markdown(f"**{t('review.rule_overrides')}**")
        st.markdown("\n".join(f"- {plain(_override_words(q, o, language))}" for o in rule_overrides))


def _override_words(q: Questionnaire, o: store.OverrideView, language: str) -> str:
    """The override in words, as plain text (the reviewer's reason and name are in it)."""
    if o.target in q.rules_by_id:
        rule = q.rules_by_id[o.target]
        what = f"{q.text(rule.title, language)}: {message(language, f'severity.{o.previous}') if o.previous else '-'}"
        what += f" → {message(language, f'severity.{o.value}')}"
    else:
        question = q.questions.get(o.target)
        axis, phase = (o.field or "_").split("_", 1) if o.field else ("", "")
        scale_id = None
        if isinstance(question, RiskRating):
            scale_id = question.likelihood_scale if axis == "likelihood" else question.severity_scale
        scale = q.scales_by_id.get(scale_id) if scale_id else None

        def level(v: Any) -> str:
            return scale.label(v, language) if scale and isinstance(v, int) else str(v)

        field = f"{t(f'risk.{axis}')} {t(f'risk.{phase}').lower()}" if axis in ("likelihood", "severity") else o.field
        what = f"{field}: {level(o.previous) if o.previous is not None else '-'} → {level(o.value)}"
    return t("review.override_line", what=what, reason=o.reason, author=o.author)


# --- answers with comments ----------------------------------------------------------------------------------


def answers_and_comments(
    q: Questionnaire, evaluation: Evaluation, d: Draft, comments: list[store.CommentView], user: User
) -> None:
    language = lang()
    actions = allowed(d, user)
    st.subheader(t("review.answers"))
    by_question: dict[str | None, list[store.CommentView]] = {}
    for c in comments:
        by_question.setdefault(c.question_id, []).append(c)
    visible = set(evaluation.visible_questions)
    for c in by_question.get(None, []):
        _comment(c, actions, d)
    for section in q.sections:
        shown = [x for x in section.questions if x.id in visible]
        if not shown:
            continue
        count = sum(len(by_question.get(x.id, [])) for x in shown)
        title = q.text(section.title, language)
        with st.expander(f"{title} · {t('review.comment_count', n=count)}" if count else title):
            for question in shown:
                st.markdown(f"**{q.text(question.text, language)}**")
                st.markdown(plain(answer_text(q, question, d.answers.get(question.id), language)))
                for c in by_question.get(question.id, []):
                    _comment(c, actions, d)
    if "comment" in actions:
        comment_form(q, evaluation, d, user)


def _comment(c: store.CommentView, actions: dict[str, str], d: Draft) -> None:
    verdict = f"{VERDICT_MARK[c.verdict]} {t(f'verdict.{c.verdict}')} · " if c.verdict else ""
    state = f" · {t('review.resolved')}" if c.resolved else ""
    text = plain(c.text).replace("\n", "\n> ")  # every line of the comment stays in the quote
    st.markdown(f"> {verdict}{text}  \n> — *{plain(c.author)}*{state}")
    if not c.resolved and "resolve_comment" in actions:
        user_id = st.session_state["user"].id
        if st.button(t("review.resolve"), key=f"resolve-{c.id}"):
            _run(lambda: store.resolve_comment(the_store(), c.id, user_id), d)


def comment_form(q: Questionnaire, evaluation: Evaluation, d: Draft, user: User) -> None:
    language = lang()
    options = [WHOLE, *evaluation.visible_questions]
    with st.form("review-comment", clear_on_submit=True):
        st.markdown(f"**{t('review.comment_title')}**")
        target = st.selectbox(
            t("review.comment_on"),
            options,
            format_func={
                x: t("review.whole") if x == WHOLE else question_title(q, x, language) for x in options
            }.__getitem__,
            key="review-comment-on",
        )
        verdict = st.radio(
            t("review.verdict"),
            [None, *VERDICTS],
            format_func={
                None: t("review.no_verdict"),
                **{v: f"{VERDICT_MARK[v]} {t(f'verdict.{v}')}" for v in VERDICTS},
            }.__getitem__,
            horizontal=True,
            key="review-comment-verdict",
        )
        text = st.text_area(t("review.comment_text"), max_chars=20000, key="review-comment-text")
        sent = st.form_submit_button(t("review.comment_add"), key="review-comment-add")
    if sent:
        if not text.strip() and verdict is None:
            st.error(t("review.comment_empty"))
            return
        question_id = None if target == WHOLE else target
        _run(
            lambda: store.add_comment(
                the_store(), d.id, user.id, text.strip(), question_id=question_id, verdict=verdict
            ),
            d,
            t("review.comment_saved"),
        )


# --- risk overrides ---------------------------------------------------------------------------------------------


def override_form(q: Questionnaire, evaluation: Evaluation, d: Draft, user: User) -> None:
    language = lang()
    risks = [r.question for r in evaluation.risks]
    rules = [f.rule_id for f in evaluation.findings]
    if not risks and not rules:
        return
    st.markdown(f"**{t('review.override_title')}**")
    names = {r.question: r.title for r in evaluation.risks} | {f.rule_id: f.title for f in evaluation.findings}
    target = st.selectbox(
        t("review.override_target"), [*risks, *rules], format_func=names.__getitem__, key="override-target"
    )
    field: str | None = None
    if target in risks:
        question = q.questions[target]

        def field_words(name: str) -> str:
            axis, phase = name.split("_")
            return f"{t(f'risk.{axis}')} {t(f'risk.{phase}').lower()}"

        field = st.selectbox(
            t("review.override_field"),
            RISK_FIELDS,
            format_func={f: field_words(f) for f in RISK_FIELDS}.__getitem__,
            key="override-field",
        )
        axis = field.split("_")[0]
        scale = q.scales_by_id[question.likelihood_scale if axis == "likelihood" else question.severity_scale]
        value: Any = st.selectbox(
            t("review.override_value"),
            [level.value for level in scale.levels],
            format_func=lambda v: scale.label(v, language),
            key="override-value-level",
        )
    else:
        value = st.selectbox(
            t("review.override_value"),
            list(SEVERITY_ORDER),
            format_func=lambda v: message(language, f"severity.{v}"),
            key="override-value-severity",
        )
    reason = st.text_area(t("review.override_reason"), key="override-reason", max_chars=5000)
    if st.button(t("review.override_add"), key="override-add"):
        if not reason.strip():
            st.error(t("review.override_needs_reason"))
            return
        _run(
            lambda: store.add_override(the_store(), d.id, user.id, target, value, reason.strip(), field=field),
            d,
            t("review.override_saved"),
        )


# --- opinion, decision, sign-off ------------------------------------------------------------------------------


def decision(d: Draft, user: User) -> None:
    actions = allowed(d, user)
    s = the_store()
    language = lang()
    st.subheader(t("review.decision"))
    opinion_now = (store.get_assessment(s, d.id).review or {}).get("opinion") or ""
    if "record_opinion" in actions:
        st.session_state.setdefault("review-opinion", opinion_now)
        st.text_area(t("review.opinion"), key="review-opinion", help=t("review.opinion_help"), max_chars=50000)
        opinion = st.session_state.get("review-opinion") or ""
        if st.button(t("review.opinion_save"), key="review-opinion-save"):
            _run(lambda: store.record_opinion(s, d.id, user.id, opinion, d.version), d, t("review.opinion_saved"))
        kind = st.radio(
            t("review.approval_kind"),
            ["approved", "approved_with_conditions"],
            format_func={k: t(f"decision.{k}") for k in ("approved", "approved_with_conditions")}.__getitem__,
            horizontal=True,
            key="review-approval-kind",
        )
        next_review = st.date_input(
            t("home.review_date"),
            value=d.review_date or (dt.date.today() + dt.timedelta(days=365)),
            format="YYYY-MM-DD",
            key="review-next-date",
        )
        approve, changes, reject = st.columns(3)
        if approve.button(t("review.approve"), type="primary", key="review-approve"):
            _run(
                lambda: store.approve(
                    s,
                    d.id,
                    user.id,
                    d.version,
                    opinion=opinion or None,
                    decision=kind,
                    review_date=next_review,
                    lang=language,
                ),
                d,
                t("review.approved"),
            )
        if "request_changes" in actions and changes.button(t("review.request_changes"), key="review-changes"):
            _run(
                lambda: store.request_changes(s, d.id, user.id, d.version, opinion=opinion or None),
                d,
                t("review.changes_requested"),
            )
        if "reject" in actions and reject.button(t("review.reject"), key="review-reject"):
            _run(lambda: store.reject(s, d.id, user.id, d.version, opinion=opinion or None), d, t("review.rejected"))
    else:
        review = store.get_assessment(s, d.id).review or {}
        if review.get("opinion"):
            st.markdown(f"**{t('review.opinion')}**  \n{plain(review['opinion'])}")
        if review.get("decision"):
            st.markdown(f"**{t('review.decision')}**: {t('decision.' + review['decision'])}")
        sign_off = review.get("sign_off")
        if sign_off:
            st.markdown(t("review.signed", **{k: plain(sign_off.get(k)) for k in ("name", "role", "date")}))
        if not review:
            st.caption(t("review.no_decision"))


# --- versions: diff and PDF ---------------------------------------------------------------------------------------


def diff(q: Questionnaire, d: Draft) -> None:
    s = the_store()
    approved = store.versions(s, d.id)
    if not approved:
        return
    language = lang()
    with st.expander(t("review.diff_title", revision=approved[-1].revision)):
        result, error = attempt(lambda: store.diff_versions(s, d.id))
        if error is not None:
            show_error(error)
            return
        if not result.changed:
            st.caption(t("review.diff_none"))
            return
        rows = [
            {
                t("review.diff_question"): question_title(q, c.question, language),
                t("review.diff_before"): answer_text(q, q.questions.get(c.question), c.before, language),
                t("review.diff_after"): answer_text(q, q.questions.get(c.question), c.after, language),
            }
            for c in result.answers
        ]
        if rows:
            st.markdown(markdown_table(rows))
        if result.outcome:
            st.markdown(f"**{t('review.diff_outcome')}**")
            st.markdown("\n".join(f"- {plain(line)}" for line in result.outcome))


def pdf_button(q: Questionnaire, d: Draft, evaluation: Evaluation) -> None:
    """The report as it stands, rendered when the button is pressed (approved versions: the Archive page)."""
    language = lang()
    aid, status, revision = d.id, d.status, d.revision
    s = the_store()

    def render() -> bytes:
        from report import render_pdf

        assessment = store.engine_assessment(s, aid)
        return render_pdf(q, assessment, evaluation, lang=language, status=status, version=revision)

    st.download_button(
        t("review.pdf"),
        data=render,
        file_name=f"dpia-{aid[:8]}-r{revision}-{status}.pdf",
        mime="application/pdf",
        key="review-pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )


# --- the page -------------------------------------------------------------------------------------------------------


def render() -> None:
    user = require_user()
    d = open_draft_or_explain("page.review", "review.none")
    if d is None:
        return
    q = d.questionnaire()
    if q is None:
        st.error(t("assess.no_questionnaire", id=plain(d.questionnaire_id)))
        return
    language = lang()
    s = the_store()
    evaluation = evaluate(q, d.answers, language)
    st.title(t("review.title", title=plain(d.title)))
    st.caption(
        t(
            "assess.meta",
            status=t(f"status.{d.status}"),
            questionnaire=f"{q.text(q.title, language)} {q.version}",
            owner=plain(d.metadata.get("owner") or d.owner),
            revision=d.revision,
        )
    )
    if d.notice:
        st.success(d.notice)
        d.notice = None
    actions = allowed(d, user)
    top = st.columns([1, 1, 2])
    with top[0]:
        pdf_button(q, d, evaluation)
    if "start_review" in actions and top[1].button(t("review.start"), type="primary", key="review-start"):
        _run(lambda: store.start_review(s, d.id, user.id, d.version), d, t("review.started"))
    if "archive" in actions and top[1].button(t("review.archive"), key="review-archive"):
        _run(lambda: store.archive(s, d.id, user.id, d.version), d)
    overrides = store.overrides(s, d.id)
    summary(q, evaluation, d, overrides)
    st.divider()
    comments = store.comments(s, d.id)
    answers_and_comments(q, evaluation, d, comments, user)
    if "override" in actions:
        st.divider()
        override_form(q, evaluation, d, user)
    st.divider()
    decision(d, user)
    diff(q, d)


render()
