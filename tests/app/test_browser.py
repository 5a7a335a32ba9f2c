"""The real app in Debian's Chromium: the whole hotel-camera journey, from a new assessment to a verified PDF.

``streamlit run app.py`` runs as a subprocess with its own SQLite file; Playwright drives it. Skipped with the
reason when /usr/bin/chromium is missing, unless DPIA_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

import store
from report import read_archive, verify_pdf
from tests.app.conftest import CHROMIUM, ROOT, SAMPLE, open_store_for

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists() and os.environ.get("DPIA_REQUIRE_BROWSER") != "1":
    pytest.skip(
        f"{CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium)",
        allow_module_level=True,
    )

SHOTS = ROOT / "docs" / "screenshots"
TIMEOUT = 30_000
expect.set_options(timeout=TIMEOUT)


def idle(page: Page) -> None:
    """Wait until the script run triggered by the last interaction has finished (the app root says so)."""
    page.wait_for_timeout(100)
    expect(page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_have_count(1)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)


def key(page: Page, widget_key: str) -> Locator:
    return page.locator(f".st-key-{widget_key}")


def choose(page: Page, widget_key: str, label: str) -> None:
    """A segmented control or radio button, by its visible label."""
    key(page, widget_key).get_by_text(label, exact=True).click()
    idle(page)


def pick_many(page: Page, widget_key: str, labels: list[str]) -> None:
    box = key(page, widget_key)
    for label in labels:
        box.locator("input").click()
        page.get_by_role("option", name=label, exact=True).click()
        idle(page)
    page.keyboard.press("Escape")


def type_in(page: Page, widget_key: str, text: str) -> None:
    field = key(page, widget_key).locator("input, textarea").first
    field.fill(text)
    field.press("Tab")  # commits the value: the autosave runs
    idle(page)


def section(page: Page, title: str) -> None:
    key(page, "assess-section").get_by_text(re.compile(rf"^(\d+\. )?{re.escape(title)}$")).click()
    idle(page)


def sign_in(page: Page, name: str, role: str) -> None:
    """As a person does: the name (in view while nobody is signed in, else under "Change your name"), the role."""
    sidebar = page.get_by_test_id("stSidebar")
    signed_in = sidebar.get_by_text(re.compile(r"^Signed in as "))
    if signed_in.is_visible():
        sidebar.get_by_role("button", name="Change your name").click()
    field = page.get_by_label("Your name", exact=True)  # a pop-over's fields are drawn outside the sidebar
    field.fill(name)
    field.press("Enter")
    idle(page)
    expect(signed_in).to_have_text(f"Signed in as {name}")
    expect(page).to_have_url(re.compile(rf"[?&]as={name}(&|$)"))  # a refresh keeps the person signed in
    page.keyboard.press("Escape")  # closes the pop-over, if open
    key(page, "role").get_by_role("radio", name=role).click()
    idle(page)
    expect(key(page, "role").get_by_role("radio", name=role)).to_be_checked()
    expect(page).to_have_url(re.compile(rf"[?&]role={'reviewer' if 'Reviewer' in role else 'author'}(&|$)"))


def shot(page: Page, name: str) -> None:
    """A picture of the page: into docs/screenshots/ with DPIA_SCREENSHOTS=1, else into the test's own folder."""
    folder = SHOTS if os.environ.get("DPIA_SCREENSHOTS") == "1" else Path(tempfile.gettempdir()) / "dpia-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    page.wait_for_timeout(600)
    page.screenshot(path=str(folder / f"{name}.png"))


def answer_hotel(page: Page) -> None:
    """The sample hotel answers (tests/fixtures/answers/sample-hotel.yaml), given as a person would."""
    section(page, "Context")
    type_in(page, "q-context-feature", "Mood cameras")
    type_in(page, "q-context-description", "Cameras read moods.")
    type_in(page, "q-context-people", "5000")
    section(page, "Technology")
    choose(page, "q-tech-cameras", "yes")
    pick_many(page, "q-tech-analysis", ["Reads emotions", "Matches faces"])
    choose(page, "q-tech-setting", "A publicly accessible area")
    section(page, "Data")
    key(page, "q-data-inventory--add").get_by_role("button").click()
    idle(page)
    choose(page, "q-data-inventory--0--category", "Health")
    choose(page, "q-data-inventory--0--needed", "no")
    type_in(page, "q-data-inventory--0--retention_days", "400")
    section(page, "Risks")
    for field, level in (
        ("likelihood_before", "Maximum"),
        ("severity_before", "Maximum"),
        ("likelihood_after", "Significant"),
        ("severity_after", "Significant"),
    ):
        choose(page, f"q-risk-access--{field}", level)


