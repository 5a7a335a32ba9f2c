"""Text from people, the database, the URL and uploaded files, shown as written and never read as Markdown.

Streamlit reads Markdown in nearly every element: ``st.markdown``, ``st.caption``, ``st.info`` and the other
boxes, titles and headers, expander, tab, button and page-link labels, widget labels and radio options. A title
like ``![x](https://tracker.example/p.png)`` would make every reader's browser load an outside image. So
anything a person typed, a stored answer, an id from the URL, a file name or a text read from an uploaded file
goes through :func:`plain` (or :func:`code`) before it reaches one of them. The questionnaires' own texts
(questions, help, rule explanations, references) are trusted Markdown and do not.

Select boxes, multiselects, text inputs, ``st.table`` and ``st.dataframe`` show their values as text: they need
no escaping (a backslash would show there).
"""

from __future__ import annotations

import re

ID_LIMIT = 80  # an assessment id named in a message (ids are 36 characters; a URL may carry anything)
ELLIPSIS = "…"
# Every character that starts Markdown here: links and images, emphasis, code, HTML, entities (&amp;), tables,
# lists, headings (# and === underlines), quotes, strikethrough, LaTeX ($), Streamlit's directives (:red[...]).
# An escaped one is always shown as itself (CommonMark allows a backslash before any ASCII punctuation);
# commas, apostrophes, quotes and slashes mean nothing on their own, so they stay as they are.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=])")
# Emoji and icon shortcodes (:smile:, :material/home:) are replaced after the escapes are read, so a backslash
# does not stop them; an invisible word joiner after the first colon does. A shortcode names a letter, except
# :+1:, :-1:, :100: and :1234:; times and ratios such as 10:30:45 are left alone, so they copy as written.
_SHORTCODE = re.compile(r":(?=(?:[\w+/-]*[^\W\d_][\w+/-]*|[+-]1|100|1234):)")
_WORD_JOINER = "\u2060"
_HARD_BREAK = "  \n"


def plain(text: object, limit: int | None = None) -> str:
    """``text`` as Markdown that shows exactly these characters, for any Markdown-rendering element.

    Letters, digits, spaces, commas, apostrophes and slashes are unchanged; every character that could start
    Markdown is backslash-escaped; each line loses its leading and trailing whitespace (an indent would make a
    code block, two trailing spaces a line break) and lines are joined with hard line breaks, so a comment
    keeps its lines.

    Args:
        text: anything; shown as ``str(text)``.
        limit: at most this many characters of the text are kept (the last one an ellipsis), before escaping.

    Returns:
        Markdown text; ``plain("Mood cameras (v2)")`` is ``"Mood cameras \\(v2\\)"``, read as the title itself.
    """
    value = "\n".join(line.strip() for line in str(text).splitlines()).strip()
    if limit is not None and len(value) > limit:
        value = value[: max(limit - 1, 0)].rstrip() + ELLIPSIS
    value = _MARKDOWN.sub(r"\\\1", _SHORTCODE.sub(":" + _WORD_JOINER, value))
    return value.replace("\n", _HARD_BREAK)


def code(text: object) -> str:
    """``text`` on one line as an inline code span (monospace, nothing inside read as Markdown).

    The fence is one backtick longer than the longest run of backticks inside, so the text cannot close it.
    """
    value = " ".join(str(text).splitlines())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", value)), default=0) + 1)
    pad = " " if value[:1] in ("`", " ") or value[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{value}{pad}{fence}" if value.strip() else ""
