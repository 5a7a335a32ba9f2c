"""The questionnaire language: frozen pydantic models that YAML files are parsed into.

One table lists the question kinds (:data:`QUESTION_KINDS`); conditions live in
:mod:`engine.conditions`. Every model forbids unknown keys, so a typo in a
questionnaire is an error, never a silently ignored field.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.conditions import Condition, RiskLevelName, RuleEvidence

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", max_length=80)]
RuleId = Annotated[str, Field(pattern=r"^R-[A-Z0-9]+(-[A-Z0-9]+)*$", max_length=60)]
OptionValue = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=60)]
Lang = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
LocalText = Annotated[
    str | dict[Lang, str],
    Field(description="Plain text (the same in every language) or one text per declared language"),
]
Severity = Literal["info", "low", "medium", "high", "critical"]
SEVERITY_ORDER: dict[str, int] = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
AiActStatus = Literal["prohibited", "high_risk", "transparency", "none"]
AI_ACT_ORDER: dict[str, int] = {"none": 0, "transparency": 1, "high_risk": 2, "prohibited": 3}
DpiaVerdict = Literal["required", "recommended", "not_required"]
Art35Point = Literal["a", "b", "c"]

MAX_OPTIONS = 60
MAX_QUESTIONS = 300
MAX_SECTIONS = 60
MAX_RULES = 400


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def localize(text: LocalText | None, lang: str, fallback: str = "en") -> str:
    """The text in ``lang``, else in ``fallback``, else the first one given."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(lang) or text.get(fallback) or next(iter(text.values()), "")


class Option(Model):
    """One choice of a single- or multiple-choice question."""

    value: OptionValue
    label: LocalText
    help: LocalText | None = None
    neutral: bool = Field(
        default=False,
        description="This option deliberately changes no rule and no visibility (silences the unused-option lint)",
    )


class _QuestionBase(Model):
    id: Id
    text: LocalText
    short: LocalText | None = Field(
        default=None, description="A few words naming the question, used in traces and tables"
    )
    help: LocalText | None = None
    examples: list[LocalText] = Field(default_factory=list, max_length=20)
    required: bool = False
    show_if: Condition | None = None


class YesNo(_QuestionBase):
    kind: Literal["yes_no"]


class _Choice(_QuestionBase):
    options: list[Option]

    @cached_property
    def option_values(self) -> tuple[str, ...]:
        """The options' values, in order."""
        return tuple(o.value for o in self.options)

    @cached_property
    def option_set(self) -> frozenset[str]:
        return frozenset(self.option_values)


class SingleChoice(_Choice):
    kind: Literal["single_choice"]
    options: list[Option] = Field(min_length=2, max_length=MAX_OPTIONS)


class MultiChoice(_Choice):
    kind: Literal["multi_choice"]
    options: list[Option] = Field(min_length=1, max_length=MAX_OPTIONS)


class ShortText(_QuestionBase):
    kind: Literal["short_text"]
    max_length: int = Field(default=200, ge=1, le=1000)


class LongText(_QuestionBase):
    kind: Literal["long_text"]
    max_length: int = Field(default=20000, ge=1, le=200000)


class Number(_QuestionBase):
    kind: Literal["number"]
    min: float | None = None
    max: float | None = None
    integer: bool = False
    unit: LocalText | None = None


class Date(_QuestionBase):
    kind: Literal["date"]


class ScaleQuestion(_QuestionBase):
    kind: Literal["scale"]
    scale: Id


class RiskRating(_QuestionBase):
    """Likelihood and severity of a feared event, before and after measures."""

    kind: Literal["risk_rating"]
    likelihood_scale: Id
    severity_scale: Id


RISK_FIELDS = ("likelihood_before", "severity_before", "likelihood_after", "severity_after")

SubQuestion = Annotated[
    YesNo | SingleChoice | MultiChoice | ShortText | LongText | Number | Date | ScaleQuestion,
    Field(discriminator="kind"),
]


class Group(_QuestionBase):
    """A repeatable group: each row answers the same sub-questions (local ids)."""

    kind: Literal["group"]
    fields: list[SubQuestion] = Field(min_length=1, max_length=30)
    min_rows: int = Field(default=0, ge=0)
    max_rows: int = Field(default=200, ge=1, le=1000)
    row_label: LocalText | None = None


Question = Annotated[
    YesNo | SingleChoice | MultiChoice | ShortText | LongText | Number | Date | ScaleQuestion | Group | RiskRating,
    Field(discriminator="kind"),
]

