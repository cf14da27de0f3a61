"""Every change between two versions of an assessment's files, said in words.

:mod:`maturity.exchange.diff` compares results (scores, A, conformity); this module compares
everything else a reviewer must see: each field of ``assessment.yml`` (a stage transition, a new
organisation name, a narrative's edited words), the notes and findings of ``scores.yml``, the
steps of publication (review, announcement, objections, certificate and its events) and the
organisation's evidence register (a replaced file, a downgrade to public — flagged first).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from maturity import i18n
from maturity.data import classification
from maturity.scoring import display

CONTEXT = 12  # characters kept around an edit in a short inline diff
SHORT = 60  # characters of a value shown whole


@dataclass(frozen=True)
class Change:
    """One change, as a message of the catalogue (``diff.change.<key>``) with its arguments."""

    file: str
    key: str
    args: tuple[tuple[str, Any], ...] = ()
    warn: bool = False  # shown first, flagged: what a reviewer must not miss

    def text(self, lang: str = i18n.DEFAULT) -> str:
        return i18n.t(f"diff.change.{self.key}", lang, **dict(self.args))

    def as_dict(self) -> dict:
        return {"file": self.file, "key": self.key, "args": {k: _plain(v) for k, v in self.args}, "warn": self.warn,
                "text": self.text()}


def _change(file: str, key: str, /, warn: bool = False, **args) -> Change:
    return Change(file, key, tuple(args.items()), warn)


def _plain(value):
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


# -- a structural walk ----------------------------------------------------------------------------------

def leaf_changes(old: Any, new: Any, pointer: tuple = ()) -> Iterator[tuple[tuple, Any, Any]]:
    """(pointer, old, new) for every value that differs; lists of records are matched by their id or number."""
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            yield from leaf_changes(old.get(key), new.get(key), pointer + (key,))
        return
    if isinstance(old, list) and isinstance(new, list) and _records(old) and _records(new):
        key = _identity(old, new)
        if key is not None:
            before, after = {x[key]: x for x in old}, {x[key]: x for x in new}
            for ident in list(before) + [k for k in after if k not in before]:
                yield from leaf_changes(before.get(ident), after.get(ident), pointer + (Ident(ident),))
            return
        for i in range(max(len(old), len(new))):
            yield from leaf_changes(old[i] if i < len(old) else None, new[i] if i < len(new) else None, pointer + (i,))
        return
    yield pointer, old, new


class Ident(str):
    """A record's id or number in a pointer: names which record, not which field."""


def _records(items: list) -> bool:
    return bool(items) and all(isinstance(x, dict) for x in items)


def _identity(old: list[dict], new: list[dict]) -> str | None:
    """The key that names each record on both sides (ids of evidence items, numbers), if there is one."""
    for key in ("id", "number"):
        if all(isinstance(x.get(key), str) for x in old + new) and \
                len({x[key] for x in old}) == len(old) and len({x[key] for x in new}) == len(new):
            return key
    return None


# -- how values are shown -------------------------------------------------------------------------------

