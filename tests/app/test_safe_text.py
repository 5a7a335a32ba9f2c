"""Text from people, the database, the URL and files is shown as written, never as Markdown.

A shared link, a title, an answer or a comment holding ``![x](https://tracker.example/p.png)`` must not make a
reader's browser load an outside image (a tracking pixel in a privacy tool), nor any other Markdown.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

import store
from tests.app.conftest import new_app, open_store_for, shown
from views.safe_text import ELLIPSIS, ID_LIMIT, code, plain

PIXEL = "![x](https://tracker.example/p.png)"
EVIL_TITLE = f"{PIXEL} **bold**"
EVIL_OWNER = "[Owner](https://tracker.example/o) :red[loud]"
EVIL_ANSWER = f"{PIXEL} <img src=x> $x^2$ :smile:"
EVIL_COMMENT = f"# Heading\n    {PIXEL}\n- item ~~gone~~"
SPECIAL = "\\`*_{}[]()#+-.!|<>~$:&="
NASTY = [
    PIXEL,
    EVIL_TITLE,
    EVIL_ANSWER,
    EVIL_COMMENT,
    SPECIAL,
    "1. not a list\n> not a quote\n===",
    "&amp; &#65; <b>x</b> [a]: https://x.example",
    "| a | b |\n| --- | --- |",
    "`code` ``more``",
    "\\*not emphasis\\*",
    "".join(chr(c) for c in range(32, 127)),
]
# CommonMark plus the GFM parts Streamlit uses (tables, strikethrough, bare links)
RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough", "linkify"])


def reads_as(markdown: str) -> str:
    """The text a reader sees once ``markdown`` is rendered (one paragraph, hard line breaks as new lines)."""
    rendered = RENDERER.render(markdown)
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n"), rendered  # one paragraph, nothing else
    inner = rendered[len("<p>") : -len("</p>\n")].replace("<br />\n", "\n")
    assert "<" not in inner, inner  # no element at all: no image, link, emphasis, code, heading or list
    return html.unescape(inner).replace("\u2060", "")


# --- the helper ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Mood cameras", "Caméras d'humeur, 2024/25", "Hotel lobby 3", "Ada Lovelace"])
def test_when_text_is_ordinary_then_plain_leaves_it_unchanged(text: str) -> None:
    assert plain(text) == text


def test_when_a_title_has_brackets_then_it_still_reads_the_same() -> None:
    assert plain("Mood cameras (v2)") == "Mood cameras \\(v2\\)"
    assert reads_as(plain("Mood cameras (v2)")) == "Mood cameras (v2)"


@pytest.mark.parametrize("char", list(SPECIAL))
def test_when_text_holds_a_markdown_character_then_it_is_backslash_escaped(char: str) -> None:
    assert plain(f"a{char}b") == f"a\\{char}b"


@pytest.mark.parametrize("text", NASTY)
def test_when_plain_text_is_rendered_as_markdown_then_every_character_shows_literally(text: str) -> None:
    expected = "\n".join(line.strip() for line in text.splitlines()).strip()
    assert reads_as(plain(text)) == expected


def test_when_text_holds_streamlit_only_markdown_then_it_is_escaped_too() -> None:
    # $LaTeX$ and :red[directives] are escaped; emoji and icon shortcodes are read after escapes, so a word
    # joiner (invisible) breaks them
    escaped = plain(":smile: :material/home: :red[loud] $x$")
    assert "\\$x\\$" in escaped and "\\:red\\[loud\\]" in escaped
    assert not re.search(r":[\w+/-]+:", escaped.replace("\\", ""))
    assert shown(escaped) == ":smile: :material/home: :red[loud] $x$"
    for shortcode in (":+1:", ":-1:", ":100:", ":1234:", ":ça_va:"):  # names without letters, or not ASCII
        assert "\u2060" in plain(shortcode)


def test_when_text_holds_a_time_then_it_has_no_invisible_character_to_copy() -> None:
    for text in ("Meeting at 10:30:45", "ratio 16:9:1", "2026-11-29T10:30:00"):
        assert "\u2060" not in plain(text)
        assert shown(plain(text)) == text


def test_when_text_is_indented_or_has_trailing_spaces_then_no_code_block_or_break_is_made() -> None:
    assert plain("    code?  \n\tnext  ") == "code?  \nnext"
    assert plain("  \n  ") == ""


def test_when_a_limit_is_given_then_long_text_is_shortened_with_an_ellipsis() -> None:
    short = plain("x" * 20_000, limit=ID_LIMIT)
    assert len(short) == ID_LIMIT and short.endswith(ELLIPSIS)
    assert plain("x" * ID_LIMIT, limit=ID_LIMIT) == "x" * ID_LIMIT
    assert plain("[" * 100, limit=3) == "\\[\\[" + ELLIPSIS  # counted before escaping


def test_when_text_has_backticks_then_code_cannot_be_closed_early() -> None:
    assert code("a`b") == "``a`b``"
    assert code("`x`") == "`` `x` ``"
    assert RENDERER.render(code(f"{PIXEL} `` **b**")).count("<code>") == 1
    assert "<img" not in RENDERER.render(code(f"{PIXEL} `` **b**"))


# --- the app --------------------------------------------------------------------------------------------------


def texts(at: AppTest) -> list[str]:
    """Everything the page renders as Markdown: element bodies and labels."""
    out: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success"):
        out += [e.value for e in at.get(kind)]
    for kind in ("page_link", "expander", "button", "text_area", "text_input", "radio", "selectbox", "tab"):
        out += [str(getattr(e, "label", "")) for e in at.get(kind)]
    return out


def assert_nothing_unescaped(at: AppTest, *raw: str) -> None:
    shown_texts = texts(at)
    for text in raw:
        unescaped = re.compile(r"(?<!\\)" + re.escape(text))
        assert not [t for t in shown_texts if unescaped.search(t)], f"{text!r} reached the page as Markdown"
    assert not [t for t in shown_texts if "![" in t or "](http" in t]


@pytest.mark.parametrize(
    ("wanted", "short"),
    [(PIXEL, False), ("x" * 20_000, True), (f"{PIXEL}{'y' * 20_000}", True)],
    ids=["pixel", "long", "pixel-and-long"],
)
def test_when_a_link_names_an_unknown_assessment_then_the_warning_shows_the_id_as_text(
    sample_env: str, wanted: str, short: bool
) -> None:
    at = new_app(assessment=wanted)
    at.run()
    assert not at.exception, at.exception
    [warning] = [w.value for w in at.warning]
    assert plain(wanted, limit=ID_LIMIT) in warning
    assert "![" not in warning and "](" not in warning
    assert len(warning) < 400 and (ELLIPSIS in warning) == short


def test_when_a_title_answer_and_comment_hold_markdown_then_home_assess_and_review_show_them_as_text(
    sample_env: str, sample_hotel: dict[str, Any]
) -> None:
    at = new_app()
    at.run()
    at.text_input(key="new-title").input(EVIL_TITLE)
    at.text_input(key="new-owner").input(EVIL_OWNER)
    at.button(key="new-create").click().run()
    assert not at.exception, at.exception
    aid = str(at.query_params["assessment"])
    s = open_store_for(sample_env)
    view = store.get_assessment(s, aid)
    view = store.save_answers(s, aid, {**sample_hotel, "context.feature": EVIL_ANSWER}, view.version, "ada")
    view = store.submit(s, aid, "ada", view.version)
    store.ensure_user(s, "dan", ["reviewer"], name="Dan")
    store.start_review(s, aid, "dan", view.version)
    store.add_comment(s, aid, "dan", EVIL_COMMENT, question_id="context.feature", verdict="improvable")
    raw = (PIXEL, "**bold**", EVIL_OWNER, ":red[", EVIL_ANSWER, "# Heading", "~~gone~~")

    home = new_app(assessment=aid)  # the author, back on Home
    home.run()
    assert not home.exception, home.exception
    assert [p.label for p in home.get("page_link")] == [
        f"Continue with “{plain(EVIL_TITLE)}”",
        f"**{plain(EVIL_TITLE)}**  \nin review · DPIA required · AI Act: high-risk",  # my assessments
    ]
    assert_nothing_unescaped(home, *raw)

    home.switch_page("views/assess.py").run()  # in review: the author reads the answers
    assert not home.exception, home.exception
    assert home.title[0].value == plain(EVIL_TITLE)
    assert any(f"owner: {plain(EVIL_OWNER)}" in c.value for c in home.caption)
    home.session_state["assess-section"] = "context"
    home.run()
    assert any(m.value.endswith(plain(EVIL_ANSWER)) for m in home.markdown)
    assert_nothing_unescaped(home, *raw)

    review = new_app(user="Dan", role="reviewer", assessment=aid)
    review.run()
    review.switch_page("views/review.py").run()
    assert not review.exception, review.exception
    assert review.title[0].value == f"Review: {plain(EVIL_TITLE)}"
    markdown = [m.value for m in review.markdown]
    assert plain(EVIL_ANSWER) in markdown
    comment = next(m for m in markdown if m.startswith("> "))
    assert plain(EVIL_COMMENT).replace("\n", "\n> ") in comment and comment.count("\n> ") == 3
    assert reads_quote(comment) == ["# Heading", PIXEL, "- item ~~gone~~"]  # as typed, with no indent as code
    assert_nothing_unescaped(review, *raw)


def reads_quote(markdown: str) -> list[str]:
    """The lines of the comment's text as a reader sees them (the quote's own markup removed)."""
    rendered = RENDERER.render(markdown)
    assert "<img" not in rendered and "<h1" not in rendered and "<pre" not in rendered and "<li" not in rendered
    text = re.sub(r"<[^>]+>", "", rendered.replace("<br />", ""))
    lines = [html.unescape(line).replace("\u2060", "").strip() for line in text.splitlines() if line.strip()]
    return [line.removeprefix("~ improvable · ") for line in lines[:3]]