QUESTION_KINDS: dict[str, type[_QuestionBase]] = {
    "yes_no": YesNo,
    "single_choice": SingleChoice,
    "multi_choice": MultiChoice,
    "short_text": ShortText,
    "long_text": LongText,
    "number": Number,
    "date": Date,
    "scale": ScaleQuestion,
    "group": Group,
    "risk_rating": RiskRating,
}


class Section(Model):
    id: Id
    title: LocalText
    description: LocalText | None = None
    show_if: Condition | None = None
    questions: list[Question] = Field(min_length=1, max_length=MAX_QUESTIONS)


class ScaleLevel(Model):
    value: int = Field(ge=0, le=100)
    label: LocalText
    description: LocalText | None = None


class Scale(Model):
    id: Id
    title: LocalText
    levels: list[ScaleLevel] = Field(min_length=2, max_length=11)

    def label(self, value: int, lang: str) -> str:
        for level in self.levels:
            if level.value == value:
                return localize(level.label, lang)
        return str(value)


class RiskMatrix(Model):
    """Risk level of each (severity, likelihood) cell, as data.

    ``cells[s][l]`` is the level for the s-th severity level and l-th likelihood
    level, both in the order their scales list them.
    """

    likelihood_scale: Id
    severity_scale: Id
    cells: list[list[RiskLevelName]] = Field(min_length=2, max_length=11)
    prior_consultation_from: RiskLevelName = Field(
        default="high", description="Residual level from which Art. 36 prior consultation is indicated"
    )
    prior_consultation_reason: LocalText | None = None


class Criterion(Model):
    """A criterion that rules can evidence (WP248's nine)."""

    id: Id
    title: LocalText
    description: LocalText | None = None
    reference: LocalText | None = None


