"""What every page shares: the questionnaires, the store, who is signed in, the language, the open draft.

Pages lay out widgets; this module holds the few objects they all read. Questionnaires are loaded once per
process (``st.cache_resource``; frozen models) and the store is opened once per database URL. The one mutable
object of a session is the :class:`Draft` in ``st.session_state["draft"]``: the open assessment as last read
from or written to the store, with the version the next autosave must send.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from engine.errors import DpiaError, ProblemsError
from views.i18n import t
from views.safe_text import plain

if TYPE_CHECKING:
    import store
    from engine.loader import Catalog
    from engine.model import Questionnaire

# The store (SQLAlchemy, Alembic) and the questionnaire models are imported where first needed, not when
# the app starts: the sidebar and the page title are on screen while they load on a server's first run.

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRES_ENV = "DPIA_QUESTIONNAIRES"  # the same variable the store reads
DRAFT = "draft"
WIDGET_PREFIX = "q-"
LOCAL_ROLES = ("author", "reviewer")
# The tab's icon as a data URL, read once: Streamlit sends it with the page as it is. A Material icon name
# (":material/shield:") would make every visitor's browser fetch it from Google's font servers, a request to a
# third party that a privacy tool should not make; an image file would be read again on every rerun.
_ICON_SVG = (Path(__file__).parent / "favicon.svg").read_bytes()
PAGE_ICON = "data:image/svg+xml;base64," + base64.b64encode(_ICON_SVG).decode()
# Choice widgets (besides the answer widgets) whose option labels change with the language.
CHOICES_WITH_TRANSLATED_LABELS = (
    "role",
    "assess-section",
    "archive-pick",
    "review-approval-kind",
    "override-target",
    "override-field",
    "override-value-level",
    "override-value-severity",
)


# --- questionnaires and store --------------------------------------------------------------------------


def questionnaire_paths() -> tuple[str, ...]:
    """Where questionnaires come from: ``$DPIA_QUESTIONNAIRES`` (os.pathsep-separated) or ``questionnaires/``."""
    from_env = os.environ.get(QUESTIONNAIRES_ENV)
    if from_env:
        return tuple(p for p in from_env.split(os.pathsep) if p)
    return (str(ROOT / "questionnaires"),)


@st.cache_resource(show_spinner=False)
def _load_catalog(paths: tuple[str, ...]) -> Catalog:
    from engine.loader import load_catalog

    return load_catalog(list(paths))


# A plain dict in front of the st.cache_resource loaders: a page asks for the questionnaires and the store
# dozens of times a run, and each cache_resource call hashes its arguments and checks the cache's state.
_resources: dict[tuple[str, ...], Any] = {}
_resources_lock = threading.RLock()


def _resource(key: tuple[str, ...], make: Callable[[], Any]) -> Any:
    found = _resources.get(key)
    if found is None:
        with _resources_lock:
            found = _resources.get(key)
            if found is None:
                found = _resources[key] = make()
    return found


def catalog() -> Catalog:
    """Every questionnaire that loads, and the full problem list of each one that does not."""
    return catalog_for(questionnaire_paths())


def questionnaires() -> dict[str, Questionnaire]:
    return catalog().questionnaires


@st.cache_resource(show_spinner=False)
def _open_store(url: str, paths: tuple[str, ...]) -> store.Store:
    # The store scores against the questionnaires that load; a broken file is shown on the Questionnaires page
    # instead of making every save fail.
    import store

    return store.open_store(url, questionnaires=catalog_for(paths).questionnaires)


def catalog_for(paths: tuple[str, ...]) -> Catalog:
    return _resource(("catalog", *paths), lambda: _load_catalog(paths))  # type: ignore[no-any-return]


def the_store() -> store.Store:
    """The store for ``$DPIA_DATABASE_URL`` (default: the SQLite file data/dpia.sqlite)."""
    import store

    url, paths = store.database_url(), questionnaire_paths()
    return _resource(("store", url, *paths), lambda: _open_store(url, paths))


def stages(q: Questionnaire) -> list[tuple[str, list[str]]]:
    """The questionnaire's stages: each included questionnaire (e.g. the screening), then its own sections.

    Returns:
        (stage title, section ids) in order; a questionnaire without includes has one stage.
    """
    known = questionnaires()
    out: list[tuple[str, list[str]]] = []
    taken: set[str] = set()
    for included in q.includes:
        sub = known.get(included)
        if sub is None:
            continue
        ids = [s.id for s in sub.sections if s.id not in taken]
        taken.update(ids)
        out.append((sub.id, ids))
    own = [s.id for s in q.sections if s.id not in taken]
    if own or not out:
        out.append((q.id, own))
    return out


def fuller_questionnaire(q: Questionnaire) -> Questionnaire | None:
    """A loaded questionnaire that includes ``q`` (the full DPIA after the screening), if any."""
    return next((other for other in questionnaires().values() if q.id in other.includes), None)


# --- language ------------------------------------------------------------------------------------------


def lang() -> str:
    return st.session_state.get("lang") or "en"


# --- who is signed in ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    id: str
    name: str
    roles: tuple[str, ...]
    oidc: bool = False

    @property
    def is_reviewer(self) -> bool:
        return "reviewer" in self.roles

    @property
    def is_author(self) -> bool:
        return "author" in self.roles


def auth_configured() -> bool:
    """OIDC sign-in is on when ``st.secrets`` has an ``[auth]`` section."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets.toml at all
        return False
    except Exception as e:  # a broken secrets.toml is the operator's error: show it, run in local mode
        st.sidebar.error(f"secrets.toml: {plain(e)}")
        return False


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")[:60]


