"""Any Unicode text in answers, metadata and the review gives a valid archival PDF that prints it faithfully.

Faithfully means: the attached ``assessment.json`` keeps the exact text, and the printed text extracts as
written wherever a font covers the character; a character no font draws (and every one outside the Basic
Multilingual Plane) prints as ``[U+XXXX]`` (see ``report/fonts.py``). Spaces, controls and invisible format
characters are left out of the comparison: the report normalises them on purpose (``report/text.py``).
"""

from __future__ import annotations

import io
import json
import unicodedata
from typing import Any

import pikepdf
from hypothesis import example, given
from hypothesis import strategies as st

from engine.answers import Assessment
from engine.loader import load_text
from report import read_archive, render_pdf, verify_pdf
from report.fonts import _registry, fallback_fonts, register_fonts
from report.text import clean, is_ignorable
from tests.fuzz.conftest import fuzz_settings, no_hang
from tests.report.report_helpers import assessment_for, pdf_text

QUESTIONNAIRE = load_text(
    json.dumps(
        {
            "id": "texts",
            "version": "1",
            "languages": ["en"],
            "title": "Free text everywhere",
            "sections": [
                {
                    "id": "s",
                    "title": "Texts",
                    "questions": [
                        {"id": "s.short", "kind": "short_text", "text": "Short?", "max_length": 1000},
                        {"id": "s.long", "kind": "long_text", "text": "Long?"},
                        {
                            "id": "s.rows",
                            "kind": "group",
                            "text": "Rows",
                            "fields": [{"id": "a", "kind": "short_text", "text": "A", "max_length": 1000}],
                        },
                    ],
                }
            ],
        }
    ),
    "texts.yaml",
)

RTL = "שלום עולם مرحبا بالعالم"
CJK = "个人信息 個人情報 개인정보"
EMOJI = "⚠️ 🔒 ✅ 👩‍💻 🏳️‍🌈"
CONTROLS = "\x00\x07\x1b[31m\x7f\x85\t\r\n\u2028\u2029\ufeff\u200b\u00ad\ufffe\uffff"
OLD_ITALIC = "\U00010300\U00010301"  # outside the BMP, yet in DejaVu Sans
SPECIAL = [RTL, CJK, EMOJI, CONTROLS, OLD_ITALIC, "<b>x</b> &amp; </para>", "e\u0301 A\u030a", "ﬁ ﬂ Ǆ ß ẞ"]

pieces = st.one_of(
    st.text(max_size=30),
    st.sampled_from(SPECIAL),
    st.integers(1, 1500).map(lambda n: "W" * n),  # one very long word
)
texts = st.lists(pieces, min_size=1, max_size=5).map("".join).filter(lambda s: s.strip())


def _visible(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in "CZ")


def printed_words(text: str) -> list[str]:
    """The words the report prints for ``text``, each reduced to its visible characters."""
    register_fonts()
    fonts = [_registry.faces["regular"].cmap, *(f.cmap for f in fallback_fonts())]
    out = []
    for ch in clean(text):
        code = ord(ch)
        if code <= 0xFFFF and any(code in cmap for cmap in fonts):
            out.append(ch)
        elif not is_ignorable(ch):
            out.append(f" [U+{code:04X}] ")
    # a soft hyphen is where ReportLab may break a word, drawing a hyphen there: a word ends at it
    return [word for word in map(_visible, "".join(out).replace("\xad", " ").split()) if word]


def _right_to_left(word: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL", "AN") for ch in word)


def assert_printed(text: str, extracted: str) -> None:
    """Each printed word is in the extracted text, in order, with two allowances of text extraction.

    A right-to-left word comes out reordered (pypdf reverses the run), so only its characters are checked;
    a word longer than a line is cut into lines that a page break may separate, so its characters are counted.
    """
    for word in printed_words(text):
        if _right_to_left(word):
            assert set(word) <= set(extracted), f"{word!r} of {text!r} is not printed"
        elif len(word) > 30:
            assert all(extracted.count(ch) >= word.count(ch) for ch in set(word)), f"{word!r} of {text!r}"
        else:
            assert word in extracted, f"{word!r} of {text!r} is not printed"


def assessment_with(short: str, long: str, other: str) -> Assessment:
    base = assessment_for(
        QUESTIONNAIRE,
        {"s.short": short[:1000], "s.long": long, "s.rows": [{"a": other[:1000]}, {"a": short[:1000]}]},
        feature=other[:300],
        owner=short[:300],
        description=other,
    )
    review: dict[str, Any] = {
        "reviewer": other[:200],
        "comments": [{"question": "s.short", "author": short[:200], "text": long, "verdict": "improvable"}],
        "opinion": other,
        "decision": "approved",
        "sign_off": {"name": short[:200], "date": "2026-01-01"},
    }
    return Assessment.model_validate({**base.to_data(), "review": review})


@fuzz_settings(20)
@given(texts, texts, texts)
@example("x\U00010300y", "z", "w")  # drawn from DejaVu but copied wrongly: now printed as [U+10300]
@example(CONTROLS + "end", RTL, CJK)
@example("W" * 1500, EMOJI, "e\u0301 ﬁ")
@example(RTL, "W", "W" * 352 + RTL + "¿q#ú:\U000d1e1açñA`@\x92Dz\xadÊ\U0008239b")  # a soft hyphen at a line end
def test_any_text_gives_a_valid_pdf_that_prints_it(short: str, long: str, other: str) -> None:
    assessment = assessment_with(short, long, other)
    with no_hang():
        pdf = render_pdf(QUESTIONNAIRE, assessment, generated="2026-01-02")
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        assert not opened.get_warnings()
    result = verify_pdf(pdf)
    assert result.ok, result.reasons
    assert read_archive(pdf).assessment == assessment  # the attachment keeps the exact text
    extracted = _visible(pdf_text(pdf))
    for text in (short[:1000], long, other):
        assert_printed(text, extracted)
