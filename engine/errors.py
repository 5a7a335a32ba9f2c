"""The project's errors: one root, specific subclasses, every problem at once.

A loader never stops at the first problem: it collects :class:`Problem` records
(file, line, column, path in the document, message) and raises one error that
carries them all, so an author fixes a questionnaire in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows.

    Attributes:
        file: The file name as given by the caller (or ``<string>``).
        line: 1-based line, or 0 when the problem concerns the whole file.
        column: 1-based column, or 0 when unknown.
        path: Dotted path inside the document, e.g. ``sections[0].questions[2].show_if``.
        message: What is wrong and, where possible, what is allowed.
    """

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class DpiaError(ValueError):
    """Root of every error this project raises on purpose."""


class ProblemsError(DpiaError):
    """An input had one or more problems; all of them are in :attr:`problems`."""

    kind = "input"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{count} {noun} in {self.kind}:\n{lines}")


class QuestionnaireError(ProblemsError):
    """A questionnaire file cannot be loaded."""

    kind = "questionnaire"


class AnswersError(ProblemsError):
    """An answers file does not fit its questionnaire."""

    kind = "answers"


class UnknownQuestionnaireError(DpiaError):
    """An answers file or an include names a questionnaire that is not loaded."""


def problem_lines(problems: Sequence[Problem]) -> list[str]:
    """Render problems one per line, in the order they are stored."""
    return [str(p) for p in problems]