def choose_user(choice: tuple[str, ...] | None) -> None:
    """Record who the sidebar says is using the app: ("local", name, role), ("oidc",) or None (nobody).

    The store learns of it on the first :func:`current_user` call, after the page has started drawing.
    """
    if choice is None:
        for key in ("user", "user_choice", "signin_error"):
            st.session_state.pop(key, None)
        return
    st.session_state["user_choice"] = choice


def chosen_local_name() -> str | None:
    """The display name the sidebar's local sign-in stands for, unless signing in with it failed; no store call
    (the sidebar is drawn after the page, also when the database just failed)."""
    choice = st.session_state.get("user_choice")
    if choice is None or choice[0] != "local" or st.session_state.get("signin_error") is not None:
        return None
    return str(choice[1])


def current_user() -> User | None:
    """The signed-in user, brought in line with the sidebar's choice (users and roles live in the store)."""
    choice = st.session_state.get("user_choice")
    user: User | None = st.session_state.get("user")
    if choice is None:
        return None
    if choice[0] == "local":
        _, name, role = choice
        if user is not None and not user.oidc and user.name == name and user.roles == (role,):
            return user
        action = lambda: sign_in_local(name, role)  # noqa: E731
    else:
        if user is not None and user.oidc:
            return user
        action = sign_in_oidc
    signed, error = attempt(action)
    st.session_state["signin_error"] = error
    if error is not None:
        st.session_state.pop("user", None)
    return signed  # type: ignore[no-any-return]


def sign_in_local(name: str, role: str) -> User:
    """Local mode (no OIDC): the display name and role the person picked; the store gets exactly that role."""
    import store

    s = the_store()
    uid = slug(name) or "user"
    roles = store.user_roles(s, uid)
    if roles != (role,):
        store.set_roles(s, uid, [role], actor=uid, name=name.strip())
    user = User(uid, name.strip(), (role,))
    st.session_state["user"] = user
    return user


def sign_in_oidc() -> User:
    """OIDC mode: the id token's e-mail (or subject) is the user id; roles come from the store.

    A first sign-in creates the user with the roles listed for them in ``st.secrets["dpia"]``
    (``reviewers = [...]``, ``admins = [...]``), author otherwise. Later changes go through ``dpia`` admin tools.
    """
    import store

    info = st.user
    uid = str(info.get("email") or info.get("sub") or "user")
    name = str(info.get("name") or uid)
    config: Any = st.secrets.get("dpia", {})
    roles = ["author"]
    if uid in list(config.get("reviewers", [])):
        roles.append("reviewer")
    if uid in list(config.get("admins", [])):
        roles.append("admin")
    s = the_store()
    held = store.ensure_user(s, uid, roles, name=name)
    user = User(uid, name, tuple(held), oidc=True)
    st.session_state["user"] = user
    return user


