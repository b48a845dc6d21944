"""Kinds over the CRM's contact rules: phone advertising consent (CRM010), e-mail sequences without
consent (CRM011) and objections that cannot be honoured (CRM012).

privacygap sees the CRM's field inventory (what its data model can hold), never record values. So
these kinds prove what the schema proves: the CRM can store calls but has no field that could hold
a phone-advertising consent; it enrolls contacts in sequences but has nowhere to record an e-mail
consent; it stores e-mail addresses but has no opt-out flag. Whether single records are handled
correctly is beyond a field inventory; the check docs say so.

The vocabulary lives in ``checks/taxonomy/crm-contact-rules.yaml`` (its header explains matching).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from privacygap import resources
from privacygap.checks.kinds import CheckContext, Hit, kind, localised
from privacygap.checks.kinds.category_gap import field_evidence, note_evidence, notes_phrase
from privacygap.models import Confidence, CrmField, Inventory, Severity

RULES_FILE = "taxonomy/crm-contact-rules.yaml"
MAX_RUN = 6  # longest phrase, in words, that a name or label is searched for
PRIVACY_PREFERENCES = "user.privacy_preferences"
PHONE = "user.contact.phone_number"
EMAIL = "user.contact.email"


def _tokens(text: str, *, name: bool = False) -> tuple[str, ...]:
    """Words of a field name or label, split exactly as the field classifier splits them."""
    from privacygap.inventory.classify import tokenizer

    if not text:
        return ()
    return tokenizer().name_tokens(text) if name else tokenizer().text_tokens(text)


@dataclass(frozen=True)
class _Text:
    """One name or label as the matcher sees it: its words and every run of them squashed together."""

    words: tuple[str, ...]
    runs: frozenset[str]
    whole: str


def _text(words: tuple[str, ...]) -> _Text:
    runs = {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(len(words), i + MAX_RUN) + 1)}
    return _Text(words, frozenset(runs), "".join(words))


@dataclass(frozen=True)
class Phrases:
    """A YAML phrase list, compiled: squashed word runs, and wildcard patterns for single words."""

    runs: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, texts: Sequence[_Text]) -> bool:
        """Whether any phrase occurs in any of the texts (a name, a label, a picklist value)."""
        for text in texts:
            if self.runs & text.runs:
                return True
            for pattern in self.patterns:
                # A compound the tokenizer left whole, or a name it split: try the words and the whole.
                if pattern.fullmatch(text.whole) or any(pattern.fullmatch(w) for w in text.words):
                    return True
        return False


def _compile(entries: Iterable[str] | None) -> Phrases:
    runs: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for entry in entries or ():
        entry = str(entry)
        if "*" in entry:
            core = "".join(_tokens(entry.replace("*", " ")))
            head = ".*" if entry.startswith("*") else ""
            tail = ".*" if entry.endswith("*") else ""
            patterns.append(re.compile(head + re.escape(core) + tail))
        else:
            squashed = "".join(_tokens(entry))
            if squashed:
                runs.add(squashed)
    return Phrases(frozenset(runs), tuple(patterns))


@dataclass(frozen=True)
class Rules:
    """The compiled ``crm-contact-rules.yaml``."""

    email: Phrases
    phone: Phrases
    other_channel: Phrases
    objection: Phrases
    objection_unless: Phrases
    objection_options: Phrases
    objection_objects: Phrases
    consent: Phrases
    consent_unless: Phrases
    phone_consent: Phrases
    email_consent: Phrases
    proof: Phrases
    date_types: frozenset[str]
    call_objects: Phrases
    call_fields: Phrases
    call_option_fields: Phrases
    call_options: Phrases
    call_categories: frozenset[str]
    call_unless: Phrases
    b2b_objects: Phrases
    b2b_fields: Phrases
    b2b_categories: frozenset[str]
    b2b_unless: Phrases
    consumer: Phrases
    consumer_options: Phrases
    presumed_reason: Phrases
    sequences: Phrases
    sequences_unless: Phrases


@functools.cache
def rules() -> Rules:
    """Read and compile ``checks/taxonomy/crm-contact-rules.yaml`` once."""
    doc = resources.catalog_yaml("checks", RULES_FILE)
    channels, objection, consent = doc["channels"], doc["objection"], doc["consent"]
    calls, b2b, consumer, sequences = doc["calls"], doc["b2b"], doc["consumer"], doc["sequences"]
    return Rules(
        email=_compile(channels["email"]), phone=_compile(channels["phone"]), other_channel=_compile(channels["other"]),
        objection=_compile(objection["phrases"]), objection_unless=_compile(objection.get("unless")),
        objection_options=_compile(objection.get("options")),
        objection_objects=_compile(objection.get("objects")),
        consent=_compile(consent["phrases"]), consent_unless=_compile(consent.get("unless")),
        phone_consent=_compile(consent.get("phone_standalone")), email_consent=_compile(consent.get("email_standalone")),
        proof=_compile(consent["proof"]), date_types=frozenset(t.lower() for t in consent.get("date_types") or ()),
        call_objects=_compile(calls["objects"]), call_fields=_compile(calls["fields"]),
        call_option_fields=_compile(calls.get("option_fields")), call_options=_compile(calls.get("options")),
        call_categories=frozenset(calls.get("categories") or ()), call_unless=_compile(calls.get("unless")),
        b2b_objects=_compile(b2b["objects"]), b2b_fields=_compile(b2b["fields"]),
        b2b_categories=frozenset(b2b.get("categories") or ()), b2b_unless=_compile(b2b.get("unless")),
        consumer=_compile(consumer["phrases"]), consumer_options=_compile(consumer.get("options")),
        presumed_reason=_compile(doc["presumed_consent_reason"]),
        sequences=_compile(sequences["phrases"]), sequences_unless=_compile(sequences.get("unless")))


@functools.lru_cache(maxsize=65536)
def _field_texts(name: str, label: str) -> tuple[_Text, ...]:
    # Name and label separately: a phrase must not run from the end of the name into the label.
    texts = [_text(_tokens(name, name=True))]
    if label and label != name:
        texts.append(_text(_tokens(label)))
    return tuple(t for t in texts if t.words)


@functools.lru_cache(maxsize=4096)
def _object_texts(name: str) -> tuple[_Text, ...]:
    text = _text(_tokens(name))
    return (text,) if text.words else ()


@functools.lru_cache(maxsize=65536)
def _option_texts(options: tuple[str, ...]) -> tuple[_Text, ...]:
    return tuple(t for t in (_text(_tokens(o)) for o in options) if t.words)


def _texts(field: CrmField) -> tuple[_Text, ...]:
    return _field_texts(field.name, field.label)


def _fields(fields: Iterable[CrmField]) -> str:
    """Field labels (or names) for a message, at most five."""
    names = list(dict.fromkeys(f.label or f.name for f in fields))
    return ", ".join(names[:5]) + (" …" if len(names) > 5 else "")


# ---------------------------------------------------------------- what a field is


def channel(field: CrmField) -> str:
    """The channel a consent or objection field is about: ``email``, ``phone``, ``other`` or ``any``.

    A field naming both e-mail and phone ("Do not contact by phone or e-mail") counts as ``any``.
    """
    r, texts = rules(), _texts(field)
    if r.objection_objects.matches(_object_texts(field.object)):
        return "email"  # subscription preferences are e-mail subscriptions
    email, phone = r.email.matches(texts), r.phone.matches(texts)
    if email and phone:
        return "any"
    if email:
        return "email"
    if phone:
        return "phone"
    return "other" if r.other_channel.matches(texts) else "any"


def is_objection(field: CrmField) -> bool:
    """A do-not-contact, opt-out, unsubscribe or objection flag (or a status field that can say so)."""
    r, texts = rules(), _texts(field)
    if r.objection_unless.matches(texts):
        return False
    if r.objection.matches(texts) or r.objection_objects.matches(_object_texts(field.object)):
        return True
    # A subscription or marketing status whose values include "unsubscribed" records objections too.
    return bool(field.picklist) and r.objection_options.matches(_option_texts(field.picklist))


def is_consent(field: CrmField) -> bool:
    """A field that records a consent (opt-in, DOI, Einwilligung, subscription status, legal basis)."""
    r, texts = rules(), _texts(field)
    if r.consent_unless.matches(texts):
        return False
    return r.consent.matches(texts) or r.phone_consent.matches(texts) or r.email_consent.matches(texts)


def is_phone_consent(field: CrmField) -> bool:
    """A consent field about telephone advertising (a general marketing consent is not one)."""
    r = rules()
    if not is_consent(field):
        return False
    return r.phone_consent.matches(_texts(field)) or channel(field) == "phone"


def is_email_consent(field: CrmField) -> bool:
    """A consent field about e-mail marketing, or a general marketing consent without a channel.

    A general consent counts here but not for phone calls: e-mail is the channel CRMs mean by a bare
    "opt-in", while § 7a UWG asks for proof that the consent covered calls.
    """
    if not is_consent(field):
        return False
    return rules().email_consent.matches(_texts(field)) or channel(field) in ("email", "any")


def is_consent_proof(field: CrmField) -> bool:
    """A consent field that holds its proof: a date or time, a source or channel, a wording or version."""
    r = rules()
    if not is_consent(field):
        return False
    return field.type.lower().split("/")[0] in r.date_types or r.proof.matches(_texts(field))


def is_call_field(field: CrmField) -> bool:
    """A field that shows the CRM stores calls (call activity fields, recordings, a call activity type)."""
    r, texts = rules(), _texts(field)
    if field.category == PRIVACY_PREFERENCES or r.call_unless.matches(texts) or is_objection(field):
        return False
    if field.category in r.call_categories or r.call_fields.matches(texts):
        return True
    return bool(field.picklist) and r.call_option_fields.matches(texts) and \
        r.call_options.matches(_option_texts(field.picklist))


def is_sequence_field(field: CrmField) -> bool:
    """A field about enrollment in a sequence, cadence, nurture track or e-mail automation."""
    r, texts = rules(), _texts(field)
    return not r.sequences_unless.matches(texts) and r.sequences.matches(texts)


# ---------------------------------------------------------------- what the inventory shows


def call_evidence(inventory: Inventory) -> list[CrmField]:
    """Fields that show stored calls: every field of a call object, then call fields elsewhere."""
    r = rules()
    on_call_objects = [f for f in inventory.fields if r.call_objects.matches(_object_texts(f.object))]
    # One field per call object is enough evidence for the object; call fields elsewhere each count.
    first: dict[str, CrmField] = {}
    for field in on_call_objects:
        first.setdefault(field.object, field)
    others = [f for f in inventory.fields if f.object not in first and is_call_field(f)]
    return list(first.values()) + others


def business_contacts(inventory: Inventory) -> tuple[bool, bool]:
    """(company data present, consumer marker present) in the field inventory."""
    r = rules()
    company = False
    consumer = False
    for field in inventory.fields:
        texts = _texts(field)
        if r.consumer.matches(texts) or (field.picklist and r.consumer_options.matches(_option_texts(field.picklist))):
            consumer = True
        if company:
            continue
        if r.b2b_objects.matches(_object_texts(field.object)):
            company = True
        elif not r.b2b_unless.matches(texts) and (field.category in r.b2b_categories or r.b2b_fields.matches(texts)):
            company = True
    return company, consumer


# ---------------------------------------------------------------- CRM010


@kind("phone_consent_undocumented")
def phone_consent_undocumented(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Calls and phone numbers in the CRM, but no documented consent for telephone advertising (CRM010).

    Consumers plausible (a consumer marker, or no company data at all): no phone-consent field is
    critical; a consent flag with no proof field (date, source, wording) is high (§ 7a UWG).
    Clearly B2B (company data, no consumer marker): no consent field and no field for the reason
    of the presumed consent is medium. Works on the field inventory, not on single records.
    """
    assert ctx.inventory is not None
    inventory = ctx.inventory
    calls = call_evidence(inventory)
    phones = [f for f in inventory.fields if f.category == PHONE]
    if not calls or not phones:
        return
    consents = [f for f in inventory.fields if is_phone_consent(f)]
    # An e-mail opt-in date proves nothing about calls; a phone or channel-neutral one does.
    proofs = [f for f in inventory.fields if is_consent_proof(f) and channel(f) in ("phone", "any")]
    company, consumer = business_contacts(inventory)
    b2b = company and not consumer
    evidence = tuple(field_evidence(f) for f in calls[:3]) + tuple(field_evidence(f) for f in phones[:2])
    # A call object is named as the object, other call fields by their label.
    shown = list(dict.fromkeys(f.object if rules().call_objects.matches(_object_texts(f.object)) else f.label or f.name
                               for f in calls))
    values = {"calls": ", ".join(shown[:5]) + (" …" if len(shown) > 5 else "")}
    if b2b:
        # Businesses may be called on presumed consent; then the CRM must hold the reason for it.
        if consents:
            return
        reasons = [f for f in inventory.fields if rules().presumed_reason.matches(_texts(f))]
        if reasons:
            return
        yield Hit(values={**values, "problem": localised(
            "keine Einwilligung und kein Feld, das den Grund für die mutmaßliche Einwilligung der angerufenen "
            "Unternehmen festhält (z. B. Anfrage, bestehende Geschäftsbeziehung, konkreter Bedarf)",
            "no consent and no field that records why the called businesses are presumed to agree (an enquiry, an "
            "existing business relationship, a concrete need)")},
            evidence=evidence, key="b2b-no-reason", severity=Severity.MEDIUM)
        return
    audience = localised("Verbraucher sind unter den Kontakten", "consumers are among the contacts") if consumer else \
        localised("es gibt keine Firmendaten, Verbraucher sind also nicht ausgeschlossen",
                  "there is no company data, so consumers cannot be ruled out")
    # Consumers inferred only from missing company data (a calls-only export, say) is a weaker
    # reason than a consumer marker: same severity, lower confidence.
    inferred = None if consumer else Confidence.LOW
    if not consents:
        yield Hit(values={**values, "problem": localised(
            f"kein Feld dokumentiert eine Einwilligung in Telefonwerbung samt Nachweis; {audience['de']}",
            f"no field documents a consent to telephone advertising with its proof; {audience['en']}")},
            evidence=evidence, key="consumer-no-consent", severity=Severity.CRITICAL, confidence=inferred)
        return
    if not proofs:
        yield Hit(values={**values, "problem": localised(
            f"zur Einwilligung ({_fields(consents)}) gibt es kein Feld für den Nachweis (Zeitpunkt, Quelle, "
            f"Text oder Version), den § 7a UWG fünf Jahre lang verlangt; {audience['de']}",
            f"the consent ({_fields(consents)}) has no field for its proof (time, source, wording or version) "
            f"that § 7a UWG requires for five years; {audience['en']}")},
            evidence=tuple(field_evidence(f) for f in consents[:3]) + evidence, key="consent-without-proof",
            severity=Severity.HIGH, confidence=inferred)


