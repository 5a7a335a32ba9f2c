"""The DPO's review of an assessment, as plain data shared by the store, the app and the PDF.

The review travels with the assessment: it is stored with it, printed in the
archival PDF and attached to it as JSON, so a PDF read back years later still
says who reviewed what and what they decided.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ItemVerdict = Literal["acceptable", "improvable", "to_correct"]
Decision = Literal["approved", "approved_with_conditions", "changes_requested", "rejected"]


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Comment(_Data):
    """A reviewer's comment on one question (or on the assessment when ``question`` is None)."""

    question: str | None = Field(default=None, max_length=80)
    author: str = Field(min_length=1, max_length=200)
    text: str = Field(default="", max_length=20000)
    verdict: ItemVerdict | None = None
    resolved: bool = False
    created: str | None = Field(default=None, description="ISO 8601 date-time")


class RiskOverride(_Data):
    """A reviewer's change to a risk rating or a finding's severity, always with a reason."""

    target: str = Field(min_length=1, max_length=80, description="A risk question id or a rule id")
    field: str | None = Field(default=None, max_length=40, description="e.g. severity_after, or severity")
    value: str | int = Field(description="The new value")
    previous: str | int | None = None
    reason: str = Field(min_length=1, max_length=5000)
    author: str = Field(min_length=1, max_length=200)
    created: str | None = None


class SignOff(_Data):
    name: str = Field(min_length=1, max_length=200)
    role: str = Field(default="DPO", max_length=100)
    date: str = Field(min_length=1, max_length=40)


class Review(_Data):
    """Everything the reviewer (DPO) recorded about one assessment version."""

    reviewer: str | None = Field(default=None, max_length=200)
    comments: list[Comment] = Field(default_factory=list, max_length=2000)
    overrides: list[RiskOverride] = Field(default_factory=list, max_length=500)
    opinion: str | None = Field(default=None, max_length=50000, description="The DPO's opinion (Art. 35(2))")
    decision: Decision | None = None
    sign_off: SignOff | None = None
    review_date: str | None = Field(default=None, description="Next review date (Art. 35(11)), YYYY-MM-DD")
