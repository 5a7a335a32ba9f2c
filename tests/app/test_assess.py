"""The Assess page: the hotel cameras answered through the widgets, conditional questions, autosave, deep links,
conflicts, and the live panel's reasons."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from streamlit.testing.v1 import AppTest

import store
from engine.answers import load_answers
from engine.model import Questionnaire
from tests.app.conftest import (
    EXAMPLE_HOTEL,
    ROOT,
    create_through_home,
    hotel_answers_file,
    new_app,
    open_store_for,
    shown,
)
from tests.app.driver import answer_all, answer_question, go_to_section, present

GOLDEN_HOTEL = ROOT / "tests" / "golden" / "hotel-emotion-cameras" / "expected.yaml"


def expected_outcome() -> dict[str, Any] | None:
    """The golden expectation for the project's hotel example, when both exist."""
    if hotel_answers_file() != EXAMPLE_HOTEL or not GOLDEN_HOTEL.exists():
        return None
    return yaml.safe_load(GOLDEN_HOTEL.read_text(encoding="utf-8"))


def expander_titles(at: AppTest) -> list[str]:
    return [e.label for e in at.expander]


def markdown_text(at: AppTest) -> str:
    return "\n".join(shown(m.value) for m in at.markdown)


def test_when_the_hotel_cameras_are_answered_on_the_sample_then_emotions_are_flagged(
    sample_env: str, sample_q: Questionnaire, sample_hotel: dict[str, Any]
) -> None:
    at = new_app()
    aid = create_through_home(at, "Mood cameras in the lobby")
    assert answer_all(at, sample_q, sample_hotel) == []
    assert not at.exception
    verdicts = [e.value for e in at.error]
    assert any(v.startswith("**DPIA required") for v in verdicts)
    assert any("AI Act: high-risk system" in w.value for w in at.warning)
    titles = expander_titles(at)
    assert any(t.startswith("Emotions are inferred from faces · ") and "critical" in t for t in titles)
    at.session_state["flag-R-EMO-001"] = True  # the person opens the flag
    at.run()
    text = markdown_text(at)
    assert "Analysis includes Reads emotions" in text  # the trace: why it fired
    assert "AI Act Art. 50(3)" in text  # its references
    assert "Ask guests with an opt-in survey." in text  # the less intrusive alternative
    # every answer reached the store, normalised
    stored = store.get_assessment(open_store_for(sample_env), aid).answers
    assert stored["tech.analysis"] == ["emotions", "faces"]
    assert stored["data.inventory"] == [{"category": "health", "needed": False, "retention_days": 400}]
    assert stored["risk.access"] == sample_hotel["risk.access"]


def test_when_the_hotel_cameras_are_answered_on_the_real_screening_then_a_dpia_is_required(
    real_env: str, real_catalog: dict[str, Questionnaire]
) -> None:
    loaded = load_answers(hotel_answers_file(), real_catalog)
    q = loaded.questionnaire
    at = new_app()
    aid = create_through_home(at, loaded.assessment.metadata.feature, q.id)
    never_shown = answer_all(at, q, loaded.assessment.model_dump(mode="json")["answers"])
    assert never_shown == [], f"questions the page never showed: {never_shown}"
    assert not at.exception
    assert any(e.value.startswith("**DPIA required**") for e in at.error)
    assert any("AI Act: high-risk system" in w.value for w in at.warning)
    titles = expander_titles(at)
    assert any("Emotion recognition" in t for t in titles), titles
    assert any("emotions or moods are inferred" in t for t in titles), titles
    expected = expected_outcome()
    if expected:  # the golden expectation written with the questionnaire
        assert expected["dpia"] == "required" and expected["ai_act"] == "high_risk"
        shown = {t.split(" · ")[0] for t in titles}
        for rule_id in expected.get("findings_include", []):
            assert q.text(q.rules_by_id[rule_id].title, "en") in shown, rule_id
        for rule_id in expected.get("findings_exclude", []):
            if rule_id in q.rules_by_id:
                assert q.text(q.rules_by_id[rule_id].title, "en") not in shown, rule_id
    # the store scored the same answers the same way
    view = store.get_assessment(open_store_for(real_env), aid)
    assert view.dpia_verdict == "required"
    assert view.ai_act_status == "high_risk"


def test_when_cameras_are_answered_yes_then_the_camera_questions_appear_at_once(
    sample_env: str, sample_q: Questionnaire
) -> None:
    at = new_app()
    create_through_home(at, "Cameras")
    go_to_section(at, "tech")
    assert not present(at, "q-tech-analysis")
    assert answer_question(at, sample_q, "tech.cameras", True)
    assert present(at, "q-tech-analysis") and present(at, "q-tech-setting")
    assert answer_question(at, sample_q, "tech.cameras", False)
    assert not present(at, "q-tech-analysis")


def test_when_the_page_is_reloaded_then_every_answer_is_still_there(
    sample_env: str, sample_q: Questionnaire, sample_hotel: dict[str, Any]
) -> None:
    at = new_app()
    aid = create_through_home(at, "Mood cameras")
    answer_all(at, sample_q, sample_hotel)
    again = new_app(assessment=aid)  # a new session: only the URL survives a refresh
    again.run()
    again.switch_page("views/assess.py").run()
    go_to_section(again, "tech")
    assert again.button_group(key="q-tech-cameras").value is True
    assert again.multiselect(key="q-tech-analysis").value == ["emotions", "faces"]
    assert again.radio(key="q-tech-setting").value == "public_area"
    go_to_section(again, "context")
    assert again.text_input(key="q-context-feature").value == "Mood cameras"
    assert again.number_input(key="q-context-people").value == 5000
    go_to_section(again, "data")
    assert again.radio(key="q-data-inventory--0--category").value == "health"
    assert again.button_group(key="q-data-inventory--0--needed").value is False
    go_to_section(again, "risk")
    assert again.button_group(key="q-risk-access--severity_after").value == 3
    assert not again.exception