# ---------------------------------------------------------------- CRM011


@kind("sequence_without_consent")
def sequence_without_consent(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Sequence, cadence or automation enrollment fields but no e-mail-marketing consent field (CRM011)."""
    assert ctx.inventory is not None
    sequences = [f for f in ctx.inventory.fields if is_sequence_field(f)]
    if not sequences:
        return
    if any(is_email_consent(f) for f in ctx.inventory.fields):
        return
    yield Hit(values={"fields": _fields(sequences), "count": len(sequences)},
              evidence=tuple(field_evidence(f) for f in sequences[:5]), key="sequences")


# ---------------------------------------------------------------- CRM012

CHANNELS = {
    "email": (EMAIL, localised("E-Mail-Adressen", "e-mail addresses"), localised("E-Mail-Werbung", "e-mail marketing")),
    "phone": (PHONE, localised("Telefonnummern", "phone numbers"), localised("Werbeanrufe", "sales calls")),
}


@kind("objection_not_recordable")
def objection_not_recordable(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Contact channels without a do-not-contact/opt-out field, and objections kept only in notes (CRM012).

    One hit per channel (e-mail, phone) whose addresses or numbers are stored while no field can
    record an objection for it; a channel-neutral flag ("Do Not Contact", "Werbewiderspruch") covers
    both. Notes that state an objection give one more hit: high where no objection field exists at
    all, medium with low confidence where one exists (the flag may not have been set).
    """
    assert ctx.inventory is not None
    inventory = ctx.inventory
    objections = [f for f in inventory.fields if is_objection(f)]
    covered = {channel(f) for f in objections}
    for name, (category, data, what) in CHANNELS.items():
        stored = [f for f in inventory.fields if f.category == category]
        if not stored or name in covered or "any" in covered:
            continue
        shown = _fields(stored)
        yield Hit(category=category, values={"problem": localised(
            f"das CRM speichert {data['de']} ({shown}), aber kein Feld kann einen Widerspruch gegen {what['de']} "
            "festhalten (Sperrvermerk, Abmeldung)",
            f"the CRM stores {data['en']} ({shown}) but has no field that can record an objection to {what['en']} "
            "(do-not-contact flag, unsubscribe)")},
            evidence=tuple(field_evidence(f) for f in stored[:5]), key=name)
    notes = [n for n in inventory.notes if "objection" in n.kinds]
    if not notes:
        return
    count = notes_phrase(len(notes))
    evidence = tuple(note_evidence(n) for n in notes[:10])
    if objections:
        # A flag exists, but the note shows the objection arrived as free text: was the flag set?
        yield Hit(values={"problem": localised(
            f"Widersprüche stehen im Freitext ({count['de']}); ob die Sperrfelder ({_fields(objections)}) "
            "gesetzt wurden, muss jemand prüfen",
            f"objections are recorded in free text ({count['en']}); someone has to check that the do-not-contact "
            f"flags ({_fields(objections)}) were set")},
            evidence=evidence, key="notes-flag-unchecked", severity=Severity.MEDIUM, confidence=Confidence.LOW)
    else:
        yield Hit(values={"problem": localised(
            f"Widersprüche stehen nur im Freitext ({count['de']}); es gibt kein Sperrfeld, das Vertrieb und "
            "Marketing beachten könnten",
            f"objections are recorded only in free text ({count['en']}); there is no do-not-contact flag that sales "
            "and marketing tools could honour")},
            evidence=evidence, key="notes-only")
