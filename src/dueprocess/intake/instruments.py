"""Which instruments an authority's own officers may cite.

An officer of the authority (an API token, the portal) cites only its own jurisdiction's
law, the EU's for a Member State, and cross-border or generic instruments ("ZZ": MLAT
requests, the Budapest Convention). Anything else is refused before a demand exists: the
authority can correct it at once. Staff recording a paper or e-mailed demand keep it, with
the ``legal.statute_mismatch`` finding, since the record must show what arrived.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

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
        _("%(instrument)s (%(name)s) is law of %(jurisdiction)s; an authority of %(own)s "
          "cites its own jurisdiction's instruments, EU law in a Member State, or cross-border "
          "ones such as MLAT requests")
        % {"instrument": instrument.id,
           "name": instrument.name,
           "jurisdiction": instrument.jurisdiction,
           "own": authority.jurisdiction.upper()},
        field="instrument")
