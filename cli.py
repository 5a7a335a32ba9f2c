"""The ``dpia`` command line.

Exit codes (documented in the README; a team's CI may rely on them):

* 0: done;
* 1: bad input (the message is on stderr, never a traceback);
* 3: ``--fail-on`` was reached (the DPIA verdict or a finding's severity).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.answers import LoadedAnswers, load_answers
from engine.errors import DpiaError, ProblemsError
from engine.evaluation import Evaluation, Finding
from engine.i18n import LANGUAGES, message
from engine.lint import lint
from engine.loader import Catalog, load_catalog
from engine.model import SEVERITY_ORDER, Questionnaire
from engine.scoring import evaluate
from engine.whatif import alternatives

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_FAIL_ON = 3

ROOT = Path(__file__).resolve().parent
DEFAULT_QUESTIONNAIRES = ROOT / "questionnaires"
FAIL_ON_LEVELS = ("required", "recommended", *SEVERITY_ORDER)


class UsageError(DpiaError):
    """A command was called with arguments that do not make sense."""


# --- shared helpers ---------------------------------------------------------------------


def catalog_from(paths: Sequence[str] | None) -> Catalog:
    """Questionnaires from ``--questionnaires`` paths, or the project's own folder."""
    return load_catalog(paths or [DEFAULT_QUESTIONNAIRES])


def questionnaires_or_fail(catalog: Catalog) -> dict[str, Questionnaire]:
    if catalog.errors:
        raise ProblemsError([p for e in catalog.errors.values() for p in e.problems])
    return catalog.questionnaires


def read_assessment(path: str, questionnaire_paths: Sequence[str] | None) -> LoadedAnswers:
    catalog = catalog_from(questionnaire_paths)
    loaded = load_answers(path, questionnaires_or_fail(catalog))
    for warning in loaded.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return loaded


def fail_on_reached(evaluation: Evaluation, level: str) -> bool:
    """Whether ``--fail-on level`` stops the build for this evaluation."""
    verdict = evaluation.dpia.verdict
    if level == "required":
        return verdict == "required"
    if level == "recommended":
        return verdict in ("required", "recommended")
    threshold = SEVERITY_ORDER[level]
    return any(SEVERITY_ORDER[f.severity] >= threshold for f in evaluation.findings)