def shown(value: Any) -> str:
    if value is None:
        return i18n.t("diff.none")
    if isinstance(value, list):
        return "、".join(shown(x) for x in value) or i18n.t("diff.none")
    if isinstance(value, dict):
        return "；".join(f"{k}: {shown(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if len(text) <= SHORT else text[:SHORT] + "…"


def inline(old: str, new: str) -> str:
    """A short inline diff of two texts: the edited part marked [-deleted-]{+inserted+}, with a little context."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    before = old[max(0, start - CONTEXT):start]
    after = old[len(old) - end:len(old) - end + CONTEXT] if end else ""
    removed, added = old[start:len(old) - end], new[start:len(new) - end]
    parts = [("…" if start > CONTEXT else "") + before]
    if removed:
        parts.append(f"[-{removed if len(removed) <= SHORT else removed[:SHORT] + '…'}-]")
    if added:
        parts.append(f"{{+{added if len(added) <= SHORT else added[:SHORT] + '…'}+}}")
    parts.append(after + ("…" if end > CONTEXT else ""))
    return "".join(parts)


def field_name(file: str, pointer: tuple) -> str:
    """A field as people name it (``fields.<file>.<path>`` in the catalogue), else its path."""
    path = ".".join(p for p in pointer if type(p) is str)
    key = f"fields.{file.split('.')[0]}.{path}"
    named = i18n.t(key) if i18n.has(key) else path
    indexes = [str(p) for p in pointer if type(p) is not str]
    if indexes and named == path:
        return f"{named}（{'/'.join(indexes)}）"
    records = [p for p in pointer if isinstance(p, Ident)]  # which record, when the field has a name of its own
    return f"{named}（{'/'.join(records)}）" if records else named


NARRATIVE = frozenset({"objectives", "summary", "adherence", "achievements", "gaps", "recommendations", "note", "notes",
                       "description", "handling", "reasons", "reason", "internal_notes", "internal_note", "suggestions",
                       "highlights", "team_view", "organisation_view", "topic", "action"})


def _generic(file: str, pointer: tuple, old, new) -> Change:
    name = field_name(file, pointer)
    last = next((p for p in reversed(pointer) if type(p) is str), "")
    if old is None:
        return _change(file, "added", field=name, value=shown(new))
    if new is None:
        return _change(file, "removed", field=name, value=shown(old))
    if last in NARRATIVE and isinstance(old, str) and isinstance(new, str):
        return _change(file, "edited", field=name, diff=inline(old, new))
    return _change(file, "changed", field=name, old=shown(old), new=shown(new))


# -- assessment.yml ---------------------------------------------------------------------------------------

def record_changes(old: dict | None, new: dict | None) -> list[Change]:
    if old is None or new is None:
        return []
    out = []
    for pointer, a, b in leaf_changes(old, new):
        if pointer == ("stage",):
            out.append(_change("assessment.yml", "stage", old=i18n.t(f"stages.{a}") if a else shown(a),
                               new=i18n.t(f"stages.{b}") if b else shown(b)))
        elif pointer == ("organisation", "category"):
            out.append(_change("assessment.yml", "category", old=_category(a), new=_category(b)))
        elif pointer == ("kind",):
            out.append(_change("assessment.yml", "kind", warn=True, old=i18n.t(f"kinds.{a}"), new=i18n.t(f"kinds.{b}")))
        elif pointer[:1] == ("organisation",) and pointer[1:] in (("name",), ("credit_code",)):
            out.append(_change("assessment.yml", "changed", warn=True, field=field_name("assessment.yml", pointer),
                               old=shown(a), new=shown(b)))
        else:
            out.append(_generic("assessment.yml", pointer, a, b))
    return out


def _category(code) -> str:
    if isinstance(code, str) and code in classification.categories():
        return " / ".join(classification.path_names(code))
    return shown(code)


# -- scores.yml beyond the scores -------------------------------------------------------------------------

def scores_changes(old: dict | None, new: dict | None) -> list[Change]:
    """Notes and findings (the scores themselves and evidence references are compared by the diff)."""
    if old is None or new is None:
        return []
    out = []
    for pointer, a, b in leaf_changes(old, new):
        if len(pointer) >= 4 and pointer[1] == "requirements" and pointer[3] in ("score", "evidence"):
            continue
        if len(pointer) == 3 and pointer[1] == "requirements":  # a whole requirement line added or removed
            continue
        if len(pointer) >= 4 and pointer[1] == "requirements":
            rid, what = pointer[2], pointer[3]
            key = "internal_note" if what == "internal_note" else "note"
            out.append(_change("scores.yml", key, id=rid, diff=inline(a or "", b or "")))
        elif len(pointer) >= 2 and pointer[1] in ("achievements", "gaps", "recommendations"):
            out.append(_change("scores.yml", "finding", domain=pointer[0], field=i18n.t(f"fields.scores.{pointer[1]}"),
                               diff=inline(_joined(a), _joined(b))))
        else:
            out.append(_generic("scores.yml", pointer, a, b))
    return out


def _joined(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else "；".join(str(x) for x in value)


# -- publication.yml: the steps of guide 8.4, in words --------------------------------------------------------

def publication_changes(old: dict | None, new: dict | None, level_name, last_day=None) -> list[Change]:
    old, new = old or {}, new or {}
    if old == new:
        return []
    out: list[Change] = []
    f = "publication.yml"
    review_old, review_new = old.get("review"), new.get("review")
    if review_new and review_new != review_old:
        out.append(_change(f, "review", decision=i18n.t(f"decisions.{review_new.get('decision')}")
                           if i18n.has(f"decisions.{review_new.get('decision')}") else shown(review_new.get("decision")),
                           date=review_new.get("date")))
    ann_old, ann_new = old.get("announcement") or {}, new.get("announcement") or {}
    if ann_new and not ann_old:
        out.append(_change(f, "announcement", start=ann_new.get("start"),
                           level=level_name(ann_new["level"]) if ann_new.get("level") else i18n.t("diff.none"),
                           last_day=last_day or "—"))
    objections_old = {(o.get("received"), o.get("summary")): o for o in ann_old.get("objections") or [] if isinstance(o, dict)}
    for o in ann_new.get("objections") or []:
        if not isinstance(o, dict):
            continue
        before = objections_old.get((o.get("received"), o.get("summary")))
        if before is None:
            out.append(_change(f, "objection", received=o.get("received"), summary=shown(o.get("summary"))))
        elif before.get("outcome") != o.get("outcome"):
            out.append(_change(f, "objection_outcome", received=o.get("received"),
                               old=i18n.t(f"outcomes.{before.get('outcome', 'pending')}"),
                               new=i18n.t(f"outcomes.{o.get('outcome', 'pending')}")))
    out += _certificate_changes(old.get("certificate") or {}, new.get("certificate") or {}, level_name)
    said = {"review", "announcement", "certificate"}
    for pointer, a, b in leaf_changes({k: v for k, v in old.items() if k not in said},
                                      {k: v for k, v in new.items() if k not in said}):
        out.append(_generic(f, pointer, a, b))
    return out


def _certificate_changes(old: dict, new: dict, level_name) -> list[Change]:
    f = "publication.yml"
    out: list[Change] = []
    if new and not old:
        out.append(_change(f, "issued", number=new.get("number"), level=level_name(new.get("level")),
                           issued=new.get("issued"), until=new.get("valid_until") or "—"))
    elif old and not new:
        out.append(_change(f, "certificate_removed", warn=True, number=old.get("number")))
    elif old and new:
        if old.get("digest") != new.get("digest"):
            out.append(_change(f, "digest_rewritten", warn=True, number=new.get("number")))
        if old.get("level") != new.get("level"):
            out.append(_change(f, "certificate_level", warn=True, number=new.get("number"),
                               old=level_name(old.get("level")), new=level_name(new.get("level"))))
    old_events = old.get("events") or []
    new_events = new.get("events") or []
    if new_events[: len(old_events)] != old_events:
        out.append(_change(f, "events_rewritten", warn=True, number=new.get("number")))
    for e in new_events[len(old_events):] if new_events[: len(old_events)] == old_events else []:
        if isinstance(e, dict):
            kind = e.get("kind")
            out.append(_change(f, "event", warn=kind in ("suspended", "revoked", "reissued"), number=new.get("number"),
                               event=i18n.t(f"events.{kind}") if i18n.has(f"events.{kind}") else shown(kind),
                               date=e.get("date"), reason=shown(e.get("reason") or "—")))
    return out


# -- the evidence register --------------------------------------------------------------------------------

def register_changes(old: dict | None, new: dict | None) -> list[Change]:
    """Items added, removed, replaced (a new sha256) or moved between 公开范围 — a move to public first."""
    old_items = {x["id"]: x for x in (old or {}).get("items") or [] if isinstance(x, dict) and isinstance(x.get("id"), str)}
    new_items = {x["id"]: x for x in (new or {}).get("items") or [] if isinstance(x, dict) and isinstance(x.get("id"), str)}
    f = "register.yml"
    out: list[Change] = []
    for eid in list(old_items) + [k for k in new_items if k not in old_items]:
        a, b = old_items.get(eid), new_items.get(eid)
        if a == b:
            continue
        if a is None:
            out.append(_change(f, "evidence_added", id=eid, title=shown(b.get("title")), scope=_scope(b.get("class")),
                               warn=b.get("class") == "public" and bool(b.get("file"))))
            continue
        if b is None:
            out.append(_change(f, "evidence_removed", id=eid, title=shown(a.get("title"))))
            continue
        if a.get("class") != b.get("class"):
            public = b.get("class") == "public"
            out.append(_change(f, "evidence_public" if public else "evidence_scope", warn=public, id=eid,
                               old=_scope(a.get("class")), new=_scope(b.get("class"))))
        if a.get("sha256") != b.get("sha256") or a.get("file") != b.get("file"):
            out.append(_change(f, "evidence_replaced", id=eid, file=shown(b.get("file")),
                               old=(a.get("sha256") or "—")[:12], new=(b.get("sha256") or "—")[:12]))
        for pointer, x, y in leaf_changes({k: v for k, v in a.items() if k not in ("class", "sha256", "file")},
                                          {k: v for k, v in b.items() if k not in ("class", "sha256", "file")}):
            out.append(_generic(f, (eid,) + pointer, x, y))
    return out


def assessor_changes(old: dict | None, new: dict | None) -> list[Change]:
    """The register of assessors: assessors added or removed, and every field changed (a qualification's
    validity above all: it decides which assessments the assessor may lead)."""
    def by_id(data):
        items = (data or {}).get("assessors") if isinstance(data, dict) else None
        return {x["id"]: x for x in items or [] if isinstance(x, dict) and isinstance(x.get("id"), str)}

    f = "assessors.yml"
    old_items, new_items = by_id(old), by_id(new)
    out: list[Change] = []
    for aid in list(old_items) + [k for k in new_items if k not in old_items]:
        a, b = old_items.get(aid), new_items.get(aid)
        if a == b:
            continue
        if a is None:
            out.append(_change(f, "assessor_added", id=aid, name=shown(b.get("name"))))
        elif b is None:
            out.append(_change(f, "assessor_removed", id=aid, name=shown(a.get("name"))))
        else:
            out += [_change(f, "assessor_field", id=aid, change=_generic(f, pointer, x, y).text())
                    for pointer, x, y in leaf_changes(a, b)]
    for pointer, x, y in leaf_changes({k: v for k, v in (old or {}).items() if k != "assessors"},
                                      {k: v for k, v in (new or {}).items() if k != "assessors"}):
        out.append(_generic(f, pointer, x, y))
    return out


def _scope(code) -> str:
    return i18n.t(f"classes.{code}") if isinstance(code, str) and i18n.has(f"classes.{code}") else shown(code)


def ordered(changes: list[Change]) -> list[Change]:
    """Flagged changes first; otherwise as found."""
    return [c for c in changes if c.warn] + [c for c in changes if not c.warn]


def domain_table(model, result) -> list[tuple[str, str, str]]:
    """(code, name, C) of each assessment domain at the applied level: a new assessment's result at a glance."""
    applied = result.applied if result is not None else None
    if applied is None:
        return []
    return [(ad.code, ad.name, display(applied.assessment_domains[ad.code]))
            for ad in model.assessment_domains if ad.code in applied.assessment_domains]
