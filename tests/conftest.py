"""Shared fixtures: paths to the project's questionnaires and test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.loader import load_questionnaire
from engine.model import Questionnaire

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
QUESTIONNAIRES = ROOT / "questionnaires"


@pytest.fixture(scope="session")
def sample() -> Questionnaire:
    """The small questionnaire that uses every question kind and operator."""
    return load_questionnaire(FIXTURES / "sample.yaml")
