"""Classify CRM fields into taxonomy categories from their metadata (never their values).

Order of evidence, strongest first:

1. a category the export already carries (Fides ``data_categories``) — kept as given;
2. vendor sensitivity flags (HubSpot ``sensitiveDataCategories``/``dataSensitivity``,
   Salesforce ``complianceGroup``, Zoho ``hipaa_compliance``, EspoCRM ``isPersonalData``,
   SugarCRM ``pii``) — they decide special categories and raise confidence;
3. the per-CRM dictionary of standard fields (``standard_fields`` in the rules file);
4. ordered phrase rules over the tokenised name and label (camelCase, snake_case, ``__c``,
   run-together names such as ``familystatuscode``, German compounds), then description and
   help text, then picklist options; negative rules (opt-out flags, ``mailing_street``,
   record status …) come before the rules they protect against, because the first
   matching rule wins;
5. a free-text type (textarea, Memo, html …) with no other evidence → notes.

The rules are data: ``checks/taxonomy/crm-fields.yaml``.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from privacygap import resources, taxonomy
from privacygap.models import Confidence, CrmField

RULES_FILE = "taxonomy/crm-fields.yaml"
NOTES = "user.content.notes"
CONTENT_FREE_TEXT = {"user.content.notes", "user.content.communications"}
MAX_NGRAM = 4
# Pieces of three letters or fewer that may come out of splitting a run-together name; other
# short vocabulary words ("rep", "lat", "ort") would cut real words apart ("report" → rep|ort).
SHORT_WORDS = frozenset("do not of by me on and is in for to at the has id up no new old ip job dob zip tax vat age "
                        "fax sex utm url org sla day end due won num ups utc box po pk uid key fit mql sql cql pql hot "
                        "sic ivr tag bic dnc cc bcc ext ehe mit kind art hs pi via web cu es".split())


@dataclass(frozen=True)
class Rule:
    """One phrase rule of the rules file."""

    id: str
    category: str | None  # None: the rule says "not personal data" (a negative rule)
    phrases: tuple[str, ...]
    reason: str = ""
    types: frozenset[str] = frozenset()
    not_types: frozenset[str] = frozenset()
    objects: frozenset[str] = frozenset()
    not_objects: frozenset[str] = frozenset()
    unless: tuple[str, ...] = ()
    description: bool = False  # may also fire on description/help text
    names_only: bool = False  # only on the field's name, not its label
    exact: bool = False  # the phrase must be the whole name or label, not a part of it
    confidence: Confidence = Confidence.HIGH


@dataclass(frozen=True)
class Ruleset:
    """The compiled rules file."""

    rules: tuple[Rule, ...]
    index: dict[str, tuple[int, ...]]
    option_rules: tuple[tuple[str, str, str], ...]  # (phrase, category, reason)
    source_options: tuple[str, ...]
    standard: dict[str, dict[str, str]]
    vocabulary: frozenset[str]
    vendor_special: dict[str, str]
    free_text_types: frozenset[str]
    reference_types: frozenset[str] = frozenset()


def _category(value: Any) -> str | None:
    if value in (None, "none", "NONE"):
        return None
    if value == "system":
        return "system.operations"
    return str(value)


_SPLIT = re.compile(r"[^0-9A-Za-zÄÖÜäöüß]+")
_CAMEL = re.compile(r"[A-ZÄÖÜ]+(?=[A-ZÄÖÜ][a-zäöüß])|[A-ZÄÖÜ]?[a-zäöüß]+|[A-ZÄÖÜ]+|\d+")
_HASH = re.compile(r"^(?:[0-9a-f]{32,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:_\w+)?$")
_UMLAUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _raw_words(text: str) -> list[str]:
    words: list[str] = []
    for chunk in _SPLIT.split(text):
        if not chunk:
            continue
        pieces = _CAMEL.findall(chunk)
        merged: list[str] = []
        for piece in pieces:
            # "EMailAddress" splits into E|Mail|Address: glue a lone capital to the next word.
            if merged and len(merged[-1]) == 1 and merged[-1].isupper() and piece[:1].isupper():
                merged[-1] += piece
            else:
                merged.append(piece)
        words += [w.lower().translate(_UMLAUT) for w in merged if not w.isdigit()]
    return words


class Tokenizer:
    """Splits names and labels into words; segments run-together words with the rules' vocabulary."""

    def __init__(self, vocabulary: frozenset[str]) -> None:
        self.vocabulary = vocabulary
        self._longest = max((len(w) for w in vocabulary), default=1)
        self.segment = functools.lru_cache(maxsize=65536)(self._segment)
        self.name_tokens = functools.lru_cache(maxsize=65536)(self._name_tokens)
        self.text_tokens = functools.lru_cache(maxsize=65536)(self._text_tokens)

    def _segment(self, word: str) -> tuple[str, ...]:
        if word in self.vocabulary or len(word) < 5:
            return (word,)
        if len(word) < 8:
            # Short words are mostly real words ("report", "island"); only "<known>id" is split.
            if word.endswith("id") and word[:-2] in self.vocabulary:
                return (word[:-2], "id")
            return (word,)
        n = len(word)
        # best[i] = (cost, pieces) for word[:i]; a vocabulary word costs 1, a short unknown rest 3.
        best: list[tuple[float, tuple[str, ...]] | None] = [None] * (n + 1)
        best[0] = (0, ())
        for i in range(n):
            if best[i] is None:
                continue
            cost, pieces = best[i]
            for j in range(i + 2, min(n, i + self._longest) + 1):
                piece = word[i:j]
                if piece in self.vocabulary and (len(piece) > 3 or piece in SHORT_WORDS):
                    step = 1
                elif piece.endswith("s") and piece[:-1] in self.vocabulary and len(piece) > 4:
                    step = 1.1  # German linking -s: "geburts|datum", "lieblings|verein"
                    piece = piece[:-1]
                elif j - i <= 2 and j == n and len(pieces) >= 2:
                    step = 3  # a short unknown tail after known words: "donotsendmm" → do|not|send|mm
                else:
                    continue
                candidate = (cost + step, pieces + (piece,))
                if best[j] is None or candidate[0] < best[j][0]:
                    best[j] = candidate
        result = best[n]
        if result is None or result[0] >= 3 * len(result[1]):
            return (word,)
        return result[1]

    def _expand(self, words: Iterable[str]) -> tuple[str, ...]:
        out: list[str] = []
        for word in words:
            out += self.segment(word)
        return tuple(out)

    def _name_tokens(self, name: str) -> tuple[str, ...]:
        if _HASH.match(name.lower()):
            return ()  # Pipedrive custom-field keys and ids say nothing
        text = re.sub(r"^[A-Za-z0-9]+__(?=\w+__[a-z]+$)", "", name)  # managed-package namespace npe01__
        text = re.sub(r"(?:__c|__r|__pc|_c)$", "", text)
        text = re.sub(r"^LBL_", "", text)
        return self._expand(_raw_words(text))

    def _text_tokens(self, text: str) -> tuple[str, ...]:
        text = re.sub(r"^LBL_", "", text)
        return self._expand(_raw_words(text))