class PageEnds(Exception):
    """Raised by a page that has said all it can (such as "sign in first"); ``app.py`` ends the page there.

    Unlike ``st.stop()``, the rest of the run goes on, so the sidebar drawn after the page (the language switch
    and the sign-in) is still there.
    """


def require_user() -> User:
    """The signed-in user, or a prompt to sign in (and the page ends there: :class:`PageEnds`)."""
    user = current_user()
    if user is None:
        error = st.session_state.get("signin_error")
        if error is None:
            st.info(t("signin.needed"))
        elif is_storage_error(error):
            raise error  # the database failed, not the sign-in: the page's guard says what to do
        else:
            st.error("\n".join(f"- {plain(p)}" for p in problem_lines(error)))
        raise PageEnds
    return user


# --- the draft: the open assessment ---------------------------------------------------------------------


@dataclass
class Draft:
    """The open assessment as last read from or written to the store.

    ``version`` is what the next autosave sends; ``answers`` are normalised (as the store keeps them).
    """

    id: str
    title: str
    owner: str
    questionnaire_id: str
    status: str
    version: int
    revision: int
    answers: dict[str, Any]
    metadata: dict[str, Any]
    review_date: dt.date | None
    problems: list[str] = field(default_factory=list)
    notice: str | None = None  # Markdown: what came from people or files went through views.safe_text.plain
    unsaved: dict[str, Any] = field(default_factory=dict)  # answers the database refused, by question id
    unsaved_about: dict[str, Any] | None = None  # title, description and review date the database refused
    check_conflicts: bool = True  # look for saves of this person that lost a race (on open, after a conflict)
    saved_this_run: bool = False  # the draft was just written by this session's own autosave

    @classmethod
    def of(cls, view: store.AssessmentView) -> Draft:
        return cls(
            id=view.id,
            title=view.title,
            owner=view.owner,
            questionnaire_id=view.questionnaire_id,
            status=view.status,
            version=view.version,
            revision=view.revision,
            answers=dict(view.answers),
            metadata=dict(view.metadata),
            review_date=view.review_date,
        )

    def questionnaire(self) -> Questionnaire | None:
        return questionnaires().get(self.questionnaire_id)


def draft() -> Draft | None:
    return st.session_state.get(DRAFT)


def assessment_id() -> str | None:
    d = draft()
    return d.id if d else None


def forget_widgets() -> None:
    """Drop every answer widget's state so the widgets start again from the draft."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(WIDGET_PREFIX)]:
        del st.session_state[key]


def open_assessment(aid: str) -> Draft | None:
    """Read the assessment from the store into a new draft (after a refresh, a deep link, or a choice)."""
    import store

    try:
        view = store.get_assessment(the_store(), aid)
    except store.NotFoundError:
        st.session_state.pop(DRAFT, None)
        st.session_state["missing_assessment"] = aid
        return None
    forget_widgets()
    d = Draft.of(view)
    st.session_state[DRAFT] = d
    st.session_state.pop("missing_assessment", None)
    return d


def close_assessment() -> None:
    st.session_state.pop(DRAFT, None)
    forget_widgets()
    if "assessment" in st.query_params:
        del st.query_params["assessment"]


def sync_draft() -> Draft | None:
    """Bring the draft up to date when someone else changed the assessment (one small read per run).

    Answers that changed in the store replace the widget values of those questions; nothing else moves.
    """
    import store

    d = draft()
    if d is None:
        return None
    if d.saved_this_run:  # the autosave just read and wrote the stored version; others show on the next run
        d.saved_this_run = False
        return d
    try:
        view = store.get_assessment(the_store(), d.id)
    except store.NotFoundError:
        close_assessment()
        return None
    if view.version == d.version and view.status == d.status:
        return d
    d.check_conflicts = True
    changed = {q for q in set(view.answers) | set(d.answers) if view.answers.get(q) != d.answers.get(q)}
    fresh = Draft.of(view)
    fresh.problems, fresh.notice, fresh.unsaved, fresh.check_conflicts = d.problems, d.notice, d.unsaved, True
    fresh.unsaved_about = d.unsaved_about
    st.session_state[DRAFT] = fresh
    forget_widgets_of(changed)
    return fresh


def forget_widgets_of(question_ids: set[str]) -> None:
    """Drop the widget state of these questions (their rows and risk fields too)."""
    bases = {widget_key(q) for q in question_ids}
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(WIDGET_PREFIX)]:
        if key.split("--", 1)[0] in bases:
            del st.session_state[key]


def widget_key(question_id: str, *parts: object) -> str:
    """Widget keys derive from question ids: ``q-tech-cameras``, ``q-risk-access--severity_after``.

    A dot is not allowed inside an id segment and a hyphen is not allowed in ids, so the mapping is one to one
    and the key is a valid CSS class name (Streamlit adds ``st-key-<key>`` to the element).
    """
    base = WIDGET_PREFIX + question_id.replace(".", "-")
    return "--".join([base, *map(str, parts)]) if parts else base


# --- errors at the edge -----------------------------------------------------------------------------------


def problem_lines(error: DpiaError) -> list[str]:
    if isinstance(error, ProblemsError):
        return [str(p) for p in error.problems]
    return [str(error)]


def show_error(error: DpiaError) -> None:
    """The project's own errors, with every problem they carry; never a traceback."""
    lines = [plain(line) for line in problem_lines(error)]  # they may quote a title, an answer or a file
    if len(lines) == 1:
        st.error(lines[0])
    else:
        st.error("\n".join(f"- {line}" for line in lines))


