"""The Review page: summary first, comments with verdicts, risk overrides, opinion, approval with the real PDF,
changes requested, and the diff against the previous approved version."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

import store
from engine.model import Questionnaire
from report import read_archive, verify_pdf
from tests.app.conftest import create_through_home, follow_link, new_app, open_store_for, shown
from tests.app.driver import answer_all, answer_question, go_to_section

REVIEWER_BUTTONS = ("review-start", "review-approve", "review-changes", "review-reject", "override-add")


def submitted_hotel(sample_q: Questionnaire, answers: dict[str, Any]) -> str:
    at = new_app()
    aid = create_through_home(at, "Mood cameras")
    answer_all(at, sample_q, answers)
    at.button(key="assess-submit").click().run()
    assert not at.exception
    return aid


def reviewer(aid: str) -> AppTest:
    at = new_app(user="Dan", role="reviewer", assessment=aid)
    at.run()
    at.switch_page("views/review.py").run()
    assert not at.exception, at.exception
    return at


def button_keys(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key}


def test_when_a_reviewer_reviews_the_hotel_then_it_is_approved_with_a_verifiable_pdf(
    sample_env: str, sample_q: Questionnaire, sample_hotel: dict[str, Any]
) -> None:
    aid = submitted_hotel(sample_q, sample_hotel)
    at = new_app(user="Dan", role="reviewer")
    at.run()
    follow_link(at, "**Mood cameras**  \nsubmitted")  # the review queue on Home
    assert at.title[0].value == "Review: Mood cameras"
    # the summary comes first: verdict, criteria, flags and the heat map before and after measures
    assert any(e.value.startswith("**DPIA required") for e in at.error)
    heat = "\n".join(m.value for m in at.markdown)
    assert "Maximum" in heat and "high]: **Illegitimate access**" in heat
    at.button(key="review-start").click().run()
    assert store.get_assessment(open_store_for(sample_env), aid).status == "in_review"
    # a comment with a verdict on one question
    at.selectbox(key="review-comment-on").set_value("tech.analysis")
    at.radio(key="review-comment-verdict").set_value("to_correct")
    at.text_area(key="review-comment-text").input("Drop the emotion analysis.")
    at.button(key="review-comment-add").click().run()
    assert not at.exception
    assert any("Drop the emotion analysis." in shown(m.value) and "to correct" in m.value for m in at.markdown)
    # a risk override with its reason
    at.selectbox(key="override-target").set_value("risk.access")
    at.selectbox(key="override-field").set_value("severity_after")
    at.selectbox(key="override-value-level").set_value(2)
    at.text_area(key="override-reason").input("Encryption at rest limits the impact.")
    at.button(key="override-add").click().run()
    assert not at.exception
    assert any(
        "Encryption at rest limits the impact." in shown(m.value) and m.value.startswith("| Risk |")
        for m in at.markdown
    )
    # opinion, then approval and sign-off
    at.text_area(key="review-opinion").input("Acceptable once guests opt in.")
    at.button(key="review-opinion-save").click().run()
    at.radio(key="review-approval-kind").set_value("approved_with_conditions")
    at.button(key="review-approve").click().run()
    assert not at.exception, at.exception
    s = open_store_for(sample_env)
    view = store.get_assessment(s, aid)
    assert view.status == "approved"
    assert view.review["sign_off"]["name"] == "Dan"
    pdf = store.version_pdf(s, aid, 1)
    assert verify_pdf(pdf).ok, verify_pdf(pdf).reasons
    archived = read_archive(pdf).assessment
    assert archived.review is not None and archived.review.decision == "approved_with_conditions"
    assert archived.review.opinion == "Acceptable once guests opt in."
    assert [c.text for c in archived.review.comments] == ["Drop the emotion analysis."]
    assert any("Signed by Dan (DPO)" in m.value for m in at.markdown)


def test_when_an_author_opens_the_review_page_then_no_reviewer_action_is_offered(
    sample_env: str, sample_q: Questionnaire, sample_hotel: dict[str, Any]
) -> None:
    aid = submitted_hotel(sample_q, sample_hotel)
    at = new_app(assessment=aid)  # Ada, the author
    at.run()
    at.switch_page("views/review.py").run()
    assert not at.exception
    assert not button_keys(at) & set(REVIEWER_BUTTONS)
    assert not [f for f in at.get("form") if "review-comment" in str(getattr(f, "id", ""))]
    # and the store refuses it anyway
    s = open_store_for(sample_env)
    view = store.get_assessment(s, aid)
    try:
        store.start_review(s, aid, "ada", view.version)
    except store.NotAllowedError as e:
        assert "ada (author) may not start_review" in str(e)
    else:
        raise AssertionError("the store let an author start a review")


def test_when_changes_are_requested_then_the_author_edits_and_resolves_the_comment(
    sample_env: str, sample_q: Questionnaire, sample_hotel: dict[str, Any]
) -> None:
    aid = submitted_hotel(sample_q, sample_hotel)
    at = reviewer(aid)
    at.button(key="review-start").click().run()
    at.text_area(key="review-comment-text").input("Say who sees the mood cards.")
    at.button(key="review-comment-add").click().run()
    at.button(key="review-changes").click().run()
    assert store.get_assessment(open_store_for(sample_env), aid).status == "changes_requested"
    author = new_app(assessment=aid)
    author.run()
    author.switch_page("views/review.py").run()
    resolve = [b for b in author.button if b.key and b.key.startswith("resolve-")]
    assert len(resolve) == 1
    resolve[0].click().run()
    assert store.comments(open_store_for(sample_env), aid)[0].resolved
    author.switch_page("views/assess.py").run()
    go_to_section(author, "context")
    answer_question(author, sample_q, "context.description", "Mood cards go to the front desk only.")
    assert not author.exception
    assert not author.button(key="assess-submit").disabled


def test_when_an_approved_assessment_is_edited_then_review_shows_the_diff(
    sample_env: str, sample_q: Questionnaire, sample_hotel: dict[str, Any]
) -> None:
    aid = submitted_hotel(sample_q, sample_hotel)
    s = open_store_for(sample_env)
    view = store.get_assessment(s, aid)
    store.set_roles(s, "dan", ["reviewer"], actor="dan", name="Dan")
    view = store.start_review(s, aid, "dan", view.version)
    store.approve(s, aid, "dan", view.version, opinion="Fine.")
    author = new_app(assessment=aid)
    author.run()
    author.switch_page("views/assess.py").run()
    go_to_section(author, "tech")
    answer_question(author, sample_q, "tech.analysis", ["counting"])
    assert store.get_assessment(s, aid).revision == 2
    author.switch_page("views/review.py").run()
    assert not author.exception
    assert any(e.label.startswith("Changes since approved revision 1") for e in author.expander)
    diff = next(m.value for m in author.markdown if m.value.startswith("| Question | Before | Now |"))
    assert "| Analysis | Reads emotions, Matches faces | Counts people |" in diff
