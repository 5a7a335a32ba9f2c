"""Who may do what, in which status: one declarative table.

``WORKFLOW[(status, role)]`` maps each allowed action to the status it leads to. A pair with an empty
mapping allows nothing; an action absent from a mapping is refused. The repository functions look
actions up here and nowhere else, and the tests are generated from this table.

The author role applies to the assessment's owner only; a user may hold several roles (a local
single-user install is author, reviewer and admin at once).

Editing an approved assessment (``edit`` in ``approved``) leads to ``draft``: it starts a new revision,
the approved one stays as an immutable snapshot with its PDF.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

Status = Literal["draft", "submitted", "in_review", "changes_requested", "approved", "rejected", "archived"]
Role = Literal["author", "reviewer", "admin"]
Action = Literal[
    "edit",  # change answers, metadata or the review date
    "submit",  # hand over to the reviewer (DPO)
    "withdraw",  # take a submitted assessment back to draft
    "start_review",
    "comment",  # a comment on a question, with a verdict: acceptable / improvable / to_correct
    "resolve_comment",
    "override",  # change a risk rating or a finding's severity, with a reason
    "record_opinion",  # the DPO's opinion (Art. 35(2)), before deciding
    "request_changes",
    "approve",  # needs the opinion; signs off and archives the PDF
    "reject",  # needs the opinion
    "archive",
]

STATUSES: tuple[Status, ...] = get_args(Status)
ROLES: tuple[Role, ...] = get_args(Role)
ACTIONS: tuple[Action, ...] = get_args(Action)

_REVIEWING: dict[Action, Status] = {
    "comment": "in_review",
    "resolve_comment": "in_review",
    "override": "in_review",
    "record_opinion": "in_review",
    "request_changes": "changes_requested",
    "approve": "approved",
    "reject": "rejected",
}

WORKFLOW: dict[tuple[Status, Role], dict[Action, Status]] = {
    ("draft", "author"): {"edit": "draft", "submit": "submitted"},
    ("draft", "reviewer"): {},
    ("draft", "admin"): {},
    ("submitted", "author"): {"withdraw": "draft"},
    ("submitted", "reviewer"): {"start_review": "in_review"},
    ("submitted", "admin"): {"withdraw": "draft"},
    ("in_review", "author"): {},
    ("in_review", "reviewer"): _REVIEWING,
    ("in_review", "admin"): {},
    ("changes_requested", "author"): {
        "edit": "changes_requested",
        "resolve_comment": "changes_requested",
        "submit": "submitted",
    },
    ("changes_requested", "reviewer"): {"comment": "changes_requested"},
    ("changes_requested", "admin"): {},
    ("approved", "author"): {"edit": "draft"},
    ("approved", "reviewer"): {"archive": "archived"},
    ("approved", "admin"): {"archive": "archived"},
    ("rejected", "author"): {},
    ("rejected", "reviewer"): {"archive": "archived"},
    ("rejected", "admin"): {"archive": "archived"},
    ("archived", "author"): {},
    ("archived", "reviewer"): {},
    ("archived", "admin"): {},
}


def allowed_actions(status: str, roles: Iterable[str]) -> dict[str, str]:
    """Every action the roles allow in ``status``, with the status each leads to."""
    out: dict[str, str] = {}
    for role in roles:
        out.update(WORKFLOW.get((status, role), {}))  # type: ignore[arg-type]
    return out


def next_status(status: str, roles: Iterable[str], action: str) -> str | None:
    """The status ``action`` leads to, or None when no role allows it in ``status``."""
    return allowed_actions(status, roles).get(action)


def starts_new_revision(status: str, to: str) -> bool:
    """Leaving an approved assessment for a draft starts a new revision (the approved one is frozen)."""
    return status == "approved" and to == "draft"


__all__ = [
    "ACTIONS",
    "ROLES",
    "STATUSES",
    "WORKFLOW",
    "Action",
    "Role",
    "Status",
    "allowed_actions",
    "next_status",
    "starts_new_revision",
]