def _ngrams(tokens: tuple[str, ...]) -> set[str]:
    grams = set()
    for size in range(1, MAX_NGRAM + 1):
        for i in range(len(tokens) - size + 1):
            grams.add(" ".join(tokens[i:i + size]))
    return grams


@functools.cache
def ruleset() -> Ruleset:
    """Compile ``checks/taxonomy/crm-fields.yaml`` once."""
    document = resources.catalog_yaml("checks", RULES_FILE)
    rules: list[Rule] = []
    vocabulary: set[str] = set(document.get("vocabulary") or [])
    raw_words = lambda phrase: _raw_words(phrase)  # noqa: E731 - phrases use the same normalisation as fields
    for entry in document["rules"]:
        phrases = tuple(" ".join(raw_words(p)) for p in entry.get("phrases") or [])
        rule = Rule(
            id=entry["id"], category=_category(entry.get("category")), phrases=phrases, reason=entry.get("reason", ""),
            types=frozenset(t.lower() for t in entry.get("types") or []),
            not_types=frozenset(t.lower() for t in entry.get("not_types") or []),
            objects=frozenset(o.lower() for o in entry.get("objects") or []),
            not_objects=frozenset(o.lower() for o in entry.get("not_objects") or []),
            unless=tuple(" ".join(raw_words(p)) for p in entry.get("unless") or []),
            description=bool(entry.get("description", False)), names_only=bool(entry.get("names_only", False)),
            exact=bool(entry.get("exact", False)),
            confidence=Confidence(entry.get("confidence", "high")))
        if rule.category and not taxonomy.is_known(rule.category):
            raise ValueError(f"{RULES_FILE}: rule {rule.id} names unknown category {rule.category}")
        rules.append(rule)
        for phrase in phrases + rule.unless:
            vocabulary.update(phrase.split())
    index: dict[str, list[int]] = {}
    for position, rule in enumerate(rules):
        for phrase in rule.phrases:
            index.setdefault(phrase, []).append(position)
    option_rules = []
    for entry in document.get("options") or []:
        for phrase in entry["phrases"]:
            option_rules.append((" ".join(raw_words(phrase)), _category(entry["category"]) or "", entry.get("reason", "")))
            vocabulary.update(raw_words(phrase))
    standard = {vendor.lower(): {str(k).lower(): v for k, v in (table or {}).items()}
                for vendor, table in (document.get("standard_fields") or {}).items()}
    return Ruleset(
        rules=tuple(rules), index={k: tuple(v) for k, v in index.items()}, option_rules=tuple(option_rules),
        source_options=tuple(" ".join(raw_words(p)) for p in document.get("source_options") or []),
        standard=standard, vocabulary=frozenset(w for w in vocabulary if len(w) >= 2),
        vendor_special={k.lower(): v for k, v in (document.get("vendor_special") or {}).items()},
        free_text_types=frozenset(t.lower() for t in document.get("free_text_types") or []),
        reference_types=frozenset(t.lower() for t in document.get("reference_types") or []))