# --- commands ------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    catalog = load_catalog(args.paths)
    for _file, error in sorted(catalog.errors.items()):
        for problem in error.problems:
            print(problem, file=sys.stderr)
    for qid, q in sorted(catalog.questionnaires.items()):
        print(f"ok: {catalog.files[qid]}: {qid} {q.version} ({len(q.questions)} questions, {len(q.rules)} rules)")
    if not catalog.questionnaires and not catalog.errors:
        print(f"no questionnaire found in: {' '.join(args.paths)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_BAD_INPUT if catalog.errors else EXIT_OK


def cmd_lint(args: argparse.Namespace) -> int:
    catalog = load_catalog(args.paths)
    for error in catalog.errors.values():
        for problem in error.problems:
            print(problem, file=sys.stderr)
    warnings = []
    for _qid, q in sorted(catalog.questionnaires.items()):
        included = set()
        for ref in q.includes:
            other = catalog.questionnaires.get(ref)
            if other is not None:
                included |= set(other.questions) | set(other.rules_by_id)
        own = (set(q.questions) | set(q.rules_by_id) | {c.id for c in q.criteria}) - included
        own |= {s.id for s in q.sections}
        warnings += lint(q, own_only=own)
    for warning in warnings:
        print(warning)
    if catalog.errors or warnings:
        print(f"{len(warnings)} warning(s), {len(catalog.errors)} file(s) with errors", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"clean: {len(catalog.questionnaires)} questionnaire(s)")
    return EXIT_OK


def schema_json() -> str:
    """The JSON Schema of a questionnaire file, as kept in questionnaires/schema.json."""
    schema = Questionnaire.model_json_schema(by_alias=True)
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def cmd_schema(args: argparse.Namespace) -> int:
    text = schema_json()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_score(args: argparse.Namespace) -> int:
    if args.what_if and args.format == "json":
        print(
            "dpia score: --what-if goes with --format text (the JSON output is the Evaluation contract)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    loaded = read_assessment(args.answers, args.questionnaires)
    evaluation = evaluate(loaded.questionnaire, loaded.assessment.answers, args.lang)
    if args.format == "json":
        print(evaluation.to_json())
    else:
        print(render_text(loaded, evaluation, what_if=args.what_if))
    if args.fail_on and fail_on_reached(evaluation, args.fail_on):
        print(f"--fail-on {args.fail_on}: reached", file=sys.stderr)
        return EXIT_FAIL_ON
    return EXIT_OK


def render_text(loaded: LoadedAnswers, ev: Evaluation, *, what_if: bool = False) -> str:
    """A short report: verdict, reasons, flags with why (and, with ``what_if``, the answers that would clear each)."""
    lang = ev.lang
    q = loaded.questionnaire
    meta = loaded.assessment.metadata

    def say(key: str, **values: object) -> str:
        return message(lang, key, **values)

    lines = [f"{meta.feature}  ({q.text(q.title, lang)} {q.version})", ""]
    provisional = say("cli.provisional") if ev.dpia.provisional else ""
    lines.append(f"{say('verdict.' + ev.dpia.verdict).upper()}{provisional}")
    lines.append(f"  {ev.dpia.reason}")
    met = [c for c in ev.criteria if c.status == "met"]
    if met:
        lines.append(f"  WP248: {len(met)}/{len(ev.criteria)}: " + "; ".join(c.title for c in met))
    for point in (p for p in ev.art35_3 if p.status == "met"):
        lines.append(f"  {point.title}")
    for key in ev.national_lists_met:
        lines.append(f"  {list_item_name(q, key, lang)}")
    lines.append("")
    lines.append(say("ai_act." + ev.ai_act.status).upper())
    if ev.ai_act.reason:
        lines.append(f"  {ev.ai_act.reason}")
    if ev.prior_consultation.indicated:
        risks = ", ".join(r.title for r in ev.risks if r.question in ev.prior_consultation.risks)
        lines += ["", f"{say('cli.art36').upper()} {ev.prior_consultation.reason} ({risks})"]
    lines += ["", say("cli.findings", n=len(ev.findings))]
    for f in ev.findings:
        lines.append(f"- [{say('severity.' + f.severity)}] {f.title}  ({f.rule_id})")
        lines.append(f"    {f.explanation}")
        if f.trace:
            lines.append(f"    {say('cli.because')} " + say("and").join(t.text for t in f.trace))
        if f.references:
            lines.append(f"    {say('cli.refs')} " + "; ".join(f.references))
        if f.recommendation:
            lines.append(f"    {say('cli.instead')} {f.recommendation}")
        if what_if:
            lines += _what_if_lines(loaded, ev, f)
    if ev.undecided:
        lines += ["", say("cli.undecided", n=len(ev.undecided))]
        for u in ev.undecided:
            lines.append(f"- {u.title}: {', '.join(u.missing) or '-'}")
    lines += ["", f"{say('cli.completion')} {ev.completion:g}%"]
    if ev.missing_required:
        lines.append(f"{say('cli.missing')} " + ", ".join(ev.missing_required))
    return "\n".join(lines)


def _what_if_lines(loaded: LoadedAnswers, ev: Evaluation, finding: Finding) -> list[str]:
    lang = ev.lang
    found = alternatives(loaded.questionnaire, loaded.assessment.answers, ev, finding, lang)
    if not found:
        return [f"    {message(lang, 'cli.whatif.none')}"]
    lines = []
    for alternative in found:
        effects = []
        if alternative.verdict:
            effects.append(message(lang, "cli.whatif.verdict", verdict=message(lang, f"verdict.{alternative.verdict}")))
        if alternative.raises:
            effects.append(message(lang, "cli.whatif.raises", titles="; ".join(alternative.raises)))
        tail = f" ({'; '.join(effects)})" if effects else ""
        lines.append(f"    {message(lang, 'cli.whatif.if', change=alternative.change)}{tail}")
    return lines


def list_item_name(q: Questionnaire, key: str, lang: str) -> str:
    """``cnil_35_4:4`` -> "CNIL Art. 35(4) list, item 4" in the questionnaire's words."""
    list_id, _, item = key.partition(":")
    definition = next((n for n in q.national_lists if n.id == list_id), None)
    name = q.text(definition.title, lang) if definition else list_id
    return message(lang, "list.item", list=name, item=item)


# --- the table of commands ----------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="questionnaire files or folders")


def _schema_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")


def _questionnaires_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--questionnaires",
        action="append",
        metavar="PATH",
        help="questionnaire files or folders (default: the project's questionnaires/)",
    )


def _score_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("answers", metavar="ANSWERS", help="answers file (YAML or JSON)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--lang", choices=LANGUAGES, default="en")
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON_LEVELS,
        help="exit 3 when the DPIA verdict (required, recommended) or a finding's severity reaches this",
    )
    parser.add_argument(
        "--what-if",
        action="store_true",
        help="under each flag, the single answers that would clear it, each checked by scoring again (text only)",
    )
    _questionnaires_option(parser)


def _report_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("answers", metavar="ANSWERS", help="answers file (YAML or JSON)")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.pdf", help="where to write the PDF")
    parser.add_argument("--lang", choices=LANGUAGES, default="en")
    _questionnaires_option(parser)