def test_when_the_language_changes_then_the_answers_stay(
    sample_env: str, sample_q: Questionnaire, sample_hotel: dict[str, Any]
) -> None:
    at = new_app()
    create_through_home(at, "Mood cameras")
    answer_all(at, sample_q, sample_hotel)
    go_to_section(at, "tech")
    at.button_group(key="lang").set_value("fr").run()
    assert at.multiselect(key="q-tech-analysis").value == ["emotions", "faces"]
    assert any(e.label.startswith("Des émotions sont déduites des visages") for e in at.expander)
    assert not at.exception


def test_when_the_language_changes_then_an_open_about_section_stays_open(sample_env: str) -> None:
    at = new_app()
    create_through_home(at, "Mood cameras")
    assert not [w for w in at.text_input if w.key == "q--meta-title"]  # closed at first
    at.session_state["about-open"] = True  # the person opens "About this assessment"
    at.run()
    assert at.text_input(key="q--meta-title").value == "Mood cameras"
    for language, label in (("fr", "Nom de la fonctionnalité"), ("en", "Feature name")):
        at.button_group(key="lang").set_value(language).run()
        assert at.text_input(key="q--meta-title").label == label  # still open, in the new language
    at.session_state["about-open"] = False  # closed again: it stays closed
    at.run()
    at.button_group(key="lang").set_value("fr").run()
    assert not [w for w in at.text_input if w.key == "q--meta-title"]
    assert not at.exception


def test_when_someone_else_changed_the_same_answer_then_both_values_are_shown_and_the_user_chooses(
    sample_env: str, sample_q: Questionnaire
) -> None:
    at = new_app()
    aid = create_through_home(at, "Cameras")
    go_to_section(at, "context")
    answer_question(at, sample_q, "context.people", 100)
    other = open_store_for(sample_env)
    store.set_roles(other, "ada", ["author"], actor="ada")
    view = store.get_assessment(other, aid)
    store.save_answer(other, aid, "context.people", 250, view.version, "ada")  # the same person, another tab
    answer_question(at, sample_q, "context.people", 999)
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any("changed “People” at the same time" in w for w in warnings), warnings
    text = markdown_text(at)
    assert "**Your answer**  \n999" in text and "**Saved answer**  \n250" in text
    at.button(key=next(b.key for b in at.button if b.key and b.key.endswith("-mine"))).click().run()
    assert store.get_assessment(other, aid).answers["context.people"] == 999
    assert at.number_input(key="q-context-people").value == 999
    assert not [w for w in at.warning if "same time" in w.value]


def test_when_someone_else_changed_another_answer_then_both_changes_are_kept(
    sample_env: str, sample_q: Questionnaire
) -> None:
    at = new_app()
    aid = create_through_home(at, "Cameras")
    go_to_section(at, "context")
    other = open_store_for(sample_env)
    store.set_roles(other, "ada", ["author"], actor="ada")
    view = store.get_assessment(other, aid)
    store.save_answer(other, aid, "context.feature", "Lobby cameras", view.version, "ada")
    answer_question(at, sample_q, "context.people", 10)
    assert not at.exception
    answers = store.get_assessment(other, aid).answers
    assert answers == {"context.feature": "Lobby cameras", "context.people": 10}
    assert at.text_input(key="q-context-feature").value == "Lobby cameras"


def test_when_a_flag_is_asked_what_would_change_it_then_verified_alternatives_are_listed(
    sample_env: str, sample_q: Questionnaire, sample_hotel: dict[str, Any]
) -> None:
    at = new_app()
    create_through_home(at, "Mood cameras")
    answer_all(at, sample_q, sample_hotel)
    at.session_state["flag-R-EMO-001"] = True  # opening a flag shows what would change it
    at.run()
    text = markdown_text(at)
    assert "If Analysis without “Reads emotions”: this flag clears." in text
    # honest about trade-offs: moving the cameras to a workplace clears it but raises the prohibition
    assert "If Setting: A workplace: this flag clears." in text
    assert "But it would raise: Emotion recognition at work is prohibited." in text


def test_when_submitted_then_the_answers_are_read_only_for_the_author(
    sample_env: str, sample_q: Questionnaire, sample_hotel: dict[str, Any]
) -> None:
    at = new_app()
    aid = create_through_home(at, "Mood cameras")
    answer_all(at, sample_q, sample_hotel)
    at.button(key="assess-submit").click().run()
    assert store.get_assessment(open_store_for(sample_env), aid).status == "submitted"
    assert any("Read only" in i.value for i in at.info)
    assert not present(at, "q-tech-cameras")
    assert not at.exception


@pytest.mark.parametrize("missing", ["tech.cameras"])
def test_when_a_required_answer_is_missing_then_submit_waits(sample_env: str, missing: str) -> None:
    at = new_app()
    create_through_home(at, "Cameras")
    assert at.button(key="assess-submit").disabled
    assert any("Still to answer before submitting" in c.value and "Cameras" in c.value for c in at.caption)