def test_hotel_journey_from_new_assessment_to_verified_pdf(
    live_app: Callable[..., str], page: Page, tmp_path: Path
) -> None:
    base = live_app(SAMPLE)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT)
    page.goto(base)
    expect(page.get_by_role("heading", name="Privacy impact assessments")).to_be_visible()
    sign_in(page, "Ada", "Author (product team)")

    # create: the form is in a popover, drawn when it is opened; a problem shows inside it, still open
    page.get_by_role("button", name="Start a new assessment").click()
    page.get_by_role("button", name="Create and start").click()
    expect(page.get_by_text("Give the feature a name.")).to_be_visible()
    page.get_by_label("Feature name").fill("Mood cameras in the lobby")
    page.get_by_role("button", name="Create and start").click()
    expect(page.get_by_role("heading", name="Mood cameras in the lobby")).to_be_visible()
    idle(page)
    expect(page).to_have_url(re.compile(r"/assess\?(?=.*as=Ada)(?=.*role=author)(?=.*assessment=)"))
    aid = re.search(r"assessment=([0-9a-f]+)", page.url).group(1)  # type: ignore[union-attr]

    # answer, and see the emotion-recognition flag with its reasons
    answer_hotel(page)
    expect(page.get_by_text("100% of the required answers given")).to_be_visible()
    flag = page.get_by_text(re.compile(r"^Emotions are inferred from faces · .*critical"))
    expect(flag).to_be_visible()
    flag.click()
    expect(page.get_by_text("Analysis includes Reads emotions")).to_be_visible()
    expect(page.get_by_text("Ask guests with an opt-in survey.")).to_be_visible()
    expect(page.get_by_text(re.compile("^DPIA required"))).to_be_visible()

    # reload: every answer is still there
    page.reload()
    expect(page.get_by_role("heading", name="Mood cameras in the lobby")).to_be_visible()
    idle(page)
    section(page, "Context")
    expect(key(page, "q-context-feature").locator("input")).to_have_value("Mood cameras")
    expect(key(page, "q-context-people").locator("input")).to_have_value("5000")
    section(page, "Technology")
    expect(key(page, "q-tech-analysis")).to_contain_text("Reads emotions")
    expect(key(page, "q-tech-analysis")).to_contain_text("Matches faces")
    expect(key(page, "q-tech-setting").get_by_role("radio", name="A publicly accessible area")).to_be_checked()
    # switch to French and back: the answers stay, shown with the translated labels
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Français", exact=True).click()
    idle(page)
    expect(key(page, "q-tech-setting").get_by_role("radio", name="Un lieu accessible au public")).to_be_checked()
    expect(key(page, "q-tech-analysis")).to_contain_text("Lit les émotions")
    expect(key(page, "role").get_by_role("radio", name="Auteur (équipe produit)")).to_be_checked()
    sidebar.get_by_text("English", exact=True).click()
    idle(page)
    expect(key(page, "q-tech-analysis")).to_contain_text("Reads emotions")
    stored = store.get_assessment(open_store_for(f"sqlite:///{tmp_path}/live.sqlite"), aid).answers
    assert stored["tech.analysis"] == ["emotions", "faces"]
    assert stored["data.inventory"] == [{"category": "health", "needed": False, "retention_days": 400}]
    assert stored["risk.access"] == {
        "likelihood_before": 4,
        "severity_before": 4,
        "likelihood_after": 3,
        "severity_after": 3,
    }

    # submit
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text(re.compile("^Read only"))).to_be_visible()

    # the reviewer takes it from their queue, reviews and approves
    sign_in(page, "Dan", "Reviewer / DPO")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name="Waiting for review")).to_be_visible()
    idle(page)  # the page is drawn whole: a click while it still runs can be overtaken by that run
    page.get_by_test_id("stMain").get_by_role("link", name=re.compile(r"Mood cameras in the lobby\s+submitted")).click()
    expect(page.get_by_role("heading", name="Review: Mood cameras in the lobby")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/review\?(?=.*as=Dan)(?=.*role=reviewer)(?=.*assessment=)"))
    page.get_by_role("button", name="Start the review").click()
    idle(page)
    page.get_by_role("textbox", name="Comment", exact=True).fill("Say who sees the mood cards.")
    page.get_by_role("button", name="Add the comment").click()
    idle(page)
    page.get_by_role("textbox", name="DPO opinion (Art. 35(2))").fill("Acceptable once guests opt in.")
    page.get_by_role("button", name="Save the opinion").click()
    idle(page)
    page.get_by_role("button", name="Approve and sign").click()
    expect(page.get_by_text("Signed by Dan (DPO)")).to_be_visible()

    # download the approved PDF from the archive and verify it
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Archive").click()
    expect(page.get_by_role("heading", name="Approved versions")).to_be_visible()
    idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download its PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    result = verify_pdf(pdf)
    assert result.ok, result.reasons
    archived = read_archive(pdf).assessment
    assert archived.metadata.feature == "Mood cameras in the lobby"
    assert archived.answers["tech.analysis"] == ["emotions", "faces"]
    assert archived.review is not None and archived.review.sign_off is not None
    assert archived.review.sign_off.name == "Dan"


def seeded_store(url: str) -> tuple[str, str]:
    """The hotel example on the full DPIA (submitted, in review) and an approved one, in the real questionnaires."""
    from engine.answers import load_answers
    from tests.app.conftest import REAL, hotel_answers_file

    s = store.open_store(url, questionnaire_paths=[REAL])
    hotel = load_answers(hotel_answers_file(), s.questionnaires).assessment
    store.set_roles(s, "ada", ["author"], actor="ada", name="Ada")
    store.set_roles(s, "dan", ["reviewer"], actor="dan", name="Dan")
    meta = {"owner": hotel.metadata.owner, "date": hotel.metadata.date}
    done = store.create_assessment(s, "screening", "Opt-in guest survey", "ada", metadata=meta)
    done = store.submit(s, done.id, "ada", done.version)
    done = store.start_review(s, done.id, "dan", done.version)
    store.approve(s, done.id, "dan", done.version, opinion="No DPIA needed for an opt-in survey.")
    risks = {
        "dpia.risk.illegitimate_access": {
            "likelihood_before": 3,
            "severity_before": 4,
            "likelihood_after": 2,
            "severity_after": 3,
        },
        "dpia.risk.unwanted_modification": {
            "likelihood_before": 2,
            "severity_before": 2,
            "likelihood_after": 1,
            "severity_after": 2,
        },
        "dpia.risk.disappearance": {
            "likelihood_before": 2,
            "severity_before": 3,
            "likelihood_after": 1,
            "severity_after": 3,
        },
    }
    answers = {**hotel.answers, **risks}
    a = store.create_assessment(s, "dpia", hotel.metadata.feature, "ada", metadata=meta, answers=answers)
    a = store.submit(s, a.id, "ada", a.version)
    a = store.start_review(s, a.id, "dan", a.version)
    store.add_comment(
        s, a.id, "dan", "Who sees the mood cards?", question_id="context.description", verdict="improvable"
    )
    s.close()
    return a.id, done.id


def record_third_party_requests(page: Page, base: str, into: list[str]) -> None:
    """Adds to ``into`` each request the page's browser context makes to a host other than the app's."""
    app = urlsplit(base).netloc

    def check(url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != app:
            into.append(url)

    page.context.on("request", lambda request: check(request.url))
    page.context.on("websocket", lambda socket: check(socket.url))


def top(page: Page) -> None:
    page.locator("h1").first.scroll_into_view_if_needed()


def test_screenshots_of_every_page(live_app: Callable[..., str], page: Page, tmp_path: Path) -> None:
    """Each page on the real questionnaires with the hotel example (also a smoke test of every page in a browser).
    No page makes the browser contact another host: a privacy tool must not tell a third party who uses it.

    ``DPIA_SCREENSHOTS=1 pytest tests/app/test_browser.py -k screenshots`` refreshes docs/screenshots/.
    """
    base = live_app()
    hotel, _ = seeded_store(f"sqlite:///{tmp_path}/live.sqlite")
    elsewhere: list[str] = []
    record_third_party_requests(page, base, elsewhere)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT)

    page.goto(f"{base}/?as=Ada&role=author")
    expect(page.get_by_role("heading", name="My assessments")).to_be_visible()
    hotel_link = page.get_by_test_id("stMain").get_by_role("link", name=re.compile("Mood-reading cameras"))
    expect(hotel_link).to_be_visible()
    idle(page)
    shot(page, "home")
    # in a narrow window the title and its status wrap in their column: nothing in the link is cut off
    page.set_viewport_size({"width": 900, "height": 900})
    expect(hotel_link).to_contain_text("in review · DPIA required")
    assert hotel_link.evaluate("a => [...a.querySelectorAll('*')].every((e) => e.scrollWidth <= e.clientWidth)")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{base}/assess?as=Ada&role=author&assessment={hotel}")
    expect(page.get_by_role("heading", name="Outcome so far")).to_be_visible()
    idle(page)
    section(page, "Technology")
    flag = page.get_by_text(re.compile(r"^People's emotions or moods are inferred"))
    flag.click()
    idle(page)
    expect(page.get_by_text("What would change the outcome")).to_be_visible()
    flag.scroll_into_view_if_needed()
    shot(page, "assess-flag")
    top(page)
    shot(page, "assess")
    page.get_by_test_id("stSidebar").get_by_text("Français", exact=True).click()
    idle(page)
    expect(page.get_by_role("heading", name="Résultat à ce stade")).to_be_visible()
    top(page)
    shot(page, "assess-fr")

    page = page.context.browser.new_page(viewport={"width": 1280, "height": 900})  # the reviewer's own browser
    record_third_party_requests(page, base, elsewhere)
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{base}/review?as=Dan&role=reviewer&assessment={hotel}")
    expect(page.get_by_role("heading", name=re.compile("^Review: "))).to_be_visible()
    idle(page)
    top(page)
    shot(page, "review")
    page.get_by_text("Risk map (likelihood × severity)").scroll_into_view_if_needed()
    shot(page, "review-heatmap")

    page.goto(f"{base}/archive?as=Dan&role=reviewer")
    expect(page.get_by_role("heading", name="Approved versions")).to_be_visible()
    idle(page)
    shot(page, "archive")

    page.goto(f"{base}/questionnaires?as=Dan&role=reviewer")
    expect(page.get_by_role("heading", name="Questionnaires")).to_be_visible()
    idle(page)
    shot(page, "questionnaires")
    assert elsewhere == []
