"""The law library: instruments and offences as validated, versioned data.

Pure: no Django, no I/O other than reading the bundled YAML files.
"""

from __future__ import annotations

from dueprocess.law.deadlines import preservation_expiry, response_deadline
from dueprocess.law.loader import LawLibraryError, Library, default_library, load_library
from dueprocess.law.schema import (
    ANY_JURISDICTION,
    Deadlines,
    Instrument,
    Notice,
    Offence,
)

__all__ = [
    "ANY_JURISDICTION",
    "Deadlines",
    "Instrument",
    "LawLibraryError",
    "Library",
    "Notice",
    "Offence",
    "default_library",
    "load_library",
    "preservation_expiry",
    "response_deadline",
]