class PointDefinition(Model):
    """An Art. 35(3) point or a national-list item that rules can name."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$", max_length=40)]
    title: LocalText
    reference: LocalText | None = None


class NationalListItem(Model):
    list: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    item: Annotated[str, Field(pattern=r"^[0-9a-z_]+$")]

    @property
    def key(self) -> str:
        return f"{self.list}:{self.item}"


class Rule(Model):
    """Turns answers into a finding with its reasons, sources and alternative."""

    id: RuleId
    severity: Severity
    title: LocalText
    explanation: LocalText
    references: list[LocalText] = Field(min_length=1, max_length=20)
    recommendation: LocalText | None = Field(default=None, description="The less intrusive alternative or the fix")
    criteria: list[Id] = Field(default_factory=list, description="WP248 criteria it evidences")
    art35_3: list[Art35Point] = Field(default_factory=list)
    national_lists: list[NationalListItem] = Field(default_factory=list)
    ai_act: AiActStatus | None = None
    exemption: bool = Field(
        default=False, description="Fires when a DPIA exemption applies (Recital 91, Art. 35(5) list)"
    )
    when: Condition

    @cached_property
    def evidence(self) -> RuleEvidence:
        """What this rule evidences when it fires, in the shape the scorer records."""
        lists = tuple(item.key for item in self.national_lists) + tuple(item.list for item in self.national_lists)
        return RuleEvidence(tuple(self.criteria), tuple(self.art35_3), lists, self.exemption)


class VerdictEntry(Model):
    """One line of the DPIA verdict policy; the first whose ``when`` holds decides."""

    id: Id
    when: Condition
    verdict: DpiaVerdict
    reason: LocalText


class Outcome(Model):
    verdict: DpiaVerdict
    reason: LocalText


class VerdictPolicy(Model):
    """How findings become the DPIA verdict, as data (WP248 §III.B.a rule of thumb)."""

    dpia: list[VerdictEntry] = Field(min_length=1, max_length=40)
    otherwise: Outcome
    ai_act_none_reason: LocalText


class Questionnaire(Model):
    """A whole questionnaire, as written in one YAML file (includes merged by the loader)."""

    id: Id
    version: Annotated[str, Field(pattern=r"^[0-9A-Za-z.\-+]{1,40}$")]
    languages: list[Lang] = Field(min_length=1, max_length=10)
    title: LocalText
    description: LocalText | None = None
    includes: list[Id] = Field(
        default_factory=list,
        description="Questionnaires whose sections, rules and definitions come first (answers carry over)",
    )
    criteria: list[Criterion] = Field(default_factory=list, max_length=40)
    art35_3: list[PointDefinition] = Field(default_factory=list, max_length=10)
    national_lists: list[PointDefinition] = Field(default_factory=list, max_length=20)
    scales: list[Scale] = Field(default_factory=list, max_length=20)
    risk_matrix: RiskMatrix | None = None
    verdict_policy: VerdictPolicy | None = None
    sections: list[Section] = Field(default_factory=list, max_length=MAX_SECTIONS)
    rules: list[Rule] = Field(default_factory=list, max_length=MAX_RULES)

    # --- indexes (computed once; the model is frozen) -------------------------

    @cached_property
    def questions(self) -> dict[str, Any]:
        """Every top-level question by id, in document order."""
        return {q.id: q for s in self.sections for q in s.questions}

    @cached_property
    def section_of(self) -> dict[str, Section]:
        return {q.id: s for s in self.sections for q in s.questions}

    @cached_property
    def kinds(self) -> dict[str, str]:
        return {qid: q.kind for qid, q in self.questions.items()}

    @cached_property
    def scales_by_id(self) -> dict[str, Scale]:
        return {s.id: s for s in self.scales}

    @cached_property
    def rules_by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    @cached_property
    def criteria_by_id(self) -> dict[str, Criterion]:
        return {c.id: c for c in self.criteria}

    @cached_property
    def visibility_deps(self) -> dict[str, set[str]]:
        """For each question, the questions its visibility (section and own show_if) reads."""
        from engine.analysis import compute_visibility_deps

        return compute_visibility_deps(self)

    @cached_property
    def question_order(self) -> list[str]:
        """Question ids ordered so each comes after those its visibility reads."""
        from engine.analysis import topological, visibility_deps

        return topological(self.questions, visibility_deps(self))[0]

    @cached_property
    def rule_order(self) -> list[Rule]:
        """Rules ordered so each comes after those whose outcome it reads."""
        from engine.analysis import rule_deps, topological

        return [self.rules_by_id[r] for r in topological(self.rules_by_id, rule_deps(self))[0]]

    @cached_property
    def compiled_visibility(self) -> list[tuple[str, Any]]:
        """(question id, compiled show_if of its section and itself or None), in visibility order."""
        from engine.conditions import compile_all, compile_condition

        out = []
        for qid in self.question_order:
            conditions = [self.section_of[qid].show_if, self.questions[qid].show_if]
            compiled = [compile_condition(c) for c in conditions if c is not None]
            out.append((qid, compile_all(compiled) if compiled else None))
        return out

    @cached_property
    def compiled_rules(self) -> list[tuple[Rule, Any, Any, Any, RuleEvidence | None]]:
        """Per rule, in dependency order: (rule, compiled ``when``, key of the answers it reads,
        key of the derived values it reads or None, what it evidences or None).

        The answers key takes a mapping of question id to a hashable form of its answer.
        """
        from operator import itemgetter

        from engine.analysis import reads_derived
        from engine.conditions import compile_condition, derived_key_function, questions_named

        out = []
        for rule in self.rule_order:
            reads = tuple(sorted(questions_named(rule.when)))
            evidence = rule.evidence
            out.append(
                (
                    rule,
                    compile_condition(rule.when),
                    itemgetter(*reads) if reads else _no_answers,
                    derived_key_function(rule.when) if reads_derived(rule.when) else None,
                    None if evidence == RuleEvidence() else evidence,
                )
            )
        return out

    @cached_property
    def compiled_policy(self) -> list[tuple[VerdictEntry, Any]]:
        """The DPIA verdict-policy entries with their compiled conditions, in order."""
        from engine.conditions import compile_condition

        entries = self.verdict_policy.dpia if self.verdict_policy else []
        return [(entry, compile_condition(entry.when)) for entry in entries]

    @cached_property
    def required_plan(self) -> dict[str, tuple[bool, int, list[tuple[str, Any]]]]:
        """Per question: (answer required, minimum rows, [(required row field, compiled show_if or None)])."""
        from engine.conditions import compile_condition

        plan: dict[str, tuple[bool, int, list[tuple[str, Any]]]] = {}
        for qid, question in self.questions.items():
            min_rows = getattr(question, "min_rows", 0)
            fields = [
                (sub.id, compile_condition(sub.show_if) if sub.show_if is not None else None)
                for sub in getattr(question, "fields", [])
                if sub.required
            ]
            if question.required or min_rows or fields:
                plan[qid] = (question.required or min_rows > 0, min_rows, fields)
        return plan

    @cached_property
    def render_cache(self) -> dict[tuple[Any, ...], Any]:
        """Memo of rendered findings (immutable values); see ``engine.scoring``."""
        return {}

    def text(self, value: LocalText | None, lang: str) -> str:
        """Localise ``value`` with this questionnaire's first language as fallback."""
        return localize(value, lang, self.languages[0])


def _no_answers(frozen: Any) -> tuple[()]:
    """The answers key of a rule that reads no answers."""
    return ()