def is_storage_error(error: BaseException | None) -> bool:
    """Whether the store raised this because the database failed (:class:`store.StorageError`)."""
    if not isinstance(error, DpiaError):
        return False
    import store  # loaded already when the store raised it

    return isinstance(error, store.StorageError)


def storage_trouble(error: DpiaError) -> str:
    """What happened to the database and what to do, in the person's language, then the store's own words
    (the database URL with its password hidden, and the driver's message)."""
    kind = getattr(error, "kind", "unreachable")
    return f"{t(f'storage.{kind}')}\n\n{t('storage.details', details=plain(error))}"


@contextmanager
def database_trouble_shown() -> Iterator[None]:
    """Run a page; when the database fails (a server out of reach, a file that is not a database, a folder
    where the database cannot be created...), say so above the page instead of showing a traceback.

    What the page drew before the failure stays. Nothing about the failure is kept: a failed open is not
    cached (neither by :func:`_resource` nor by ``st.cache_resource``), so the next run tries again and the
    page comes back as soon as the database does.
    """
    slot = st.empty()
    try:
        yield
    except DpiaError as e:
        if not is_storage_error(e):
            raise
        with slot.container():
            st.error(storage_trouble(e), icon=":material/database:")
            st.button(t("storage.retry"), key="storage-retry", icon=":material/refresh:")  # a rerun


def attempt(action: Callable[[], Any]) -> tuple[Any, DpiaError | None]:
    """Run a store or report call; the project's errors come back to be shown, real bugs propagate."""
    try:
        return action(), None
    except DpiaError as e:
        return None, e


def go(page: str) -> None:
    """Switch page, keeping the open assessment in the URL.

    ``st.switch_page`` without ``query_params`` clears the URL, which Streamlit refuses while widgets are
    bound to it (the local sign-in), so the parameters to keep are passed explicitly; bound widgets put
    their own parameters back.
    """
    st.switch_page(page, query_params=kept_params(assessment_id()))


def kept_params(assessment: str | None, *, for_link: bool = False) -> dict[str, str]:
    """The URL's parameters for another page: the local sign-in (a refresh there keeps the person signed in)
    and ``assessment``.

    ``st.switch_page`` refuses the name, a parameter bound to its widget, and the widget puts it back itself;
    a page link (``for_link``), followed by the browser, must carry it.
    """
    keys = ("as", "role") if for_link else ("role",)
    params = {key: str(st.session_state[key]) for key in keys if st.session_state.get(key)}
    if assessment is not None:
        params["assessment"] = assessment
    return params


def open_draft_or_explain(page: str, none_key: str) -> Draft | None:
    """The open assessment, or None after telling the user none is open and linking Home."""
    draft = sync_draft()
    if draft is None:
        st.title(t(page))
        st.info(t(none_key))
        st.page_link("views/home.py", label=t("page.home"), icon=":material/home:")
    return draft
