"""Every page runs without an exception: signed out, as an author, as a reviewer, with and without an assessment."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest

import store
from tests.app.conftest import create_through_home, follow_link, new_app, open_store_for, shown

RECENT = 10  # rows Home lists until "Show all" (views/home.py runs as a page, it cannot be imported)
PAGES = ["views/home.py", "views/assess.py", "views/review.py", "views/archive.py", "views/questionnaires.py"]


@pytest.mark.parametrize("page", PAGES)
def test_when_signed_out_then_every_page_asks_for_a_name_without_error(sample_env: str, page: str) -> None:
    at = new_app(user=None)
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    if page != "views/questionnaires.py":
        assert any("name" in i.value for i in at.info)
    # the page ended early, and the sidebar it asks to use is there (drawn after the page)
    assert [w.key for w in at.sidebar.text_input] == ["as"]
    assert [w.key for w in at.sidebar.button_group] == ["lang", "role"]
    assert _popovers(at.sidebar) == []  # the name field is in view
    at.sidebar.text_input(key="as").input("Ada").run()
    assert not at.info or not any("name" in i.value for i in at.info)


def _popovers(block: Any) -> list[Any]:
    """The pop-over blocks inside ``block``, however deep."""
    found = []
    for child in getattr(block, "children", {}).values():
        if getattr(child, "type", None) == "popover":
            found.append(child)
        found += _popovers(child)
    return found


def test_when_signed_in_then_the_sidebar_names_the_person_and_keeps_the_name_field_one_click_away(
    sample_env: str,
) -> None:
    at = new_app(user=None)
    at.run()
    at.sidebar.text_input(key="as").input("Ada").run()
    assert any(m.value == "Signed in as **Ada**" for m in at.sidebar.markdown)
    (change,) = _popovers(at.sidebar)
    assert change.proto.popover.label == "Change your name"
    assert [w.key for w in change.text_input] == ["as"]
    # the role is in view, not in the pop-over, and a click changes it: the store records the new role
    assert at.sidebar.button_group(key="role").value == "author"
    at.sidebar.button_group(key="role").set_value("reviewer").run()
    assert at.subheader[0].value == "Waiting for review"
    assert store.user_roles(open_store_for(sample_env), "ada") == ("reviewer",)
    at.sidebar.text_input(key="as").input("Ada Lovelace").run()
    assert any(m.value == "Signed in as **Ada Lovelace**" for m in at.sidebar.markdown)
    assert at.query_params["role"] == "reviewer"  # (AppTest does not reflect the name's bound URL parameter)
    at.sidebar.text_input(key="as").input("").run()  # signed out: the field is in view again
    assert _popovers(at.sidebar) == [] and any("name" in i.value for i in at.info)
    assert not at.exception


@pytest.mark.parametrize("role", ["author", "reviewer"])
@pytest.mark.parametrize("page", PAGES)
def test_when_nothing_is_open_then_every_page_renders(sample_env: str, page: str, role: str) -> None:
    at = new_app(role=role)
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    assert at.title


@pytest.mark.parametrize("page", PAGES)
def test_when_an_assessment_is_open_then_every_page_renders_it(sample_env: str, page: str) -> None:
    at = new_app()
    aid = create_through_home(at, "Mood cameras")
    at.switch_page(page).run()
    assert not at.exception
    assert at.query_params["assessment"] == aid


def test_when_a_link_names_an_unknown_assessment_then_home_says_so(sample_env: str) -> None:
    at = new_app(assessment="no-such-id")
    at.run()
    assert not at.exception
    assert any("no-such-id" in shown(w.value) for w in at.warning)


def test_when_the_language_is_french_then_the_pages_speak_french(sample_env: str) -> None:
    at = new_app()
    aid = create_through_home(at, "Caméras d'humeur")
    at.button_group(key="lang").set_value("fr").run()
    assert at.title[0].value == "Caméras d'humeur"
    assert any("Statut : brouillon" in c.value for c in at.caption)
    at.switch_page("views/home.py").run()
    assert at.title[0].value == "Analyses d'impact relatives à la protection des données"
    assert at.query_params["assessment"] == aid
    assert at.query_params["lang"] == "fr"  # a refresh keeps the language
    assert not at.exception


def test_when_the_link_says_french_then_the_app_opens_in_french(sample_env: str) -> None:
    at = new_app()
    at.query_params["lang"] = "fr"
    at.run()
    assert at.title[0].value == "Analyses d'impact relatives à la protection des données"
    assert at.button_group(key="lang").value == "fr"
    at.switch_page("views/archive.py").run()
    assert at.query_params["lang"] == "fr"
    assert not at.exception


def test_when_the_link_names_an_unknown_language_then_the_app_uses_english(sample_env: str) -> None:
    at = new_app()
    at.query_params["lang"] = "xx"
    at.run()
    assert at.title[0].value == "Privacy impact assessments"
    assert at.query_params["lang"] == "en"
    assert not at.exception


def test_when_an_assessment_is_open_then_its_link_to_share_names_only_the_assessment(sample_env: str) -> None:
    at = new_app()
    aid = create_through_home(at, "Mood cameras")
    assert any(c.value.endswith(f"`assess?assessment={aid}`") for c in at.caption)
    shared = new_app(user="Bea", assessment=aid)  # someone else follows the link to the home page
    shared.run()
    assert [p.label for p in shared.get("page_link")] == ["Continue with “Mood cameras”"]
    assert not shared.exception


def test_when_someone_has_many_assessments_then_home_lists_the_recent_ones_and_shows_all_on_demand(
    sample_env: str,
) -> None:
    s = open_store_for(sample_env)
    store.ensure_user(s, "ada", ["author"], name="Ada")
    first_id = store.create_assessment(s, "sample", "Feature 00", "ada").id
    for i in range(1, RECENT + 2):
        store.create_assessment(s, "sample", f"Feature {i:02d}", "ada")
    s.close()
    at = new_app()
    at.run()
    links = [shown(p.label) for p in at.get("page_link")]
    assert links[0].startswith("**Feature 11**  \ndraft · DPIA") and len(links) == RECENT  # most recent first
    at.button(key="home-all-mine-go").click().run()
    assert [shown(p.label).split("  \n")[0] for p in at.get("page_link")] == [
        f"**Feature {i:02d}**" for i in reversed(range(RECENT + 2))
    ]
    assert not [b for b in at.button if b.key == "home-all-mine-go"]
    # one click opens it: the link names the assessment and keeps the sign-in, so a refresh there keeps both
    [first] = [p.proto for p in at.get("page_link") if shown(p.label).startswith("**Feature 00**")]
    assert (first.page, parse_qs(first.query_string)) == (
        "assess",
        {"as": ["Ada"], "role": ["author"], "assessment": [first_id]},
    )
    follow_link(at, "**Feature 00**")
    assert not at.exception, at.exception
    assert at.title[0].value == "Feature 00"