@functools.cache
def tokenizer() -> Tokenizer:
    """The tokenizer with the rules' vocabulary."""
    return Tokenizer(ruleset().vocabulary)


def _object_words(name: str) -> set[str]:
    words = set(tokenizer().text_tokens(name))
    return words | {w[:-1] for w in words if w.endswith("s")} | {name.lower()}


def _rule_applies(rule: Rule, field: CrmField, grams: set[str], object_words: set[str]) -> bool:
    field_type = field.type.lower()
    if rule.types and field_type not in rule.types and not any(t in rule.types for t in field_type.split("/")):
        return False
    if rule.not_types and (field_type in rule.not_types or any(t in rule.not_types for t in field_type.split("/"))):
        return False
    if rule.objects and not (rule.objects & object_words):
        return False
    if rule.not_objects and rule.not_objects & object_words:
        return False
    if rule.unless and any(u in grams for u in rule.unless):
        return False
    return True


def _first_rule(field: CrmField, sources: list[tuple[str, str, set[str], str]], object_words: set[str],
                *, description: bool) -> tuple[Rule, str, str] | None:
    rules = ruleset()
    best: tuple[int, str, str] | None = None
    for source_name, text, grams, whole in sources:
        for gram in grams:
            for position in rules.index.get(gram, ()):
                if best is not None and position >= best[0]:
                    break
                rule = rules.rules[position]
                if description and not rule.description:
                    continue
                if rule.names_only and source_name != "name":
                    continue
                if rule.exact and gram != whole:
                    continue
                if _rule_applies(rule, field, grams, object_words):
                    best = (position, source_name, text)
                    break
    if best is None:
        return None
    return rules.rules[best[0]], best[1], best[2]


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _label_for(category: str | None, rule_reason: str = "") -> str:
    if rule_reason:
        return rule_reason
    if category is None:
        return "not personal data"
    if category.startswith("system") or category == "user.unique_id":
        return "system field"
    return taxonomy.name(category, "en")


def _vendor_signal(field: CrmField) -> tuple[str | None, str, bool]:
    """(special category from a vendor flag, flag text for the reason, vendor says personal)."""
    flags = field.flags
    special_map = ruleset().vendor_special
    texts: list[str] = []
    personal = False
    special: str | None = None
    categories = flags.get("sensitiveDataCategories") or []
    if not isinstance(categories, (list, tuple)):
        categories = [categories]  # a single value (or a malformed export's number/object)
    for value in categories:
        texts.append(f"HubSpot sensitive data category {value}")
        personal = True
        for key, category in special_map.items():
            if key in str(value).lower():
                special = special or category
    sensitivity = str(flags.get("dataSensitivity") or "")
    if sensitivity in ("sensitive", "highly_sensitive"):
        texts.append(f"HubSpot dataSensitivity {sensitivity}")
        personal = True
    group = str(flags.get("complianceGroup") or "")
    if group:
        texts.append(f"Salesforce complianceGroup {group}")
        personal = True
        if "hipaa" in group.lower():
            special = special or "user.health_and_medical"
    if flags.get("hipaa_compliance"):
        texts.append("Zoho hipaa_compliance")
        personal = True
        special = special or "user.health_and_medical"
    if flags.get("isPersonalData"):
        texts.append("EspoCRM isPersonalData")
        personal = True
    if flags.get("pii"):
        texts.append("SugarCRM pii")
        personal = True
    if flags.get("private"):
        texts.append("Zoho private")
        personal = True
    return special, "; ".join(texts), personal


def _standard(field: CrmField, crm: str | None) -> str | None | bool:
    if not crm:
        return False
    table = ruleset().standard.get(crm.lower())
    if not table:
        return False
    for key in (f"{field.object}.{field.name}".lower(), field.name.lower()):
        if key in table:
            return table[key] if table[key] not in ("none",) else None
    return False


