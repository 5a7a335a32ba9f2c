"""Home: my assessments (status, verdict, review date), start a new one, import one."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import streamlit as st

from views.context import (
    attempt,
    current_user,
    draft,
    go,
    kept_params,
    lang,
    open_assessment,
    questionnaires,
    require_user,
    show_error,
    the_store,
)
from views.i18n import t
from views.safe_text import ID_LIMIT, plain

if TYPE_CHECKING:
    import store

ASSESS_PAGE = "views/assess.py"
REVIEW_PAGE = "views/review.py"
REVIEWER_QUEUE = ("submitted", "in_review")
RECENT = 10  # rows a list shows (the most recently changed) until "Show all" is pressed


def _open(aid: str) -> None:
    if open_assessment(aid) is not None:
        st.query_params["assessment"] = aid


# Page-link labels are one line, cut at the column's edge: these lists' labels wrap instead (Streamlit's test
# ids are its stable names for elements). A style-only ``st.html`` takes no room on the page.
_WRAPPED_LINKS = (
    "<style>[data-testid=stMain] [data-testid=stPageLink-NavLink] *"
    "{white-space:normal!important;overflow:visible!important}</style>"
)


def _link_label(s: store.Summary) -> str:
    """An assessment in two lines: its title (bold, shown as written); its status, verdicts and review date."""
    details = [t(f"status.{s.status}")]
    if s.dpia_verdict:
        details.append(t("home.row.verdict", value=t(f"dpia_short.{s.dpia_verdict}")))
    if s.ai_act_status:
        details.append(t("home.row.ai_act", value=t(f"ai_short.{s.ai_act_status}")))
    if s.review_date is not None:
        review = t("home.row.review", date=s.review_date.isoformat())
        details.append(f"{review} ({t('home.overdue')})" if s.overdue else review)
    return f"**{plain(s.title)}**  \n" + " · ".join(details)


def my_assessments() -> None:
    import store

    user = current_user()
    assert user is not None
    s = the_store()
    st.html(_WRAPPED_LINKS)
    if user.is_reviewer:
        st.subheader(t("home.queue"))
        queue = store.list_assessments(s, status=REVIEWER_QUEUE)
        _links(queue, "queue", REVIEW_PAGE, ":material/rate_review:")
    st.subheader(t("home.mine"))
    mine = store.list_assessments(s, owner=user.id)
    _links(mine, "mine", ASSESS_PAGE, ":material/edit_note:")
    overdue = [a for a in mine if a.overdue]
    if overdue:
        st.warning(t("home.overdue_list", titles=", ".join(plain(a.title) for a in overdue)))


def _links(items: list[store.Summary], name: str, page: str, icon: str) -> None:
    """The most recently changed ``items`` (all of them once "Show all" is pressed), each a link to ``page``.

    One click opens an assessment: the link carries it in the URL with the sign-in, and ``deep_link`` opens it
    on arrival. Links are light for a first page, where a select box and an Open button made the browser fetch
    and run a large widget bundle first (about a tenth of a second on a small machine).
    """
    if not items:
        st.caption(t("home.none"))
        return
    everything = f"home-all-{name}"
    shown = items if st.session_state.get(everything) else items[:RECENT]
    for a in shown:
        st.page_link(page, label=_link_label(a), icon=icon, query_params=kept_params(a.id, for_link=True))
    if len(shown) < len(items):
        st.button(
            t("home.show_all", count=len(items)),
            key=f"{everything}-go",
            type="tertiary",
            on_click=st.session_state.__setitem__,
            args=(everything, True),
        )


def new_assessment() -> None:
    import store

    user = current_user()
    assert user is not None
    language = lang()
    known = questionnaires()
    if not known:
        st.info(t("home.no_questionnaires"))
        return
    # The fullest questionnaire first: one that includes others (the DPIA after its screening).
    ids = sorted(known, key=lambda i: (-len(known[i].includes), i))
    # In a popover: the browser draws (and fetches the code of) these fields only when it is opened, which
    # keeps the first page light. Its problems show inside it.
    with st.popover(t("home.new"), type="primary", icon=":material/add:", width="stretch"):
        with st.form("new-assessment", clear_on_submit=True, border=False):
            title = st.text_input(t("home.feature"), max_chars=300, key="new-title")
            owner = st.text_input(t("home.owner"), value=user.name, max_chars=300, key="new-owner")
            qid = st.selectbox(
                t("home.questionnaire"),
                ids,
                format_func=lambda i: f"{known[i].text(known[i].title, language)} ({known[i].version})",
                key="new-questionnaire",
            )
            review = st.date_input(t("home.review_date"), value=None, format="YYYY-MM-DD", key="new-review-date")
            submitted = st.form_submit_button(t("home.create"), type="primary", key="new-create")
        if not submitted:
            return
        if not title.strip():
            st.error(t("home.feature_needed"))
            return
        meta = {"owner": owner.strip() or None, "date": dt.date.today().isoformat()}
        created, error = attempt(
            lambda: store.create_assessment(the_store(), qid, title.strip(), user.id, metadata=meta, review_date=review)
        )
        if error is not None:
            show_error(error)
            return
        _open(created.id)
        go(ASSESS_PAGE)


def import_assessment() -> None:
    user = current_user()
    assert user is not None
    with st.popover(t("home.import"), icon=":material/upload_file:", width="stretch"):
        st.caption(t("home.import_help"))
        uploaded = st.file_uploader(t("home.import_file"), type=["yaml", "yml", "json", "pdf"], key="home-import")
        if uploaded is not None and st.button(t("home.import_go"), key="home-import-go"):
            results, error = attempt(lambda: _import(uploaded.name, uploaded.getvalue(), user.id))
            if error is not None:
                show_error(error)
                return
            opened = next((r for r in results if r.assessment_id), None)
            if opened is None:
                st.info("; ".join(plain(r.message) for r in results))
                return
            d = open_assessment(opened.assessment_id)
            if d is not None:
                st.query_params["assessment"] = d.id
                d.notice = plain(f"{opened.source}: {opened.message}")  # Markdown
            go(ASSESS_PAGE)


def _import(name: str, raw: bytes, owner: str) -> list[store.ImportResult]:
    """An archived PDF, a store export (JSON) or an answers file, through the store's own import."""
    import tempfile
    from pathlib import Path

    import store

    suffix = Path(name).suffix or ".yaml"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(raw)
        results = store.import_file(the_store(), path, owner=owner)
    return [store.ImportResult(name, r.assessment_id, r.imported, r.message) for r in results]


def render() -> None:
    st.title(t("home.title"))  # first: the title is on screen while the store loads on a first run
    user = require_user()
    missing = st.session_state.get("missing_assessment")
    if missing:
        st.warning(t("home.missing", id=plain(missing, limit=ID_LIMIT)))
    current = draft()
    if current is not None:  # e.g. after a shared link to the home page
        st.page_link(ASSESS_PAGE, label=t("home.continue", title=plain(current.title)), icon=":material/arrow_forward:")
    left, right = st.columns([3, 2], gap="large")
    with left:
        my_assessments()
    with right:
        if user.is_author:
            new_assessment()
            import_assessment()
        else:
            st.info(t("home.reviewer_hint"))


render()
