"""Compile the translation catalogues (.po -> .mo) with Babel, no GNU gettext needed.

``python -m dueprocess.notices.catalogs`` rewrites every ``.mo`` beside its ``.po`` under
the apps that carry translations; ``--check`` only reports catalogues whose ``.mo`` is
missing or out of date (the test suite runs the check). Extraction stays Django's
``makemessages`` (it knows the template syntax); translators edit the ``.po`` files.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parent.parent
APPS = ("accounts", "demands", "execution", "intake", "notices", "review", "sanctions",
        "transparency", "web")


def catalogues() -> list[Path]:
    return sorted(p for app in APPS for p in (PACKAGE / app / "locale").glob("*/LC_MESSAGES/*.po"))


def compiled(po: Path) -> bytes:
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=po.parent.parent.name)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    if untranslated:
        raise ValueError(f"{po}: {len(untranslated)} untranslated message(s), e.g. "
                         f"{untranslated[0]!r}")
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def stale() -> list[Path]:
    return [po for po in catalogues()
            if not po.with_suffix(".mo").exists()
            or po.with_suffix(".mo").read_bytes() != compiled(po)]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        out_of_date = stale()
        for po in out_of_date:
            print(f"out of date: {po.with_suffix('.mo')}")
        return 1 if out_of_date else 0
    for po in catalogues():
        po.with_suffix(".mo").write_bytes(compiled(po))
        print(f"compiled {po.with_suffix('.mo')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
