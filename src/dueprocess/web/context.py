"""Template context shared by every page of the consoles and the portal."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation

#: The skip link's text and its message context. Its translation in the active language is
#: the sign that the interface (not only the letters) is translated into it; until then pages
#: stay English. The context keeps Django's own admin translation of the phrase out.
SKIP_LINK = "Skip to main content"
INTERFACE = "dueprocess interface"


def interface_language() -> str:
    """The language the interface is actually shown in, for ``<html lang>``.

    A user's language can be German while the templates only exist in English; declaring
    ``de`` then makes screen readers pronounce English text as German (WCAG 3.1.1)."""
    active = translation.get_language() or "en"
    if active.split("-")[0] == "en":
        return "en"
    if translation.pgettext(INTERFACE, SKIP_LINK) != SKIP_LINK:
        return active
    return "en"


def page_language(request: HttpRequest) -> dict[str, str]:
    return {"PAGE_LANG": interface_language()}
