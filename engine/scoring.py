"""``evaluate(questionnaire, answers) -> Evaluation``: pure, deterministic, explained.

The steps, each driven by the questionnaire's data:

1. visibility: questions in show_if dependency order; a question whose show_if
   is not TRUE is hidden and its answer, if any, is ignored;
2. risks: each risk rating's level before and after measures, from the risk
   matrix;
3. rules, in dependency order (a rule reading ``criteria_count`` runs after
   every rule that evidences a criterion); each fires (TRUE), stays silent
   (FALSE) or is undecided (UNKNOWN), with the facts that decided it;
4. the DPIA verdict: the first verdict-policy entry whose condition is TRUE;
   if an earlier entry was UNKNOWN the verdict is provisional;
5. the AI Act status: the most serious status among fired rules;
6. prior consultation (Art. 36): a residual risk at or above the matrix's
   threshold.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from engine.conditions import NO_HIDDEN, RISK_ORDER, Context, Derived, Fact, Tri, check, record_rule
from engine.evaluation import (
    AiActOutcome,
    CriterionResult,
    DpiaOutcome,
    Evaluation,
    Finding,
    PointResult,
    PriorConsultation,
    RiskPhase,
    RiskResult,
    TraceItem,
    Undecided,
)
from engine.i18n import message
from engine.model import AI_ACT_ORDER, SEVERITY_ORDER, Questionnaire, RiskRating, Rule, VerdictEntry


def evaluate(q: Questionnaire, answers: dict[str, Any], lang: str | None = None) -> Evaluation:
    """Score ``answers`` (already checked, see :func:`engine.answers.check_answers`).

    Args:
        q: A loaded questionnaire.
        answers: Answers by question id; missing or None means unanswered.
        lang: Language of the texts in the result; the questionnaire's first by default.
    """
    lang = lang if lang in q.languages else q.languages[0]
    visible_answers, hidden = _visibility(q, answers)
    derived = Derived()
    risks = _risks(q, visible_answers, hidden, derived, lang)
    ctx = Context(visible_answers, hidden, q.kinds, derived)

    writer = _Writer(q, lang)
    cache = writer.cache
    fired: list[tuple[Rule, Finding]] = []
    undecided: list[tuple[Rule, Undecided]] = []
    findings_so_far = derived.findings
    frozen = _AnswerKeys(visible_answers, hidden)
    false, true = Tri.FALSE, Tri.TRUE
    for rule, when, answers_key, derived_key, evidence in q.compiled_rules:
        value = _BY_VALUE[when(ctx)]
        if value is false:
            findings_so_far[rule.id] = false
            continue
        if evidence is None:
            findings_so_far[rule.id] = value
        else:
            record_rule(derived, rule.id, value, evidence)
        # Only rules that fire or stay undecided are explained. The explanation depends
        # on nothing but the answers the rule reads (and derived values, if it reads
        # them), so a rerun after one changed answer re-explains only what it touches.
        key = (rule.id, value, lang, answers_key(frozen), derived_key(derived) if derived_key else None)
        item: Any = cache.get(key)
        if item is None:
            facts = check(rule.when, ctx).facts
            item = writer.finding(rule, facts) if value is true else writer.undecided(rule, facts)
            cache[key] = item
        if value is true:
            fired.append((rule, item))
        else:
            undecided.append((rule, item))

    visible = [qid for qid in q.questions if qid not in hidden]
    answered = [qid for qid in visible if qid in visible_answers]
    required, missing = _required_items(q, hidden, visible_answers)

    summary = _summary(q, lang, derived, fired, undecided)
    return Evaluation(
        questionnaire_id=q.id,
        questionnaire_version=q.version,
        lang=lang,
        visible_questions=visible,
        answered_questions=answered,
        missing_required=missing,
        completion=_completion(required, missing),
        criteria=summary.criteria,
        criteria_met=summary.criteria_met,
        art35_3=summary.art35_3,
        art35_3_met=summary.art35_3_met,
        national_lists_met=summary.national_lists_met,
        dpia=_dpia(q, ctx, lang, summary.basis),
        ai_act=summary.ai_act,
        findings=[fired[i][1] for i in summary.order],
        undecided=[u for _, u in undecided],
        risks=risks,
        prior_consultation=_prior_consultation(q, risks, lang),
    )


OUTCOME_KEYS = ("dpia", "provisional", "ai_act", "findings", "criteria_met", "art35_3_met", "prior_consultation")


def outcome_of(evaluation: Evaluation) -> dict[str, Any]:
    """The parts of an evaluation that make its outcome, as plain JSON data.

    ``findings`` maps each fired rule to its severity, so a changed severity is an outcome change.
    ``completion`` and ``questionnaire_version`` are kept for display; :data:`OUTCOME_KEYS` are
    what a re-score compares.
    """
    return {
        "dpia": evaluation.dpia.verdict,
        "provisional": evaluation.dpia.provisional,
        "ai_act": evaluation.ai_act.status,
        "findings": {f.rule_id: f.severity for f in sorted(evaluation.findings, key=lambda f: f.rule_id)},
        "criteria_met": sorted(evaluation.criteria_met),
        "art35_3_met": sorted(evaluation.art35_3_met),
        "prior_consultation": evaluation.prior_consultation.indicated,
        "completion": evaluation.completion,
        "questionnaire_version": evaluation.questionnaire_version,
    }


def outcome(q: Questionnaire, answers: dict[str, Any]) -> dict[str, Any]:
    """``outcome_of(evaluate(q, answers))`` without the explanations: for re-scoring many.

    The same steps as :func:`evaluate`; no finding is worded and no trace is built.
    """
    lang = q.languages[0]
    visible_answers, hidden = _visibility(q, answers)
    derived = Derived()
    risks = _risks(q, visible_answers, hidden, derived, lang)
    ctx = Context(visible_answers, hidden, q.kinds, derived)
    fired: list[Rule] = []
    undecided: list[Rule] = []
    for rule, when, _, _, evidence in q.compiled_rules:
        value = _BY_VALUE[when(ctx)]
        if evidence is None or value is Tri.FALSE:
            derived.findings[rule.id] = value
        else:
            record_rule(derived, rule.id, value, evidence)
        if value is Tri.TRUE:
            fired.append(rule)
        elif value is Tri.UNKNOWN:
            undecided.append(rule)
    required, missing = _required_items(q, hidden, visible_answers)
    return {
        "dpia": (dpia := _dpia(q, ctx, lang, [])).verdict,
        "provisional": dpia.provisional,
        "ai_act": _ai_act(q, lang, fired, undecided).status,
        "findings": {r.id: r.severity for r in sorted(fired, key=lambda r: r.id)},
        "criteria_met": sorted(derived.criteria_met),
        "art35_3_met": sorted(k for k, v in derived.art35_3.items() if v is Tri.TRUE),
        "prior_consultation": _prior_consultation(q, risks, lang).indicated,
        "completion": _completion(required, missing),
        "questionnaire_version": q.version,
    }


def _completion(required: list[str], missing: list[str]) -> float:
    return 100.0 if not required else round(100.0 * (len(required) - len(missing)) / len(required), 1)


class _Summary(NamedTuple):
    """What follows from which rules fired and which are undecided, and nothing else."""

    criteria: list[CriterionResult]
    criteria_met: list[str]
    art35_3: list[PointResult]
    art35_3_met: list[str]
    national_lists_met: list[str]
    basis: list[str]
    ai_act: AiActOutcome
    order: list[int]  # positions of the fired rules, most severe first


def _summary(
    q: Questionnaire,
    lang: str,
    derived: Derived,
    fired: list[tuple[Rule, Finding]],
    undecided: list[tuple[Rule, Undecided]],
) -> _Summary:
    """The criteria, Art. 35(3) points, list items, AI Act status and findings order.

    The derived values are folded from the rules that fired or stayed undecided, in rule
    order, so these two lists of rule ids determine the summary: it is memoised on them
    (the Evaluation copies the lists it is given, so sharing them is safe).
    """
    key = ("summary", lang, tuple(r.id for r, _ in fired), tuple(r.id for r, _ in undecided))
    cached: _Summary | None = q.render_cache.get(key)
    if cached is not None:
        return cached
    rules = [r for r, _ in fired]
    national = sorted({item.key for rule in rules for item in rule.national_lists})
    cached = _Summary(
        criteria=[_criterion_result(q, c, derived, lang) for c in q.criteria],
        criteria_met=[c.id for c in q.criteria if c.id in derived.criteria_met],
        art35_3=[
            PointResult(
                id=p.id,
                title=q.text(p.title, lang),
                status=_tri_status(derived.art35_3.get(p.id, Tri.FALSE)),
                rules=[r.id for r, _ in fired + undecided if p.id in r.art35_3],
            )
            for p in q.art35_3
        ],
        art35_3_met=sorted(k for k, v in derived.art35_3.items() if v is Tri.TRUE),
        national_lists_met=national,
        basis=_basis(derived, rules, national),
        ai_act=_ai_act(q, lang, rules, [r for r, _ in undecided]),
        order=sorted(range(len(rules)), key=lambda i: (-SEVERITY_ORDER[rules[i].severity], rules[i].id)),
    )
    q.render_cache[key] = cached
    return cached


def _required_items(q: Questionnaire, hidden: set[str], answers: dict[str, Any]) -> tuple[list[str], list[str]]:
    """What must be answered, and what of it is not: questions, group rows and required row fields.

    A group counts as missing while it has fewer rows than ``min_rows``; in each row, a
    required field is ``group[row].field`` (rows numbered from 1), unless the field's
    ``show_if`` hides it in that row.
    """
    required: list[str] = []
    missing: list[str] = []
    for qid, (needs_answer, min_rows, fields) in q.required_plan.items():  # in question order
        if qid in hidden:
            continue
        value = answers.get(qid)
        if needs_answer:
            required.append(qid)
            if value is None or (isinstance(value, list) and len(value) < min_rows):
                missing.append(qid)
        if not fields or not isinstance(value, list):
            continue
        for index, row in enumerate(value, start=1):
            row_ctx = Context(row, NO_HIDDEN, q.kinds, _NO_DERIVED)
            for field_id, shown in fields:
                if shown is not None and shown(row_ctx) != _TRUE:
                    continue
                item = f"{qid}[{index}].{field_id}"
                required.append(item)
                if row.get(field_id) in (None, "", []):
                    missing.append(item)
    return required, missing


_HIDDEN = ("hidden",)
_NO_DERIVED = Derived()  # a row's show_if reads the row only (checked at load)
_BY_VALUE = {0: Tri.FALSE, 1: Tri.UNKNOWN, 2: Tri.TRUE}


_PLAIN = (str, bool, int, float, type(None))


class _AnswerKeys(dict[str, Any]):
    """Each question's answer in a hashable form, for the explanation memo's keys.

    Plain values are their own key; a list or rows (a data inventory) becomes its text,
    once per evaluation however many rules read it; a hidden question is ``("hidden",)``.
    """

    def __init__(self, answers: dict[str, Any], hidden: set[str]) -> None:
        super().__init__()
        self.answers = answers
        self.hidden = hidden

    def __missing__(self, qid: str) -> Any:
        if qid in self.hidden:
            item: Any = _HIDDEN
        else:
            value = self.answers.get(qid)
            if type(value) in _PLAIN:
                item = value
            elif type(value) is list and all(type(v) is str for v in value):
                item = tuple(value)  # a multiple choice
            else:
                item = repr(value)
        self[qid] = item
        return item


def _visibility(q: Questionnaire, answers: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    visible: dict[str, Any] = {}
    hidden: set[str] = set()
    ctx = Context(visible, hidden, q.kinds)
    for qid, shown in q.compiled_visibility:
        if shown is not None and shown(ctx) != _TRUE:
            hidden.add(qid)
            continue
        value = answers.get(qid)
        if value is not None and value != "" and value != []:
            visible[qid] = value
    return visible, hidden


_TRUE = Tri.TRUE.value


def _criterion_result(q: Questionnaire, criterion: Any, derived: Derived, lang: str) -> CriterionResult:
    status = _status(criterion.id, derived.criteria_met, derived.criteria_undecided)
    rules = derived.criteria_met.get(criterion.id) or derived.criteria_undecided.get(criterion.id, [])
    # built once per summary: _summary memoises the whole list
    return CriterionResult(id=criterion.id, title=q.text(criterion.title, lang), status=status, rules=rules)


def _status(key: str, met: dict[str, list[str]], undecided: dict[str, list[str]]) -> Any:
    return "met" if key in met else "undecided" if key in undecided else "not_met"


def _tri_status(value: Tri) -> Any:
    return {Tri.TRUE: "met", Tri.UNKNOWN: "undecided", Tri.FALSE: "not_met"}[value]


def _risks(
    q: Questionnaire, answers: dict[str, Any], hidden: set[str], derived: Derived, lang: str
) -> list[RiskResult]:
    matrix = q.risk_matrix
    out = []
    for qid, question in q.questions.items():
        if not isinstance(question, RiskRating) or qid in hidden:
            continue
        value = answers.get(qid) or {}
        memo_key = ("risk", qid, lang, tuple(sorted(value.items())))
        cached = q.render_cache.get(memo_key)
        if cached is not None:
            derived.risk_levels[qid] = {"before": cached.before.level, "after": cached.after.level}
            out.append(cached)
            continue
        phases = {}
        for phase in ("before", "after"):
            likelihood = value.get(f"likelihood_{phase}")
            severity = value.get(f"severity_{phase}")
            level = None
            if matrix is not None and likelihood is not None and severity is not None:
                level = _cell(q, likelihood, severity)
            phases[phase] = RiskPhase(
                likelihood=likelihood,
                severity=severity,
                likelihood_label=_level_label(q, question.likelihood_scale, likelihood, lang),
                severity_label=_level_label(q, question.severity_scale, severity, lang),
                level=level,
            )
        derived.risk_levels[qid] = {"before": phases["before"].level, "after": phases["after"].level}
        result = RiskResult(question=qid, title=_short(q, qid, lang), before=phases["before"], after=phases["after"])
        q.render_cache[memo_key] = result
        out.append(result)
    return out


def _cell(q: Questionnaire, likelihood: int, severity: int) -> Any:
    matrix = q.risk_matrix
    assert matrix is not None
    l_levels = [lv.value for lv in q.scales_by_id[matrix.likelihood_scale].levels]
    s_levels = [lv.value for lv in q.scales_by_id[matrix.severity_scale].levels]
    if likelihood not in l_levels or severity not in s_levels:
        return None
    return matrix.cells[s_levels.index(severity)][l_levels.index(likelihood)]


def _level_label(q: Questionnaire, scale_id: str, value: int | None, lang: str) -> str | None:
    if value is None:
        return None
    scale = q.scales_by_id.get(scale_id)
    return scale.label(value, lang) if scale else str(value)


def _prior_consultation(q: Questionnaire, risks: list[RiskResult], lang: str) -> PriorConsultation:
    matrix = q.risk_matrix
    if matrix is None or not risks:
        return PriorConsultation(indicated=False if matrix is None or not risks else None, reason="", risks=[])
    threshold = RISK_ORDER[matrix.prior_consultation_from]
    high = [r.question for r in risks if r.after.level is not None and RISK_ORDER[r.after.level] >= threshold]
    unknown = [r.question for r in risks if r.after.level is None]
    indicated: bool | None = True if high else (None if unknown else False)
    reason = q.text(matrix.prior_consultation_reason, lang) if high else ""
    return PriorConsultation(indicated=indicated, reason=reason, risks=high)


def _dpia(q: Questionnaire, ctx: Context, lang: str, basis: list[str]) -> DpiaOutcome:
    policy = q.verdict_policy
    if policy is None:
        return DpiaOutcome(verdict="not_required", reason="", policy_entry=None, basis=basis, provisional=True)
    provisional = False
    decided: VerdictEntry | None = None
    for entry, when in q.compiled_policy:
        value = _BY_VALUE[when(ctx)]
        if value is Tri.TRUE:
            decided = entry
            break
        if value is Tri.UNKNOWN:
            provisional = True
    key = ("dpia", lang, decided.id if decided else None, provisional, tuple(basis))
    cached: DpiaOutcome | None = q.render_cache.get(key)
    if cached is None:
        verdict, reason = (
            (decided.verdict, decided.reason) if decided else (policy.otherwise.verdict, policy.otherwise.reason)
        )
        cached = DpiaOutcome(
            verdict=verdict,
            reason=q.text(reason, lang),
            policy_entry=decided.id if decided else None,
            basis=basis,
            provisional=provisional,
        )
        q.render_cache[key] = cached
    return cached


def _basis(derived: Derived, fired: list[Rule], national_lists: list[str]) -> list[str]:
    """What the verdict rests on: Art. 35(3) points, list items, criteria, exemptions."""
    basis = [f"art35_3:{p}" for p, v in sorted(derived.art35_3.items()) if v is Tri.TRUE]
    basis += [f"national_list:{key}" for key in national_lists]
    basis += [f"criterion:{c}" for c in derived.criteria_met]
    basis += [f"exemption:{rule.id}" for rule in fired if rule.exemption]
    return basis


def _ai_act(q: Questionnaire, lang: str, fired: list[Rule], undecided: list[Rule]) -> AiActOutcome:
    statuses = [(rule, rule.ai_act) for rule in fired if rule.ai_act and rule.ai_act != "none"]
    pending = [rule for rule in undecided if rule.ai_act and rule.ai_act != "none"]
    if not statuses:
        reason = q.text(q.verdict_policy.ai_act_none_reason, lang) if q.verdict_policy else ""
        return AiActOutcome(status="none", reason=reason, rules=[], references=[], provisional=bool(pending))
    top = max(AI_ACT_ORDER[s] for _, s in statuses)
    status = next(s for _, s in statuses if AI_ACT_ORDER[s] == top)
    rules = sorted((r for r, s in statuses if s == status), key=lambda r: r.id)
    provisional = any(AI_ACT_ORDER[r.ai_act or "none"] > top for r in pending)
    return AiActOutcome(
        status=status,
        reason="; ".join(q.text(r.title, lang) for r in rules),
        rules=[r.id for r in rules],
        references=[q.text(ref, lang) for r in rules for ref in r.references],
        provisional=provisional,
    )


def _short(q: Questionnaire, qid: str, lang: str) -> str:
    question = q.questions.get(qid)
    if question is None:
        return qid
    return q.text(question.short or question.text, lang)


_RESULT_WORDS: dict[Tri, Any] = {Tri.TRUE: "true", Tri.FALSE: "false", Tri.UNKNOWN: "unknown"}


def _frozen(value: Any) -> Any:
    """``value`` if it can be part of a memo key as it is, a list of texts as a tuple, else its text."""
    if type(value) in _PLAIN:
        return value
    if type(value) is list and all(type(v) is str for v in value):
        return tuple(value)
    return repr(value)


_SYMBOLS = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "equals": "="}


class _Writer:
    """Turns rules and facts into localised findings and trace lines."""

    def __init__(self, q: Questionnaire, lang: str) -> None:
        self.q = q
        self.lang = lang
        # Findings are immutable values, memoised per questionnaire (see evaluate).
        self.cache = q.render_cache
        if len(self.cache) > 20_000:
            self.cache.clear()

    def finding(self, rule: Rule, facts: tuple[Fact, ...]) -> Finding:
        key = ("finding-static", rule.id, self.lang)
        static: dict[str, Any] | None = self.cache.get(key)
        if static is None:
            t = self.q.text
            static = {
                "rule_id": rule.id,
                "severity": rule.severity,
                "title": t(rule.title, self.lang),
                "explanation": t(rule.explanation, self.lang),
                "recommendation": t(rule.recommendation, self.lang) if rule.recommendation else None,
                "references": [t(r, self.lang) for r in rule.references],
                "criteria": list(rule.criteria),
                "art35_3": list(rule.art35_3),
                "national_lists": [item.key for item in rule.national_lists],
                "ai_act": rule.ai_act,
                "exemption": rule.exemption,
            }
            self.cache[key] = static
        return Finding(**static, trace=self.trace(facts))

    def undecided(self, rule: Rule, facts: tuple[Fact, ...]) -> Undecided:
        missing = sorted(
            {f.subject.split(".row")[0] for f in facts if f.result is Tri.UNKNOWN and f.subject in self.q.questions}
        )
        return Undecided(
            rule_id=rule.id,
            severity=rule.severity,
            title=self.q.text(rule.title, self.lang),
            missing=missing,
            trace=self.trace(facts),
        )

    def trace(self, facts: tuple[Fact, ...]) -> list[TraceItem]:
        """One trace item per distinct fact; each is memoised, since the same answer
        (``data_sensitive`` contains ``health``) explains many rules and many assessments."""
        items = []
        seen: set[tuple[Any, ...]] = set()
        cache = self.cache
        lang = self.lang
        for f in facts:
            key = (
                "fact",
                lang,
                f.op,
                f.subject,
                _frozen(f.expected),
                _frozen(f.actual),
                f.result,
                f.negated,
                f.field,
                f.row,
            )
            if key in seen:
                continue
            seen.add(key)
            item = cache.get(key)
            if item is None:
                item = TraceItem(
                    question=f.subject,
                    op=f.op,
                    expected=f.expected,
                    actual=f.actual,
                    result=_RESULT_WORDS[f.result],
                    negated=f.negated,
                    field=f.field,
                    row=f.row,
                    text=self.fact_text(f),
                )
                cache[key] = item
            items.append(item)
        return items

    # words ----------------------------------------------------------------------------

    def fact_text(self, f: Fact) -> str:
        lang = self.lang
        holds = (f.result is Tri.TRUE) != f.negated  # truth of the leaf's own statement
        state = "true" if holds else "false"
        if f.op in ("criterion", "finding", "art35_3", "national_list", "exemption"):
            name = self._derived_name(f)
            if f.result is Tri.UNKNOWN:
                return message(lang, f"trace.{f.op}.unknown", q=name)
            return message(lang, f"trace.{f.op}.{state}", q=name)
        if f.op == "criteria_count":
            bounds = ", ".join(f"{_SYMBOLS.get(k, '=')} {v}" for k, v in f.expected.items())
            return message(lang, "trace.criteria_count", a=f.actual, e=bounds)
        subject = self._subject(f)
        if f.actual == "not asked":
            return message(lang, "trace.hidden", q=subject)
        if f.result is Tri.UNKNOWN:
            return message(lang, "trace.unknown", q=subject)
        if f.op == "risk_level":
            return message(
                lang,
                f"trace.risk_level.{state}",
                q=subject,
                a=message(lang, f"risk.{f.actual}"),
                e=message(lang, f"risk.{f.expected}"),
                phase=message(lang, f"phase.{f.field}"),
            )
        if f.op == "answered":
            return message(lang, f"trace.answered.{state}", q=subject)
        if f.op in ("gt", "gte", "lt", "lte"):
            symbol = _SYMBOLS[f.op]
            return message(
                lang, f"trace.compare.{state}", q=subject, a=self._value(f, f.actual), op=symbol, e=f.expected
            )
        if f.op == "in":
            expected = ", ".join(self._value(f, v) for v in f.expected)
            return message(lang, f"trace.in.{state}", q=subject, a=self._value(f, f.actual), e=expected)
        if f.op == "any_row":
            return subject
        return message(
            lang, f"trace.{f.op}.{state}", q=subject, a=self._value(f, f.actual), e=self._value(f, f.expected)
        )

    def _question(self, f: Fact) -> Any:
        if f.row is not None:
            group_id, _, field_id = f.subject.rpartition(".")
            group = self.q.questions.get(group_id)
            return next((sub for sub in getattr(group, "fields", []) if sub.id == field_id), None)
        return self.q.questions.get(f.subject)

    def _subject(self, f: Fact) -> str:
        question = self._question(f)
        name = self.q.text(question.short or question.text, self.lang) if question is not None else f.subject
        if f.row is not None:
            group_id = f.subject.rpartition(".")[0]
            name = f"{_short(self.q, group_id, self.lang)}, {message(self.lang, 'row', n=f.row)}: {name}"
        if f.field and f.op != "risk_level":
            name = f"{name} ({f.field.replace('_', ' ')})"
        return name

    def _value(self, f: Fact, value: Any) -> str:
        if isinstance(value, list):
            labels = self._labels(f)
            return ", ".join(self._one_value(labels, v) for v in value)
        return self._one_value(self._labels(f), value)

    def _one_value(self, labels: dict[Any, str], value: Any) -> str:
        if isinstance(value, bool):
            return message(self.lang, "yes" if value else "no")
        if isinstance(value, list):
            return ", ".join(self._one_value(labels, v) for v in value)
        label = labels.get(value) if isinstance(value, str) else None
        if label is not None:
            return label
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def _labels(self, f: Fact) -> dict[Any, str]:
        """The option labels of the fact's question (or row field) by option value, memoised."""
        key = ("labels", f.subject, f.row is not None, self.lang)
        labels: dict[Any, str] | None = self.cache.get(key)
        if labels is None:
            question = self._question(f)
            options = getattr(question, "options", []) or []
            labels = {o.value: self.q.text(o.label, self.lang) for o in reversed(options)}  # the first wins
            self.cache[key] = labels
        return labels

    def _derived_name(self, f: Fact) -> str:
        if f.op == "criterion":
            c = self.q.criteria_by_id.get(f.subject)
            return self.q.text(c.title, self.lang) if c else f.subject
        if f.op == "finding":
            r = self.q.rules_by_id.get(f.subject)
            return self.q.text(r.title, self.lang) if r else f.subject
        if f.op == "national_list":
            item = next((n for n in self.q.national_lists if n.id == f.subject), None)
            return self.q.text(item.title, self.lang) if item else f.subject
        return f.subject
