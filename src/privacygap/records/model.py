"""The DPO's compliance records as plain data: vendor list, VVT, dialer settings, call script.

Filled by :mod:`privacygap.records.load` from a ``--records FILE`` (docs/records.md) and
read by the checks CRM013–CRM016 and CRM018. Like every model of the house these are
frozen dataclasses without I/O. ``location`` is the key path in the records file
(``vendors[1]``), so a finding can point the DPO at the entry to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

TRANSFER_INSTRUMENTS = ("dpf", "scc", "bcr", "adequacy")
"""Values of ``transfer`` that name an Art. 45–47 instrument; ``none`` and ``""`` do not."""


@dataclass(frozen=True)
class VendorRecord:
    """One entry of the vendor list: a processor or other recipient and its contract papers."""

    name: str
    service: str = ""
    role: str = "processor"  # processor | controller | joint_controller | recipient
    region: str = ""  # "EEA", an ISO 3166 alpha-2 code ("US"), "other" (third country) or "" (not recorded)
    entity: str = ""  # the contracting legal entity, e.g. "HubSpot Ireland Ltd."
    transfer: str = ""  # normalised: dpf | scc | bcr | adequacy | none | "" (not recorded)
    transfer_text: str = ""  # the value as written, for evidence ("Privacy Shield")
    obsolete_transfer: bool = False  # the record names an invalid instrument (EU-US Privacy Shield)
    dpa_signed: str = ""  # ISO date of the Art. 28 contract (AVV), "" when not recorded
    dpa_version: str = ""
    subprocessors: str = ""  # URL or description of the sub-processor list
    location: str = ""

    @property
    def is_processor(self) -> bool:
        """True for processors (the Art. 28 contract duty applies)."""
        return self.role in ("processor", "subprocessor")

    @property
    def has_instrument(self) -> bool:
        """True when a valid transfer instrument is recorded."""
        return self.transfer in TRANSFER_INSTRUMENTS


@dataclass(frozen=True)
class ProcessingRecord:
    """One activity of the records of processing (VVT, Art. 30(1))."""

    name: str
    purposes: tuple[str, ...] = ()
    data_subjects: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # taxonomy keys (checks/taxonomy/categories.yaml)
    recipients: tuple[str, ...] = ()
    transfers: tuple[str, ...] = ()  # ISO country codes, "none" when the record says there are none
    erasure: str = ""
    legal_basis: str = ""
    location: str = ""


@dataclass(frozen=True)
class DialerCampaign:
    """A dialer or telephony campaign and the caller ID it sends."""

    name: str
    purpose: str = ""  # free text; "sales", "Akquise", "support" …
    direction: str = "outbound"  # outbound | inbound
    caller_id: str = ""  # as written ("anonymous", "+49 211 5550", "shown")
    caller_id_suppressed: bool = False
    location: str = ""


@dataclass(frozen=True)
class CallScript:
    """The first-contact call script (text only; read from ``file`` or given inline)."""

    text: str
    file: str = ""  # the script's path as given in the records file, "" for inline text
    name: str = ""
    location: str = "call_script"


@dataclass(frozen=True)
class Records:
    """Everything one records file says.

    ``sections`` names the sections the file contains (``vendors``, ``processing``,
    ``dialer``, ``call_script``). A check only judges a section that is present: a file
    with only a call script says nothing about the vendor list, while ``vendors = []``
    says "we have no vendors".
    """

    path: str = ""
    vendors: tuple[VendorRecord, ...] = ()
    processing: tuple[ProcessingRecord, ...] = ()
    campaigns: tuple[DialerCampaign, ...] = ()
    call_script: CallScript | None = None
    sections: frozenset[str] = frozenset()
    meta: Mapping[str, Any] = field(default_factory=dict)  # [records] name, version, updated

    def has(self, section: str) -> bool:
        """Whether the file contains ``section``."""
        return section in self.sections
