"""Every word a page shows is marked for translation.

The ``<html lang>`` rule (``web/context.py``) declares a page German or Traditional Chinese
once the interface is translated; a sentence left unmarked in a template would then be
English text announced as German. This test reads each HTML template as Django lexes it,
drops what is marked (``{% translate %}``, ``{% blocktranslate %}…{% endblocktranslate %}``)
and what is data (``{{ … }}``), and fails on any visible word or labelling attribute left.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

SOURCE = Path(__file__).resolve().parents[2] / "src" / "dueprocess"
TEMPLATES = sorted(p for p in SOURCE.glob("*/templates/**/*.html"))

#: Attributes a person reads or hears.
LABELS = {"title", "aria-label", "placeholder", "alt", "aria-description"}
#: Words that are the same in every language: the product's name and codes of the trade.
SAME_EVERYWHERE = {"dueprocess"}
#: A word a translator must see: two lowercase letters in a row (acronyms like DSA, CSV, 2FA
#: and numbers stay as they are).
WORD = re.compile(r"[a-z]{2,}")
HOLE = "\uFFFC"


def _unmarked_source(path: Path) -> str:
    """The template with marked text and template code replaced by a placeholder."""
    parts: list[str] = []
    depth = 0
    skipping_comment = False
    in_class_block = False  # {% block main_class %}page wide{% endblock %}: CSS classes
    for token in Lexer(path.read_text(encoding="utf-8")).tokenize():
        if token.token_type is TokenType.BLOCK:
            words = token.contents.split()
            name = words[0] if words else ""
            if name == "comment":
                skipping_comment = True
            elif name == "endcomment":
                skipping_comment = False
            elif name == "block":
                in_class_block = len(words) > 1 and words[1].endswith("_class")
            elif name == "endblock":
                in_class_block = False
            elif name in {"blocktranslate", "blocktrans"}:
                depth += 1
            elif name in {"endblocktranslate", "endblocktrans"}:
                depth -= 1
            parts.append(HOLE)
        elif (token.token_type is TokenType.TEXT and not depth and not skipping_comment
              and not in_class_block):
            parts.append(token.contents)
        else:
            parts.append(HOLE)
    return "".join(parts)


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        values = dict(attrs)
        for name, value in attrs:
            shown = name in LABELS or (
                name == "value" and tag == "input"
                and values.get("type") in {"submit", "button", "reset"})
            if shown and value:
                self._note(f'{tag}[{name}]="{value}"', value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._note(" ".join(data.replace(HOLE, " ").split()), data)

    def _note(self, shown: str, text: str) -> None:
        words = [w for w in WORD.findall(text.replace(HOLE, " ")) if w not in SAME_EVERYWHERE]
        if words:
            self.found.append(shown)


def unmarked_text(path: Path) -> list[str]:
    parser = _Visible()
    parser.feed(_unmarked_source(path))
    parser.close()
    return parser.found


def test_the_check_sees_text_and_labels(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}{% block main_class %}page wide{% endblock %}'
        '<h1>{% translate "Queue" %}</h1><p>Due {{ when }}</p>'
        '<input placeholder="Search" aria-label="{% translate "Search" %}">'
        "{% blocktranslate %}Marked {{ n }} times{% endblocktranslate %}"
        "<span>dueprocess · DSA</span><script>let shown = false;</script>",
        encoding="utf-8")
    assert unmarked_text(page) == ["Due", 'input[placeholder]="Search"']


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_every_visible_word_is_marked_for_translation(path: Path) -> None:
    assert unmarked_text(path) == []
