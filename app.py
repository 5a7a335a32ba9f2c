"""The Streamlit app: ``streamlit run app.py``.

This entry point sets the language, signs the person in (OIDC through ``st.login`` when ``st.secrets`` has an
``[auth]`` section, otherwise a local mode where they pick a display name and a role), keeps
``?assessment=ID`` in the URL on every run so a refresh or a shared link reopens the same assessment, and
hands over to one page module per page in ``views/`` (never ``pages/``: Streamlit would switch to its legacy
multipage mode). When the database fails while a page runs, the page says so (:func:`database_trouble_shown`).
"""

from __future__ import annotations

import streamlit as st

from views.context import (
    CHOICES_WITH_TRANSLATED_LABELS,
    LOCAL_ROLES,
    PAGE_ICON,
    PageEnds,
    auth_configured,
    choose_user,
    chosen_local_name,
    database_trouble_shown,
    draft,
    forget_widgets,
    open_assessment,
)
from views.i18n import LANGUAGE_NAMES, start_run, t
from views.safe_text import plain

NAME_LIMIT = 100  # characters of a local display name


def language_changed() -> None:
    """Widgets show translated option labels: start them again from their values so the browser shows the new
    labels (the values themselves do not change)."""
    start_run()
    forget_widgets()
    for key in CHOICES_WITH_TRANSLATED_LABELS:
        if key in st.session_state:  # set again, so the browser is sent the value with its new label
            st.session_state[key] = st.session_state[key]


def choose_language() -> None:
    """The language: ``?lang=`` (so a refresh or a shared link keeps it), else the browser's, else English.

    Chosen before the page runs; the switch itself is drawn afterwards (:func:`draw_language_switch`)."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang")
        locale = (st.context.locale or "en").lower()
        st.session_state["lang"] = wanted if wanted in LANGUAGE_NAMES else "fr" if locale.startswith("fr") else "en"
    lang = st.session_state["lang"]
    if st.query_params.get("lang") != lang:  # by hand: a bound widget would put "Français" in the URL
        st.query_params["lang"] = lang


def draw_language_switch() -> None:
    st.segmented_control(
        "Language / Langue",
        list(LANGUAGE_NAMES),
        format_func=LANGUAGE_NAMES.__getitem__,
        key="lang",
        required=True,
        on_change=language_changed,
    )


def choose_sign_in() -> bool:
    """Who is using the app (the store refuses what their role does not allow); True in OIDC mode.

    Only the choice is recorded here, from the sidebar's widgets as the browser last sent them (or the URL on a
    first visit); the store hears of it when a page first asks for the user. The widgets themselves are drawn
    after the page (:func:`draw_sign_in`).
    """
    if auth_configured():
        choose_user(("oidc",) if st.user.get("is_logged_in", False) else None)
        return True
    # Local mode: no authentication. The name and role live in the URL so a refresh keeps them: the name
    # through a bound widget, the role by hand (a bound select box would put its translated label in the URL).
    name = st.session_state["as"] if "as" in st.session_state else st.query_params.get("as", "")
    wanted = st.query_params.get("role")
    if "role" not in st.session_state:
        st.session_state["role"] = wanted if wanted in LOCAL_ROLES else LOCAL_ROLES[0]
    role = st.session_state["role"]
    if wanted != role:
        st.query_params["role"] = role
    name = name.strip()[:NAME_LIMIT]
    choose_user(("local", name, role) if name else None)
    return False


def draw_sign_in(oidc: bool) -> None:
    if oidc:
        if not st.user.get("is_logged_in", False):
            st.button(t("signin.login"), on_click=st.login, type="primary")
            return
        name = st.user.get("name") or st.user.get("email") or st.user.get("sub")
        st.markdown(t("signin.as", name=plain(name)))
        st.button(t("signin.logout"), on_click=st.logout)
        return
    # Local mode. The role is one click away at all times (an author and a reviewer often share a machine in a
    # review session); the name field gives way to "Signed in as ..." once there is a name, and is one click
    # away in a pop-over (whose fields the browser draws only when it is opened: a lighter first page).
    name = chosen_local_name()
    if name is not None:
        st.markdown(t("signin.as", name=plain(name)))
    with (
        st.popover(t("signin.change"), icon=":material/manage_accounts:", width="stretch")
        if name is not None
        else st.container()
    ):
        st.text_input(t("signin.name"), key="as", bind="query-params", max_chars=NAME_LIMIT)
        st.caption(t("signin.local"))
    st.pills(  # pills wrap to a second line in a narrow sidebar where a segmented control breaks apart
        t("signin.role"),
        LOCAL_ROLES,
        format_func={r: t(f"role.{r}") for r in LOCAL_ROLES}.__getitem__,
        key="role",
        required=True,
    )


def deep_link() -> None:
    """``?assessment=ID`` opens that assessment; the open one is put back in the URL on every run."""
    wanted = st.query_params.get("assessment")
    current = draft()
    if wanted and (current is None or current.id != wanted):
        if st.session_state.get("missing_assessment") != wanted:
            open_assessment(wanted)
    elif current is not None and not wanted:
        st.query_params["assessment"] = current.id


def main() -> None:
    st.set_page_config(page_title="DPIA", page_icon=PAGE_ICON, layout="wide")
    # The language switch and the sign-in sit at the top of the sidebar but are drawn after the page: the
    # browser fetches the code of each kind of widget the first time it meets one, and a page title sent after
    # three sidebar widgets waits for them on a first visit (about half a second on a small machine).
    top_of_sidebar = st.sidebar.container()
    choose_language()
    start_run()
    oidc = choose_sign_in()
    pages = [
        st.Page("views/home.py", title=t("page.home"), icon=":material/home:", default=True),
        st.Page("views/assess.py", title=t("page.assess"), icon=":material/edit_note:", url_path="assess"),
        st.Page("views/review.py", title=t("page.review"), icon=":material/rate_review:", url_path="review"),
        st.Page("views/archive.py", title=t("page.archive"), icon=":material/inventory_2:", url_path="archive"),
        st.Page(
            "views/questionnaires.py",
            title=t("page.questionnaires"),
            icon=":material/menu_book:",
            url_path="questionnaires",
        ),
    ]
    page = st.navigation(pages)
    try:
        # From here on the database is read; when it fails the page says what happened and what to do instead
        # of showing a traceback.
        with database_trouble_shown():
            deep_link()
            page.run()
    except PageEnds:
        pass
    finally:  # also when the page fails: the language switch and the sign-in stay usable
        with top_of_sidebar:
            draw_language_switch()
            draw_sign_in(oidc)


main()