def classify_field(field: CrmField, crm: str | None = None) -> CrmField:
    """Classify one field (see the module docstring for the order of evidence)."""
    if field.category:
        return field  # taken as given (e.g. Fides data_categories, or a case's pre-classified field)
    rules = ruleset()
    tok = tokenizer()
    special, flag_text, vendor_personal = _vendor_signal(field)
    flags = dict(field.flags)
    category: str | None = None
    confidence = Confidence.LOW
    reason = ""

    standard = _standard(field, crm)
    name_tokens = tok.name_tokens(field.name)
    label_tokens = tok.text_tokens(field.label) if field.label else ()
    sources = [("name", field.name, _ngrams(name_tokens), " ".join(name_tokens))]
    if label_tokens:
        sources.append(("label", field.label, _ngrams(label_tokens), " ".join(label_tokens)))
    if special:
        category, confidence, reason = special, Confidence.HIGH, f"{flag_text} → {_label_for(special)}"
    elif standard is not False:
        category = _category(standard)
        confidence = Confidence.HIGH
        reason = f"{crm} standard field '{field.name}' → {_label_for(category)}"
    else:
        object_words = _object_words(field.object)
        found = _first_rule(field, sources, object_words, description=False)
        if found is None and (field.description or field.picklist):
            text_sources = []
            if field.description:
                tokens = tok.text_tokens(field.description[:500])
                text_sources.append(("description", field.description, _ngrams(tokens), " ".join(tokens)))
            found = _first_rule(field, text_sources, object_words, description=True) if text_sources else None
            if found:
                rule, where, text = found
                category, confidence = rule.category, Confidence.MEDIUM
                reason = f"{where} '{_short(text)}' → {_label_for(rule.category, rule.reason)}"
                found = None
                matched = True
            else:
                matched = False
            if not matched and field.picklist:
                option = _option_rule(field)
                if option:
                    category, confidence, reason = option
        elif found:
            rule, where, text = found
            category, confidence = rule.category, rule.confidence
            reason = f"{where} '{_short(text)}' → {_label_for(rule.category, rule.reason)}"
        if category is None and not reason:
            free_type = field.type.lower() in rules.free_text_types or any(
                t in rules.free_text_types for t in field.type.lower().split("/"))
            if field.free_text or free_type:
                category, confidence = NOTES, Confidence.MEDIUM
                reason = f"free-text type '{field.type}' → free-text notes"
            elif field.flags.get("lookup") or field.type.lower() in rules.reference_types:
                category, confidence = "system.operations", Confidence.MEDIUM
                reason = f"type '{field.type}' → link to another record"
    if flag_text and not special:
        if category and not category.startswith("system") and category != "user.unique_id":
            confidence = Confidence.HIGH
            reason = f"{reason}; {flag_text}" if reason else flag_text
        elif vendor_personal:
            reason = f"{reason}; vendor flag says personal data ({flag_text}), category unclear" if reason else \
                f"vendor flag says personal data ({flag_text}), category unclear"
    source_hit = _source_option(field)
    if source_hit:
        flags["third_party_source"] = source_hit
        reason = f"{reason}; option '{source_hit}' → data from third parties" if reason else \
            f"option '{source_hit}' → data from third parties"
    free_text = category in CONTENT_FREE_TEXT or (field.free_text and (category is None or category.startswith("user.content")
                                                                        or taxonomy.is_special(category)))
    given = flags.get("given_category")
    if isinstance(given, str):
        if category and category != given and taxonomy.covers(given, category):
            reason = f"{reason}; refines the export's category {given}"
        else:
            category, confidence = given, Confidence.HIGH
            reason = f"category {given} given in the export"
    if not reason:
        reason = "no evidence of personal data"
    return dataclasses.replace(field, category=category, confidence=confidence, reason=reason, free_text=free_text,
                               flags=flags)


def _option_rule(field: CrmField) -> tuple[str, Confidence, str] | None:
    tok = tokenizer()
    for option in field.picklist[:200]:
        grams = _ngrams(tok.text_tokens(option))
        for phrase, category, reason in ruleset().option_rules:
            if phrase in grams:
                return category, Confidence.MEDIUM, f"option '{_short(option, 40)}' → {_label_for(category, reason)}"
    return None


def _source_option(field: CrmField) -> str:
    tok = tokenizer()
    phrases = ruleset().source_options
    for option in field.picklist[:200]:
        grams = _ngrams(tok.text_tokens(option))
        if any(p in grams for p in phrases):
            return _short(option, 40)
    return ""


def classify_fields(fields: Iterable[CrmField], crm: str | None) -> list[CrmField]:
    """Classify every field; already classified fields are returned unchanged.

    ``crm`` is the vendor name ("HubSpot", "Microsoft Dynamics 365" …) that selects the
    dictionary of standard fields; None or "" uses the generic rules only.
    """
    return [classify_field(field, crm) for field in fields]
