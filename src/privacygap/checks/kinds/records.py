"""Kinds that read the DPO's records (``--records``): call script, dialer, vendor list, VVT.

CRM013 reads the first-contact call script against the phrase catalog
``checks/taxonomy/call-script.yaml``; CRM014 the dialer's caller-ID setting; CRM015 and
CRM016 the vendor list (regions from ``checks/taxonomy/countries.yaml`` and the vendor
catalog); CRM018 the records of processing against the CRM inventory. A section the
records file leaves out is not judged: the DPO may hand in only some documents.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from privacygap import resources, taxonomy
from privacygap.checks.kinds import CheckContext, Hit, kind, localised
from privacygap.checks.kinds.category_gap import holders, stored_evidence
from privacygap.models import Confidence, Evidence
from privacygap.records.model import ProcessingRecord, Records, VendorRecord
from privacygap.records.regions import catalog_region, find_vendor, is_adequate, is_third_country, names_vendor, vendor_region

DEFAULT_SALES = (r"vertrieb|verkauf|sales|akquise|acquisition|werb|advert|marketing|lead|prospect|interessent|"
                 r"neukunde|new business|outbound|cold|termin|appointment|upsell|cross-?sell|angebot|offer")
DEFAULT_CRM_ACTIVITY = (r"\bcrm\b|vertrieb|sales|akquise|acquisition|kundenbeziehung|customer relationship|"
                        r"kundenverwaltung|interessent|prospect|\blead|telefonmarketing|telemarketing|direktwerbung|"
                        r"direct marketing|geschäftspartner|business contacts?")


def record_evidence(records: Records, section: str, entry: str | None, *, field: str | None = None,
                    value: Any = None, missing: str | None = None, location: str | None = None,
                    **extra: Any) -> Evidence:
    """Evidence pointing at an entry of the records file (``kind: record``).

    ``section`` is the records section (vendors, processing, dialer, call_script),
    ``entry`` the entry's name, ``field`` the key concerned, ``value`` what the file
    says there (left out when the key is missing) and ``missing`` what the entry should
    name but does not (a category, a vendor, a script element). Only the file's base name is kept, so
    a shared report does not reveal local folders.
    """
    attrs: dict[str, Any] = {"section": section, "entry": entry or None, "field": field, "value": value,
                             "missing": missing, "location": location, "file": Path(records.path).name or None}
    attrs.update(extra)
    return Evidence("record", attrs)


# ---------------------------------------------------------------------------- CRM013 call script


@functools.cache
def _script_catalog() -> dict[str, Any]:
    return resources.catalog_yaml("checks", "taxonomy/call-script.yaml")["elements"]


@functools.cache
def _script_patterns(element: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.I) for p in _script_catalog()[element]["patterns"])


def script_elements(text: str) -> dict[str, bool]:
    """Which of the catalog's elements (identity, source, objection, notice) the script text contains."""
    flat = " ".join(text.replace("\u00ad", "").split())
    return {element: any(p.search(flat) for p in _script_patterns(element)) for element in _script_catalog()}


