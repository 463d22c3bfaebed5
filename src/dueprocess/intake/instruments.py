"""Which instruments an authority's own officers may cite.

An officer of the authority (an API token, the portal) cites only its own jurisdiction's
law, the EU's for a Member State, and cross-border or generic instruments ("ZZ": MLAT
requests, the Budapest Convention). Anything else is refused before a demand exists: the
authority can correct it at once. Staff recording a paper or e-mailed demand keep it, with
the ``legal.statute_mismatch`` finding, since the record must show what arrived.
"""

from __future__ import annotations

from dueprocess.demands.models import Authority
from dueprocess.errors import ForeignInstrument
from dueprocess.law import default_library
from dueprocess.law.regions import foreign_law
from dueprocess.law.schema import Instrument


def may_cite(authority: Authority, instrument: Instrument) -> bool:
    return not foreign_law(instrument.jurisdiction, authority.jurisdiction)


def refuse_foreign_instrument(authority: Authority, instrument_id: str) -> None:
    """Raise :class:`ForeignInstrument` if the library's instrument is another legal
    system's; an id the library does not know is left to vetting (``unknown_instrument``)."""
    instrument = default_library().get(instrument_id)
    if instrument is None or may_cite(authority, instrument):
        return
    raise ForeignInstrument(
        f"{instrument.id} ({instrument.name}) is law of {instrument.jurisdiction}; an "
        f"authority of {authority.jurisdiction.upper()} cites its own jurisdiction's "
        f"instruments, EU law in a Member State, or cross-border ones such as MLAT requests",
        field="instrument")
