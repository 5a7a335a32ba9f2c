"""Hostile and unusual text never breaks the report and prints literally (where a font covers it)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from engine.answers import Assessment
from engine.loader import load_text
from engine.model import Questionnaire
from report import read_archive, render_pdf, verify_pdf
from report.fonts import Typesetter, fallback_fonts
from report.text import clean
from tests.report.report_helpers import assessment_for, pdf_text, rasterise

# Each text must come out of the PDF exactly as written (after :func:`report.text.clean`).
LITERAL = {
    "markup": "<b>unclosed <i>x</i> <font size=60 color=red>big</font>",
    "entities": "&nbsp; &bogus; &#0; AT&T &amp; &lt;",
    "img": "<img src='/etc/passwd'/> <img src=\"https://example.com/x.png\"/>",
    "para": "</para><para> <![CDATA[x]]> <a href=\"javascript:alert(1)\">link</a> <link href='file:///x'>y</link>",
    "european": "Données « œuvre » € — Zażółć gęślą jaźń Łódź — Straße Grüße — Ελληνικά δεδομένα — Персональные данные",
}
CONTROLS = "bell\x07 nul\x00 esc\x1b[31m del\x7f c1\x85 tab\tend\r\nCRLF\rCR\u2028LS"
RTL = "שלום עולם مرحبا"
EMOJI = "⚠️ 🔒 ✅ 👩‍💻"
CJK = "个人信息 個人情報 개인정보"
LONG = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 1800)[:100_000]

HOSTILE_QUESTIONNAIRE: dict[str, Any] = {
    "id": "hostile",
    "version": "1",
    "languages": ["en"],
    "title": "Hostile <b>questionnaire</b> & co",
    "sections": [
        {
            "id": "s",
            "title": "Section </para> & <i>",
            "questions": [
                {"id": "s.short", "kind": "short_text", "text": "Short <b>?", "max_length": 1000},
                {"id": "s.long", "kind": "long_text", "text": "Long?", "max_length": 200000},
                {"id": "s.word", "kind": "long_text", "text": "One long word?", "max_length": 200000},
                {
                    "id": "s.rows",
                    "kind": "group",
                    "text": "Rows",
                    "fields": [
                        {"id": "a", "kind": "short_text", "text": "A <x>", "max_length": 1000},
                        {"id": "b", "kind": "long_text", "text": "B &", "max_length": 200000},
                    ],
                },
            ],
        }
    ],
}


@pytest.fixture(scope="module")
def hostile_q() -> Questionnaire:
    return load_text(json.dumps(HOSTILE_QUESTIONNAIRE), "hostile.yaml")


@pytest.fixture(scope="module")
def everything() -> str:
    return "\n".join([*LITERAL.values(), CONTROLS, RTL, EMOJI, CJK])


@pytest.fixture(scope="module")
def hostile_assessment(hostile_q: Questionnaire, everything: str) -> Assessment:
    a = assessment_for(
        hostile_q,
        {
            "s.short": LITERAL["markup"],
            "s.long": everything + "\n" + LONG,
            "s.word": "x" * 30_000,
            "s.rows": [{"a": LITERAL["img"], "b": everything}, {"a": CJK, "b": LONG[:30_000]}],
        },
        feature="Feature " + LITERAL["para"] + " " + EMOJI + " " + CJK,
        owner=LITERAL["entities"],
        description=everything,
    )
    review = {
        "reviewer": RTL,
        "comments": [{"question": "s.short", "author": LITERAL["img"], "text": everything, "verdict": "to_correct"}],
        "overrides": [{"target": "s.short", "value": "x<y", "reason": LITERAL["markup"], "author": "me&you"}],
        "opinion": everything,
        "decision": "rejected",
        "sign_off": {"name": CJK, "date": "2026-01-01"},
    }
    return Assessment.model_validate({**a.to_data(), "review": review})


@pytest.fixture(scope="module")
def hostile_pdf(hostile_q: Questionnaire, hostile_assessment: Assessment) -> bytes:
    return render_pdf(hostile_q, hostile_assessment, generated="2026-01-02")


@pytest.fixture(scope="module")
def hostile_text(hostile_pdf: bytes) -> str:
    return pdf_text(hostile_pdf)


@pytest.mark.parametrize("name", sorted(LITERAL))
def test_markup_and_entities_print_literally(hostile_text: str, name: str) -> None:
    assert " ".join(LITERAL[name].split()) in hostile_text


def test_control_characters_are_dropped_and_line_breaks_kept(hostile_text: str) -> None:
    assert "bell nul esc[31m del c1 tab end CRLF CR LS" in hostile_text
    assert clean(CONTROLS) == "bell nul esc[31m del c1 tab end\nCRLF\nCR\nLS"


def test_right_to_left_letters_are_all_printed(hostile_text: str) -> None:
    # Letters are drawn in stored (logical) order; extractors may reorder right-to-left runs.
    assert set(RTL.replace(" ", "")) <= set(hostile_text)


def test_emoji_outside_the_bmp_are_named_and_listed_in_the_appendix(hostile_text: str) -> None:
    assert "[U+1F512]" in hostile_text and "[U+1F469]" in hostile_text
    assert "U+1F512 LOCK" in hostile_text and "U+1F4BB PERSONAL COMPUTER" in hostile_text
    assert "⚠" in hostile_text  # in DejaVu Sans


def test_cjk_prints_through_a_fallback_font_or_is_listed(hostile_text: str) -> None:
    if any(font.name.startswith("WQY") for font in fallback_fonts()):
        assert CJK in hostile_text
        assert "wqy-zenhei.ttc" in hostile_text or "wqy-microhei.ttc" in hostile_text
    else:
        assert "[U+4E2A]" in hostile_text and "U+4E2A" in hostile_text


def test_hostile_report_is_valid_and_round_trips(
    hostile_pdf: bytes, hostile_assessment: Assessment, tmp_path: Path
) -> None:
    assert verify_pdf(hostile_pdf).ok
    archive = read_archive(hostile_pdf)
    assert archive.assessment.answers == hostile_assessment.answers  # exact text, controls included
    assert archive.assessment.review == hostile_assessment.review
    result = rasterise(hostile_pdf, tmp_path, resolution=8)
    assert result.returncode == 0, result.stderr


def test_a_100_kb_answer_splits_across_pages(hostile_text: str, hostile_pdf: bytes) -> None:
    assert hostile_text.count("Lorem ipsum dolor sit amet") >= 1800
    assert "x" * 80 in hostile_text  # the one 30 000-letter word is cut into lines, not lost


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a & b < c > d", "a &amp; b &lt; c &gt; d"),
        ("line 1\nline 2", "line 1<br/>line 2"),
        ("</para>", "&lt;/para&gt;"),
        ("🔒", "[U+1F512]"),
        ("x\x00y\x07z", "xyz"),
    ],
)
def test_typesetter_escapes_and_names_what_it_cannot_print(text: str, expected: str) -> None:
    assert Typesetter().markup(text) == expected


def test_typesetter_draws_characters_missing_from_a_face_in_the_regular_face() -> None:
    # DejaVu Sans Oblique has no Arabic; the regular face has it
    assert Typesetter().markup("مرحبا", "italic") == '<font face="DPIASansRegular">مرحبا</font>'


def test_bold_markup_resolves_to_the_bold_face_even_after_fallbacks_are_loaded() -> None:
    from reportlab.platypus import Paragraph

    from report.render import _styles

    fallback_fonts()
    paragraph = Paragraph("<b>Fired because:</b> text", _styles()["body"])
    paragraph.wrap(400, 100)
    fonts = [frag.fontName for line in paragraph.blPara.lines for frag in line.words]
    assert fonts[0] == "DPIASans-Bold" and fonts[-1] == "DPIASans"


def test_a_lone_surrogate_prints_as_a_replacement_and_survives_in_the_attachment(hostile_q: Questionnaire) -> None:
    a = assessment_for(hostile_q, {"s.short": "before \ud800 after"})
    pdf = render_pdf(hostile_q, a)
    assert "before \ufffd after" in pdf_text(pdf)
    assert read_archive(pdf).assessment.answers["s.short"] == "before \ud800 after"
    assert verify_pdf(pdf).ok


def test_hundreds_of_unprintable_characters_are_listed_over_as_many_pages_as_needed(hostile_q: Questionnaire) -> None:
    # Linear B ideograms and syllables (outside the BMP): no font here draws them
    text = "".join(chr(c) for c in range(0x10000, 0x100FA) if unicodedata.name(chr(c), ""))
    a = assessment_for(hostile_q, {"s.long": text * 3})
    pdf = render_pdf(hostile_q, a)
    extracted = pdf_text(pdf)
    assert "U+10000 LINEAR B SYLLABLE B008 A" in extracted and "U+100FA" not in extracted
    assert verify_pdf(pdf).ok