@kind("call_script_incomplete")
def call_script_incomplete(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """One hit per Art. 14(3)(b)/21(4) element the first-contact call script does not contain."""
    assert ctx.records is not None
    script = ctx.records.call_script
    if script is None:
        return
    label = script.file or script.name
    shown = f" ({label})" if label else ""
    found = script_elements(script.text)
    for element, present in found.items():
        if present:
            continue
        entry = _script_catalog()[element]
        yield Hit(values={"script": shown, "element": localised(entry["de"], entry["en"])},
                  evidence=(record_evidence(ctx.records, "call_script", label, missing=element,
                                            location=script.location),),
                  key=f"script:{element}")


# ---------------------------------------------------------------------------- CRM014 dialer


@kind("dialer_caller_id_suppressed")
def dialer_caller_id_suppressed(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Hits for outbound sales campaigns that suppress the caller ID (§ 15(2) TDDDG).

    A campaign without a purpose is treated as a sales campaign (a dialer's outbound
    campaigns usually are), with medium confidence.
    """
    assert ctx.records is not None
    sales = re.compile(params.get("sales_purposes", DEFAULT_SALES), re.I)
    for campaign in ctx.records.campaigns:
        if campaign.direction != "outbound" or not campaign.caller_id_suppressed:
            continue
        if campaign.purpose and not sales.search(campaign.purpose):
            continue
        yield Hit(values={"campaign": campaign.name, "caller_id": campaign.caller_id},
                  evidence=(record_evidence(ctx.records, "dialer", campaign.name, field="caller_id",
                                            value=campaign.caller_id, location=campaign.location,
                                            purpose=campaign.purpose or None),),
                  key=f"campaign:{campaign.name.casefold()}",
                  confidence=None if campaign.purpose else Confidence.MEDIUM)


# ---------------------------------------------------------------------------- CRM015 transfers


def _region_words(region: str) -> dict[str, str]:
    if region == "other":
        return localised("in einem Drittland", "a third country")
    return localised(f"im Drittland {region}", f"the third country {region}")


def _into(region: str) -> str:
    """German accusative for "in das Drittland US" (the transfer goes *into* it)."""
    return "ein Drittland" if region == "other" else f"das Drittland {region}"


def _needs_instrument(region: str) -> bool:
    return is_third_country(region) and not is_adequate(region)


def _crm_vendors(ctx: CheckContext) -> tuple[str, ...]:
    return ctx.inventory.crm_vendors if ctx.inventory is not None else ()


@kind("vendor_transfer_without_instrument")
def vendor_transfer_without_instrument(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Hits for vendors outside the EEA (and without an adequacy decision) with no transfer instrument,
    and for a non-EEA CRM of the inventory that the vendor list leaves out."""
    assert ctx.records is not None
    records = ctx.records
    if not records.has("vendors"):
        return
    for vendor in records.vendors:
        region = vendor_region(vendor)
        if not _needs_instrument(region) or vendor.has_instrument:
            continue
        where = _region_words(region)
        base_de = f"Sitz {where['de']} (außerhalb des EWR, ohne Angemessenheitsbeschluss), aber die Dienstleisterliste nennt kein Übermittlungsinstrument (DPF, Standardvertragsklauseln, BCR)"
        base_en = f"based in {where['en']} (outside the EEA, no adequacy decision), but the vendor list records no transfer instrument (DPF, SCCs, BCRs)"
        if vendor.obsolete_transfer:
            base_de += f"; das eingetragene „{vendor.transfer_text}“ ist seit dem Urteil C-311/18 ungültig"
            base_en += f"; the recorded '{vendor.transfer_text}' has been invalid since judgment C-311/18"
        yield Hit(values={"vendor": _vendor_label(vendor), "problem": localised(base_de, base_en)},
                  evidence=(record_evidence(records, "vendors", vendor.name, field="transfer",
                                            value=vendor.transfer_text or None, location=vendor.location,
                                            region=region, region_source=None if vendor.region else "vendor catalog"),),
                  key=f"vendor:{vendor.name.casefold()}")
    for crm in _crm_vendors(ctx):
        region = catalog_region(crm)
        if find_vendor(records, crm) is not None or not _needs_instrument(region):
            continue
        where = _region_words(region)
        yield Hit(values={"vendor": crm, "problem": localised(
                      f"das CRM, aus dem die Exporte stammen, fehlt in der Dienstleisterliste; für die Übermittlung in {_into(region)} ist damit kein Instrument dokumentiert",
                      f"the CRM the exports come from is missing from the vendor list, so no instrument is documented for the transfer to {where['en']}")},
                  evidence=(Evidence("vendor", {"name": crm, "source": "inventory", "region": region}),
                            record_evidence(records, "vendors", None, missing=crm, location="vendors")),
                  key=f"unlisted:{crm.casefold()}")


def _vendor_label(vendor: VendorRecord) -> str:
    return f"{vendor.name} ({vendor.service})" if vendor.service else vendor.name


# ---------------------------------------------------------------------------- CRM016 AVV


@kind("vendor_dpa_missing")
def vendor_dpa_missing(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Hits for processors without an AVV date or version, or without a sub-processor list,
    and for the inventory's CRM when the vendor list leaves it out."""
    assert ctx.records is not None
    records = ctx.records
    if not records.has("vendors"):
        return
    for vendor in records.vendors:
        if not vendor.is_processor:
            continue
        if not (vendor.dpa_signed or vendor.dpa_version):
            yield Hit(values={"vendor": _vendor_label(vendor), "problem": localised(
                          "kein AVV dokumentiert – die Dienstleisterliste nennt für diesen Auftragsverarbeiter weder Datum noch Version des Vertrags nach Art. 28",
                          "no DPA documented – the vendor list records neither the date nor the version of the Art. 28 contract for this processor")},
                      evidence=(record_evidence(records, "vendors", vendor.name, field="dpa_signed/dpa_version",
                                                location=vendor.location),),
                      key=f"dpa:{vendor.name.casefold()}")
        if not vendor.subprocessors:
            yield Hit(values={"vendor": _vendor_label(vendor), "problem": localised(
                          "Unterauftragsverarbeiter unbekannt – die Dienstleisterliste verweist auf keine Liste der Unterauftragsverarbeiter",
                          "sub-processors unknown – the vendor list points to no sub-processor list")},
                      evidence=(record_evidence(records, "vendors", vendor.name, field="subprocessors",
                                                location=vendor.location),),
                      key=f"subprocessors:{vendor.name.casefold()}")
    for crm in _crm_vendors(ctx):
        if find_vendor(records, crm) is not None:
            continue
        yield Hit(values={"vendor": crm, "problem": localised(
                      "das CRM, aus dem die Exporte stammen, fehlt in der Dienstleisterliste; ein AVV ist nicht dokumentiert",
                      "the CRM the exports come from is missing from the vendor list; no DPA is documented")},
                  evidence=(Evidence("vendor", {"name": crm, "source": "inventory"}),
                            record_evidence(records, "vendors", None, missing=crm, location="vendors")),
                  key=f"unlisted:{crm.casefold()}")


# ---------------------------------------------------------------------------- CRM018 VVT


def crm_activities(records: Records, crm_vendors: tuple[str, ...], pattern: str = DEFAULT_CRM_ACTIVITY) -> list[ProcessingRecord]:
    """The VVT entries about the CRM or sales: by name or purpose, or because they name the CRM as recipient."""
    matcher = re.compile(pattern, re.I)
    found = []
    for activity in records.processing:
        text = " ".join([activity.name, *activity.purposes])
        if matcher.search(text) or any(names_vendor(activity.recipients, crm) for crm in crm_vendors):
            found.append(activity)
    return found


@kind("vvt_crm_mismatch")
def vvt_crm_mismatch(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Hits when the VVT lacks the CRM/sales activity, or that activity misses a stored category
    (coverage rule), the CRM vendor as recipient, the CRM vendor's third country, or an erasure period."""
    assert ctx.records is not None and ctx.inventory is not None
    records, inventory = ctx.records, ctx.inventory
    if not records.has("processing"):
        return
    crms = inventory.crm_vendors
    activities = crm_activities(records, crms, params.get("crm_activity", DEFAULT_CRM_ACTIVITY))
    if not activities:
        named_de = f"das CRM {', '.join(crms)}" if crms else "ein CRM"
        named_en = f"the CRM {', '.join(crms)}" if crms else "a CRM"
        yield Hit(values={"problem": localised(
                      f"keine Tätigkeit für Vertrieb oder CRM, obwohl {named_de} genutzt wird",
                      f"no activity for sales or the CRM, although {named_en} is in use")},
                  evidence=(record_evidence(records, "processing", None, location="processing",
                                            entries=", ".join(a.name for a in records.processing) or None),),
                  key="no_crm_activity")
        return
    names = ", ".join(a.name for a in activities)
    first = activities[0]
    declared = [key for a in activities for key in a.categories]
    for category, evidence in sorted(stored_evidence(inventory, params).items()):
        if taxonomy.covering(declared, category):
            continue
        shown = evidence[:5]
        labels = [e.attrs.get("label") or e.attrs.get("name") for e in shown if e.kind == "crm_field"]
        notes = sum(1 for e in evidence if e.kind == "crm_note")
        where = holders(labels, notes)
        yield Hit(category=category,
                  values={"problem": localised(
                      f"„{names}“ nennt die Kategorie „{taxonomy.name(category, 'de')}“ ({category}) nicht, die das CRM speichert ({where['de']})",
                      f"'{names}' does not list the category '{taxonomy.name(category, 'en')}' ({category}) that the CRM stores ({where['en']})")},
                  evidence=(record_evidence(records, "processing", first.name, field="categories",
                                            value=", ".join(declared) or None, missing=category,
                                            location=f"{first.location}.categories"), *shown),
                  key=f"category:{category}")
    recipients = [r for a in activities for r in a.recipients]
    for crm in crms:
        if names_vendor(recipients, crm):
            continue
        yield Hit(values={"problem": localised(f"„{names}“ nennt {crm} nicht als Empfänger",
                                               f"'{names}' does not list {crm} as a recipient")},
                  evidence=(record_evidence(records, "processing", first.name, field="recipients",
                                            value=", ".join(recipients) or None, missing=crm,
                                            location=f"{first.location}.recipients"),),
                  key=f"recipient:{crm.casefold()}")
    transfers = {t for a in activities for t in a.transfers}
    for crm in crms:
        listed = find_vendor(records, crm)
        region = vendor_region(listed) if listed else catalog_region(crm)
        if not is_third_country(region) or region == "other" or region in transfers:
            continue
        yield Hit(values={"problem": localised(
                      f"„{names}“ nennt keine Übermittlung in {_into(region)}, obwohl {crm} dort sitzt",
                      f"'{names}' does not list the transfer to the third country {region}, although {crm} is based there")},
                  evidence=(record_evidence(records, "processing", first.name, field="transfers",
                                            value=", ".join(sorted(transfers)) or None, missing=region,
                                            location=f"{first.location}.transfers"),),
                  key=f"transfer:{region}")
    for activity in activities:
        if activity.erasure:
            continue
        yield Hit(values={"problem": localised(f"„{activity.name}“ nennt keine Löschfrist",
                                               f"'{activity.name}' gives no erasure period")},
                  evidence=(record_evidence(records, "processing", activity.name, field="erasure",
                                            location=activity.location),),
                  key=f"erasure:{activity.name.casefold()}")
