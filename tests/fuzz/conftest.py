"""Property-based fuzzing of every untrusted input: questionnaires, answers files, PDF text, imported PDFs, URLs.

Reproducible by default: the ``dpia-fuzz`` profile derandomizes Hypothesis (the same examples on every run and
on every machine) and keeps no example database, so CI never depends on an earlier run. Each test sets its own
bounded ``max_examples``; ``DPIA_FUZZ_SCALE=10`` multiplies them for a deeper run by hand, and
``DPIA_FUZZ_SEED=random`` draws fresh examples instead of the fixed ones.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import FrameType

from hypothesis import HealthCheck, settings

from engine.errors import Problem, ProblemsError
from engine.loader import load_catalog, load_questionnaire
from engine.model import Questionnaire

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "fixtures" / "sample.yaml"
SAMPLE_HOTEL = ROOT / "tests" / "fixtures" / "answers" / "sample-hotel.yaml"
QUESTIONNAIRES = ROOT / "questionnaires"
EXAMPLES = ROOT / "examples"

HANG_SECONDS = 60  # far beyond any real example: only a hang (an endless loop, a bomb) reaches it

settings.register_profile(
    "dpia-fuzz",
    derandomize=os.environ.get("DPIA_FUZZ_SEED") != "random",
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("dpia-fuzz")


def fuzz_settings(max_examples: int, **overrides: object) -> settings:
    """The ``dpia-fuzz`` profile with ``max_examples`` (times ``DPIA_FUZZ_SCALE``) and any other overrides."""
    scale = max(1, int(os.environ.get("DPIA_FUZZ_SCALE", "1")))
    return settings(FUZZ, max_examples=max_examples * scale, **overrides)  # type: ignore[arg-type]


class Hang(Exception):
    """An example ran for :data:`HANG_SECONDS`: the code under test loops or blows up instead of failing."""


@contextmanager
def no_hang(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Fail the example with :class:`Hang` when it runs longer than ``seconds`` (a guard, not a speed test)."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"no result after {seconds} s: the input makes the code hang")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_cli(*args: str) -> tuple[int, str]:
    """``dpia ARGS`` in this process: its exit code and standard error (a foreign exception escapes)."""
    import cli

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(list(args))
    return code, err.getvalue()


def assert_located(error: ProblemsError, name: str) -> None:
    """Every problem names the input and where in it: a line (or the whole file), a path, a message."""
    assert error.problems, error
    for problem in error.problems:
        assert isinstance(problem, Problem)
        assert problem.file == name, problem
        assert problem.message.strip(), problem
        assert problem.line >= 0 and problem.column >= 0, problem
        assert problem.line >= 1 or _about_the_whole_file(problem), f"problem without a line: {problem}"


# Problems that concern the whole file, located by their message: the size cap (checked before parsing) and,
# in JSON, which keeps no positions, a duplicate key, too deep a nesting or a number too long to read.
_WHOLE_FILE = ("limit is", "duplicate key", "recursion depth", "digits")


def _about_the_whole_file(problem: Problem) -> bool:
    return not problem.path and any(words in problem.message for words in _WHOLE_FILE)


@cache
def catalog() -> dict[str, Questionnaire]:
    """The sample and the project's real questionnaires, by id (a plain function: Hypothesis prints no fixture)."""
    real = load_catalog([QUESTIONNAIRES])
    assert not real.errors, real.errors
    sample = load_questionnaire(SAMPLE)
    return {sample.id: sample, **real.questionnaires}
