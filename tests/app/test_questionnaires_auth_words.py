"""The Questionnaires page (a broken file shows every problem), OIDC sign-in, and the app's words in both languages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from engine.i18n import MESSAGES
from tests.app.conftest import ROOT, SAMPLE, new_app, shown
from views.i18n import WORDS

BROKEN = ROOT / "tests" / "fixtures" / "broken"


def test_when_a_questionnaire_is_broken_then_every_problem_is_listed_and_the_others_still_load(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "sample.yaml")
    shutil.copy(BROKEN / "rule-errors.yaml", folder / "rule-errors.yaml")
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(folder))
    at = new_app()
    at.run()
    at.switch_page("views/questionnaires.py").run()
    assert not at.exception
    expected = [
        line.replace("{file}", str(folder / "rule-errors.yaml"))
        for line in (BROKEN / "rule-errors.expected").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    message = shown(at.error[0].value)
    assert message.startswith(f"**rule-errors.yaml**: cannot be loaded; {len(expected)} problem(s):")
    for line in expected:
        assert line in message
    assert any(s.value.startswith("Sample questionnaire · sample 1.0.0") for s in at.subheader)
    # the good questionnaire still works for a new assessment
    at.switch_page("views/home.py").run()
    assert at.selectbox(key="new-questionnaire").options == ["Sample questionnaire (1.0.0)"]


def test_when_the_real_questionnaires_load_then_the_page_lists_them(real_env: str) -> None:
    at = new_app(user=None)
    at.run()
    at.switch_page("views/questionnaires.py").run()
    assert not at.exception
    assert len(at.subheader) >= 1 and not at.error


AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-only-cookie-secret-0123456789",
    "client_id": "dpia-app",
    "client_secret": "dpia-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def test_when_oidc_is_configured_and_nobody_is_signed_in_then_only_sign_in_is_offered(sample_env: str) -> None:
    at = new_app(user=None)
    at.secrets["auth"] = AUTH
    at.run()
    assert not at.exception
    assert [b.label for b in at.sidebar.button] == ["Sign in"]
    assert not [w for w in at.sidebar.text_input if w.key == "as"]  # no local name field


def test_when_signed_in_with_oidc_then_the_id_token_names_the_user_and_roles_come_from_config(
    sample_env: str,
) -> None:
    at = new_app(user=None)
    at.secrets["auth"] = AUTH
    at.secrets["dpia"] = {"reviewers": ["dpo@example.org"]}
    at.user = {"is_logged_in": True, "email": "dpo@example.org", "name": "Dana DPO", "sub": "42"}
    at.run()
    assert not at.exception
    assert any("Signed in as **Dana DPO**" in m.value for m in at.sidebar.markdown)
    assert [s.value for s in at.subheader][:1] == ["Waiting for review"]


@pytest.mark.parametrize("table", [WORDS, MESSAGES], ids=["app", "engine"])
def test_both_languages_have_the_same_words_with_the_same_fields(table: dict[str, dict[str, str]]) -> None:
    assert set(table["en"]) == set(table["fr"])
    for key in table["en"]:
        fields_en = set(re.findall(r"{(\w+)}", table["en"][key]))
        assert fields_en == set(re.findall(r"{(\w+)}", table["fr"][key])), key


def test_every_word_the_pages_use_exists() -> None:
    used: set[str] = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py"))]:
        used |= set(re.findall(r"\bt\(\s*\"([a-z0-9_.]+)\"", path.read_text(encoding="utf-8")))
    assert used, "no t(...) call found"
    assert sorted(used - set(WORDS["en"])) == []


def test_the_app_s_copy_of_the_risk_fields_matches_the_engine() -> None:
    from engine.model import RISK_FIELDS
    from views import answer_text

    assert answer_text.RISK_FIELDS == RISK_FIELDS  # kept apart so the first page does not import the models
