"""Any URL query parameters: the app renders every page without an exception and names an unknown assessment.

The app runs under AppTest against a real SQLite store (one per module, holding one assessment so that some
links name a real one), signed in through the URL (``as``, ``role``) as a refreshed page would be.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import store
from tests.fuzz.conftest import ROOT, SAMPLE, catalog, fuzz_settings
from views.safe_text import ID_LIMIT, plain

APP = ROOT / "app.py"
PAGES = ["views/home.py", "views/assess.py", "views/review.py", "views/archive.py", "views/questionnaires.py"]
KNOWN = "fuzz-known-assessment"

SQLISH = ["' OR '1'='1", "1; DROP TABLE assessments; --", '" OR ""="', "%", "_", "\\", "NULL", "0x00", "*"]
url_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)  # a browser sends UTF-8: no surrogates
ids = st.one_of(
    st.just(KNOWN),
    st.uuids().map(lambda u: u.hex),
    st.sampled_from(SQLISH),
    url_text,
    st.integers(1, 20_000).map(lambda n: "x" * n),
    st.sampled_from(["../../etc/passwd", "![x](https://example.org/p.png)", "<script>alert(1)</script>", " "]),
)
values = url_text | st.sampled_from(["en", "fr", "de", "", "1", "-1", "author", "reviewer", "admin", "x" * 500])
extra_params = st.dictionaries(st.sampled_from(["lang", "page", "embed", "tab", "q"]) | url_text, values, max_size=3)


@pytest.fixture(scope="module")
def app_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app's environment for the module: a temporary store with one assessment, the sample questionnaire."""
    url = f"sqlite:///{tmp_path_factory.mktemp('app')}/app.sqlite"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DPIA_DATABASE_URL", url)
        env.setenv("DPIA_QUESTIONNAIRES", str(SAMPLE))
        db = store.open_store(url, questionnaires={"sample": catalog()["sample"]})
        try:
            store.ensure_user(db, "ada", ["author"], name="Ada")
            created = store.create_assessment(db, "sample", "Mood cameras", "ada", assessment_id=KNOWN)
            assert created.id == KNOWN
        finally:
            db.close()
        yield url


def the_app(params: dict[str, Any]) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at


@fuzz_settings(20)
@given(
    assessment=st.none() | ids,
    name=st.none() | st.sampled_from(["Ada", "Bea"]) | url_text | st.just("n" * 150),
    role=st.none() | values,
    extra=extra_params,
    page=st.sampled_from(PAGES),
)
@example(assessment="no-such-id", name="Ada", role="author", extra={}, page=PAGES[0])
@example(assessment=KNOWN, name="Ada", role="reviewer", extra={"lang": "fr"}, page=PAGES[1])
@example(assessment="x" * 20_000, name="n" * 150, role="admin", extra={"page": "-1"}, page=PAGES[2])
def test_any_query_parameters_render_every_page_without_exception(
    app_store: str, assessment: str | None, name: str | None, role: str | None, extra: dict[str, str], page: str
) -> None:
    params = {**extra, "as": name, "role": role, "assessment": assessment}
    at = the_app({key: value for key, value in params.items() if value is not None})
    at.run()
    assert not at.exception, at.exception
    signed_in = bool(name and name.strip())
    warnings = [w.value for w in at.warning]
    if signed_in and assessment == KNOWN:
        assert at.query_params["assessment"] == KNOWN and not warnings, warnings
    elif signed_in and assessment:
        # "No assessment with the id ...": the id as text, never Markdown, and shortened
        assert any(plain(assessment, limit=ID_LIMIT) in w for w in warnings), warnings
    at.switch_page(page).run()
    assert not at.exception, at.exception