def _verify_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pdf", metavar="FILE.pdf", help="an archived assessment PDF")


def _import_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="archived PDFs or JSON exports")
    parser.add_argument(
        "-o",
        "--output",
        metavar="answers.yaml",
        help="write the answers of one archived PDF to this file (without -o: import into the store)",
    )
    _questionnaires_option(parser)
    _database_option(parser)
    parser.add_argument("--owner", help="owner of the imported assessments (default: $DPIA_USER or your login)")


# --- store commands (store/commands.py) ---------------------------------------------------------------------


def _database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database URL, e.g. postgresql+psycopg://user@host/dpia (default: $DPIA_DATABASE_URL, "
        "else the SQLite file data/dpia.sqlite)",
    )


def _db_args(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="db_command", required=True, metavar="SUBCOMMAND")
    upgrade = sub.add_parser("upgrade", help="create the database or migrate it to the newest schema")
    _database_option(upgrade)


def _list_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--status", action="append", help="draft, submitted, in_review, ... (repeatable)")
    parser.add_argument("--owner", help="the owner's user id")
    parser.add_argument("--verdict", action="append", help="DPIA verdict: required, recommended, not_required")
    parser.add_argument("--ai-act", action="append", help="prohibited, high_risk, transparency, none")
    parser.add_argument("--overdue", action="store_true", help="only those past their review date")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    _database_option(parser)


def _progress_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--progress-every", type=int, default=1000, metavar="N", help="progress on stderr every N")


def _rescore_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="list the changes; store nothing")
    parser.add_argument("--batch-size", type=int, default=500, metavar="N", help="assessments read per batch")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    _progress_option(parser)
    _questionnaires_option(parser)
    _database_option(parser)


def _export_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ids", nargs="*", metavar="ID", help="assessments to export (default: all)")
    parser.add_argument("-o", "--output", metavar="FILE.json", help="write here instead of standard output")
    parser.add_argument("--no-pdfs", action="store_true", help="leave the approved versions' PDFs out")
    _progress_option(parser)
    _database_option(parser)


def cmd_import(args: argparse.Namespace) -> int:
    """``dpia import FILE.pdf -o answers.yaml`` extracts; without ``-o`` it imports into the store."""
    if args.output:
        if len(args.files) != 1:
            raise UsageError("with -o, give exactly one archived PDF")
        from report.commands import cmd_extract_answers

        return cmd_extract_answers(args)
    from store.commands import cmd_import_store

    return cmd_import_store(args)


def _lazy(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    """A command implemented in an adapter package, imported only when it runs."""

    def run(args: argparse.Namespace) -> int:
        import importlib

        result: int = getattr(importlib.import_module(module), name)(args)
        return result

    return run


def _no_args(parser: argparse.ArgumentParser) -> None:
    pass


COMMANDS: list[Command] = [
    Command("validate", "load and cross-check questionnaires; exit 1 listing every problem", _paths, cmd_validate),
    Command("lint", "warn about rules that never fire, unused options, missing help or translations", _paths, cmd_lint),
    Command("schema", "print the JSON Schema of questionnaire files", _schema_args, cmd_schema),
    Command("score", "score an answers file: DPIA verdict, AI Act status, findings", _score_args, cmd_score),
    Command(
        "report",
        "render the archival PDF/A-3b report of an answers file",
        _report_args,
        _lazy("report.commands", "cmd_report"),
    ),
    Command(
        "verify",
        "check an archived PDF: PDF/A, attached answers, printed hash",
        _verify_args,
        _lazy("report.commands", "cmd_verify"),
    ),
    Command("import", "read answers back from archived PDFs or JSON exports", _import_args, cmd_import),
    Command("db", "database maintenance: `dpia db upgrade`", _db_args, _lazy("store.commands", "cmd_db")),
    Command("list", "list stored assessments, filtered", _list_args, _lazy("store.commands", "cmd_list")),
    Command(
        "rescore",
        "re-score stored assessments under the current questionnaires; list changed outcomes",
        _rescore_args,
        _lazy("store.commands", "cmd_rescore"),
    ),
    Command("export", "export stored assessments as JSON", _export_args, _lazy("store.commands", "cmd_export")),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dpia",
        description="Privacy impact assessments as data: validate questionnaires, score answers.",
        epilog="Exit codes: 0 done, 1 bad input, 3 --fail-on reached.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        command.configure(p)
        p.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: 2 for usage errors; report as bad input
        return EXIT_OK if e.code == 0 else EXIT_BAD_INPUT
    try:
        result: int = args.run(args)
        return result
    except ProblemsError as e:
        for problem in e.problems:
            print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    except DpiaError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as e:
        print(f"error: {e.filename or ''}: {e.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
