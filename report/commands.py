"""The ``dpia report``, ``dpia verify`` and ``dpia import FILE.pdf -o answers.yaml`` commands.

``cli.py`` imports this module lazily, so ``dpia score`` never pays for ReportLab.
Bad input raises :class:`engine.errors.DpiaError` subclasses; ``cli.main`` prints
them without a traceback and exits 1.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from report.archive import ArchiveError, read_archive, verify_pdf
from report.pdf import render_pdf

EXIT_OK = 0
EXIT_FAILED = 1

# Plain scalars the engine's YAML reader types as something other than text (see engine.yamlsafe):
# such strings are written quoted so they read back as the same text.
_TYPED_PLAIN = re.compile(
    r"^([-+]?[0-9]+|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$"
)


def cmd_report(args: argparse.Namespace) -> int:
    """``dpia report ANSWERS -o OUT.pdf [--lang fr] [--questionnaires PATH]``."""
    from cli import read_assessment  # the CLI's own loader: same catalog and warnings as `dpia score`

    loaded = read_assessment(args.answers, args.questionnaires)
    pdf = render_pdf(loaded.questionnaire, loaded.assessment, lang=args.lang, validate=True)
    out = Path(args.output)
    out.write_bytes(pdf)
    archive = read_archive(pdf)
    print(
        f"wrote {out} ({len(pdf) // 1024} KiB, PDF/A-3b checked with pikepdf); "
        f"assessment.json sha256 {archive.attachment_sha256}"
    )
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    """``dpia verify FILE.pdf``: exit 0 when every check passes, 1 with the reasons otherwise."""
    data = Path(args.pdf).read_bytes()
    result = verify_pdf(data)
    for check in result.checks:
        print(f"checked: {check}")
    if result.ok:
        print(f"ok: {args.pdf}")
        return EXIT_OK
    for reason in result.reasons:
        print(f"error: {args.pdf}: {reason}", file=sys.stderr)
    return EXIT_FAILED


def cmd_extract_answers(args: argparse.Namespace) -> int:
    """``dpia import FILE.pdf -o answers.yaml``: write the archived answers as an answers file."""
    source = args.files[0]
    try:
        archive = read_archive(Path(source).read_bytes())
    except ArchiveError as e:
        raise ArchiveError(f"{source}: {e}") from e
    if archive.printed_sha256 is not None and archive.printed_sha256 != archive.attachment_sha256:
        print(
            f"warning: {source}: the attached assessment.json does not match the SHA-256 printed in the report; "
            "run `dpia verify` on it",
            file=sys.stderr,
        )
    for warning in _questionnaire_warnings(archive, getattr(args, "questionnaires", None)):
        print(f"warning: {warning}", file=sys.stderr)
    data = archive.assessment.to_data()
    header = (
        f"# Answers read back from {Path(source).name}\n"
        f"# questionnaire {archive.questionnaire_id} {archive.questionnaire_version}"
        + (f" (sha256 {archive.questionnaire_sha256})" if archive.questionnaire_sha256 else "")
        + f"\n# assessment.json sha256 {archive.attachment_sha256}\n"
    )
    out = Path(args.output)
    out.write_text(header + answers_yaml(data), encoding="utf-8")
    print(f"wrote {out}: {len(data.get('answers', {}))} answer(s) for {archive.questionnaire_id}")
    return EXIT_OK


def answers_yaml(data: dict[str, Any]) -> str:
    """YAML that :func:`engine.answers.load_answers` reads back to the same data (no aliases, typed text quoted)."""

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        if _TYPED_PLAIN.match(value) or "\x85" in value:  # PyYAML writes NEL as is, then reads it as a line break
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
        if "\n" in value:
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
        return dumper.represent_str(value)

    Dumper.add_representer(str, text)
    return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100)


def _questionnaire_warnings(archive: Any, paths: list[str] | None) -> list[str]:
    """Say when the questionnaire at hand differs from the archived one (re-scoring may then differ)."""
    if not paths:
        return []
    from engine.loader import load_catalog
    from report.record import questionnaire_sha256

    catalog = load_catalog(paths)
    current = catalog.questionnaires.get(archive.questionnaire_id)
    if current is None:
        return [f"questionnaire {archive.questionnaire_id} is not among {', '.join(paths)}"]
    if archive.questionnaire_sha256 and questionnaire_sha256(current) != archive.questionnaire_sha256:
        return [
            f"questionnaire {archive.questionnaire_id} {current.version} differs from the archived "
            f"{archive.questionnaire_version}: re-scoring may give another result"
        ]
    return []


__all__ = ["answers_yaml", "cmd_extract_answers", "cmd_report", "cmd_verify"]
