"""Archive: approved versions and their PDFs; check an archived PDF; the re-scoring report."""

from __future__ import annotations

import streamlit as st

import store
from engine.i18n import message
from views.answer_text import markdown_table
from views.context import attempt, current_user, lang, require_user, show_error, the_store
from views.i18n import t
from views.safe_text import plain

APPROVED = ("approved", "archived")


def approved_versions() -> None:
    s = the_store()
    language = lang()
    st.subheader(t("archive.versions"))
    found: list[store.VersionView] = []
    for summary in store.list_assessments(s):
        if summary.status in APPROVED or summary.revision > 1:
            found += store.versions(s, summary.id)
    if not found:
        st.caption(t("archive.none"))
        return
    found.sort(key=lambda v: v.approved_at, reverse=True)
    rows = [
        {
            t("home.col.title"): v.title,
            t("archive.revision"): v.revision,
            t("archive.decision"): t(f"decision.{v.decision}"),
            t("home.col.verdict"): _verdict(v.outcome.get("dpia"), language),
            t("archive.approved_by"): v.approved_by,
            t("archive.approved_at"): v.approved_at.strftime("%Y-%m-%d"),
            "SHA-256 (PDF)": (v.pdf_sha256 or "")[:16] + "…",
        }
        for v in found
    ]
    st.markdown(markdown_table(rows))
    keys = [(v.assessment_id, v.revision) for v in found]
    names = {(v.assessment_id, v.revision): f"{v.title} · r{v.revision} · {v.approved_at:%Y-%m-%d}" for v in found}
    chosen = st.selectbox(t("archive.pick"), keys, format_func=names.__getitem__, key="archive-pick")
    aid, revision = chosen

    def pdf() -> bytes:
        return store.version_pdf(s, aid, revision)

    st.download_button(
        t("archive.download"),
        data=pdf,
        file_name=f"dpia-{aid[:8]}-r{revision}-approved.pdf",
        mime="application/pdf",
        key="archive-download",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )


def _verdict(verdict: str | None, language: str) -> str:
    return message(language, f"verdict.{verdict}") if verdict else ""


def verify() -> None:
    st.subheader(t("archive.verify"))
    st.caption(t("archive.verify_help"))
    uploaded = st.file_uploader(t("archive.upload"), type=["pdf"], key="archive-upload")
    if uploaded is None:
        return
    from report import read_archive, verify_pdf

    raw = uploaded.getvalue()
    result, error = attempt(lambda: verify_pdf(raw))
    if error is not None:
        show_error(error)
        return
    if result.ok:
        st.success(t("archive.verified"))
    else:
        st.error(t("archive.not_verified") + "\n" + "\n".join(f"- {plain(r)}" for r in result.reasons))
    if result.checks:
        st.markdown("\n".join(f"- ✔ {plain(c)}" for c in result.checks))
    archive, error = attempt(lambda: read_archive(raw))
    if error is None and archive is not None:
        meta = archive.assessment.metadata
        review = archive.assessment.review
        st.markdown(
            t(
                "archive.holds",
                feature=plain(meta.feature),  # the uploaded file's words
                questionnaire=plain(f"{archive.questionnaire_id} {archive.questionnaire_version}"),
                decision=t(f"decision.{review.decision}") if review and review.decision else "-",
            )
        )


def rescore_report() -> None:
    user = current_user()
    st.subheader(t("archive.rescore"))
    st.caption(t("archive.rescore_help"))
    s = the_store()
    if not st.toggle(t("archive.rescore_run"), key="archive-rescore-run"):
        return
    stats = store.RescoreStats()
    changes, error = attempt(lambda: list(store.rescore(s, dry_run=True, stats=stats)))
    if error is not None:
        show_error(error)
        return
    if not changes:
        st.success(t("archive.rescore_none", n=stats.seen))
        return
    rows = [
        {
            t("home.col.title"): c.title,
            t("home.col.status"): t(f"status.{c.status}"),
            t("archive.changes"): "; ".join(c.changes) if c.changes else (c.error or ""),
        }
        for c in changes
    ]
    st.markdown(markdown_table(rows))
    may_write = user is not None and (user.is_reviewer or "admin" in user.roles)
    if may_write and st.button(t("archive.rescore_write"), key="archive-rescore-write"):
        assert user is not None
        written = store.RescoreStats()
        _, error = attempt(lambda: list(store.rescore(s, dry_run=False, stats=written, actor=user.id)))
        if error is not None:
            show_error(error)
        else:
            st.success(t("archive.rescore_written", n=written.written))


def render() -> None:
    st.title(t("page.archive"))
    require_user()
    approved_versions()
    st.divider()
    verify()
    st.divider()
    rescore_report()


render()
