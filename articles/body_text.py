"""The body as one text for editors, and back into paragraph rows (pure functions, no Django).

The format (also in the admin's help text and docs/operations.md):

- paragraphs are separated by a blank line; lines within a paragraph stay lines of that paragraph;
- a line starting with ``## `` is a crosshead (عنوان فرعي), on a line of its own;
- a paragraph line that itself starts with ``## `` is written ``\\## `` (a backslash first), so typed
  text is never mistaken for a crosshead; a line starting with backslashes then ``## `` gets one
  backslash more, and reading drops one;
- Windows newlines are read as newlines; spaces at line ends and blank lines at the start or end
  are dropped.

``to_text(rows)`` then ``to_rows(text)`` gives the rows back exactly for every body the archive
holds (paragraph lines without trailing spaces, crossheads of one line), and ``to_rows`` then
``to_text`` gives the editor's text back in its normal form.
"""

from __future__ import annotations

import re

PARAGRAPH = "p"
CROSSHEAD = "h"
MARK = "## "

# A line that would read as a crosshead, possibly already escaped: ``## ``, ``\## ``, ``\\## ``...
_MARKED = re.compile(r"^(\\*)## ")

Row = tuple[str, str]  # (kind, text)


def _escape(line: str) -> str:
    return "\\" + line if _MARKED.match(line) else line


def _unescape(line: str) -> str:
    return line[1:] if line.startswith("\\") and _MARKED.match(line) else line


def to_text(rows: list[Row]) -> str:
    """The editor's text for an ordered list of (kind, text) rows."""
    blocks = []
    for kind, text in rows:
        if kind == CROSSHEAD:
            # A crosshead is one line; a stored one with line breaks (never typed) is kept on one line.
            blocks.append(MARK + " ".join(text.split("\n")))
        else:
            blocks.append("\n".join(_escape(line) for line in text.split("\n")))
    return "\n\n".join(blocks)


def to_rows(text: str) -> list[Row]:
    """Rows for the editor's text: blank lines separate paragraphs, ``## `` lines are crossheads."""
    rows: list[Row] = []
    lines: list[str] = []

    def flush() -> None:
        if lines:
            rows.append((PARAGRAPH, "\n".join(lines)))
            lines.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            flush()
        elif line.startswith(MARK) and line[len(MARK) :].strip():
            flush()
            rows.append((CROSSHEAD, line[len(MARK) :]))
        else:
            lines.append(_unescape(line))
    flush()
    return rows
