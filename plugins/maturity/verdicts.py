"""Remembered verdicts: what passed every check need not be checked again while nothing it depends on changed.

A run over a whole repository remembers, in the build cache (:mod:`maturity.cache`), each unit that passed with
no finding at all — an assessment folder, an organisation's evidence register — together with what it was
checked against:

- the ``lstat`` of every file and folder the checks looked at (the folder and its three files; the register
  and each part of the path of every evidence file, ``stat`` too for a private one), kept as git's index keeps
  a file: mode, size, modification and change times in nanoseconds, inode, device;
- the context: this tool (the cache's own fingerprint), the settings, the date the checks use, the models,
  the register of assessors, and for an assessment the state of its organisation's register.

A later run that finds all of that unchanged takes the unit as passed. How much it is spared depends on what
the run needs of it:

- a build, ``maturity check`` and every other command that reads the whole repository (:meth:`Verdicts.passed`,
  :meth:`Verdicts.register` with its items): an assessment's record and publication are read (their data from the cache),
  not checked; its scores file is not read at all: its result and the evidence it cites were remembered, and its
  scores are made from the data kept in the cache only if a page not in the build cache asks for them
  (:class:`maturity.data.assessment.PackedAssessment`; that data is known whole by the CRC-32 remembered with
  the verdict, not by unpacking it); a register is not read: its items are made from what was remembered of
  them, as the checks made them, and its file is read only if a finding points into it;
- ``maturity validate`` (:meth:`Verdicts.assessment`, :meth:`Verdicts.register`): not even read; an assessment
  comes back with its record and publication data (what the checks across assessments need), not its scores.

The checks across assessments and registers (unique ids and certificate numbers, the history of recorded
digests, public items that alias restricted ones) run every time, over every unit. A unit with any finding —
error, warning or note — is never remembered: its findings are worked out every time, so they read the same.

A file changed within the same timestamp could look unchanged: a unit is remembered only when every file it
depends on was last modified at least :attr:`CheckedFiles.SETTLED_NS` before the run began (as git's "racily
clean" rule).

A fresh checkout gives every file a new inode and change time. Where a ``lstat`` differs, the file is compared
by its bytes, as git compares a file whose stat changed (:func:`same_content`): each path must still be of the same
kind (a folder, a regular file, absent — never a link), each file of the same size and the same SHA-256 as the
file that passed (the text of the assessment's files, the register's text, each evidence file's registered
digest). In a git repository, a file that git holds unchanged in the working tree with the object id it had when
the unit passed is the same without being read (:func:`maturity.exchange.gitrepo.clean_objects`): a checkout writes
every file and knows each one's object. So a CI job that checks out anew and restores the cache recalls what is
unchanged, not just what an earlier step of the same job concluded (docs/performance.md#content-recall).
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import stat
import time
import zlib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path, PurePosixPath

from maturity.cache import CheckedFiles
from maturity.checks.evidence import alias_facts, identity
from maturity.data.assessment import PUBLICATION, RECORD, SCORES, Assessment
from maturity.data.evidence import CLASSES, REGISTER, EvidenceItem, EvidenceRegister, as_date
from maturity.data.evidence_hash import sha256_of
from maturity.data.yamlfile import Document
from maturity.exchange.gitrepo import clean_objects
from maturity.scoring.formulas import AssessmentResult, LevelResult
from maturity.settings import Settings

FORMAT = 9  # 2: the settings without strict, jobs and cache (Settings.cache_key); 3: an assessment's result kept;
# 4: and the CRC-32 of its packed scores; 5: a register's items kept; 6: its alias facts made from them;
# 7: recalled by content where a stat changed (an assessment's text digests kept; a register's token by content);
# 8: and git's object ids of its files; 9: nothing kept by where the repository is (a register's paths from its items)
_MISSING = "-"


def observe(paths: list[list]) -> tuple[str, int]:
    """The keys of ``[path, follow]`` (``lstat``, or ``stat`` when ``follow``), one per line, and the newest time
    among them."""
    # Written for speed: a warm run observes every data and evidence file (some 200,000 at N = 10,000).
    keys, newest = [], 0
    add = keys.append
    for path, follow in paths:
        try:
            st = os.stat(path) if follow else os.lstat(path)
        except OSError:
            add(_MISSING)
            continue
        modified, changed = st.st_mtime_ns, st.st_ctime_ns
        add("%o:%d:%d:%d:%d:%d" % (st.st_mode, st.st_size, modified, changed, st.st_ino, st.st_dev))
        if modified > newest:
            newest = modified
        if changed > newest:
            newest = changed
    return "\n".join(keys), newest


class Verdicts:
    """The remembered verdicts of one run over a whole repository (``store``: its build cache)."""

    def __init__(self, store: CheckedFiles, context: str, shown_assessments: str, shown_evidence: str,
                 root: Path | None = None) -> None:
        self.store = store
        self.context = context
        self.root = root  # the repository's folder: git is asked about its files (None: not asked)
        self._objects: dict[str, str] | None = None
        self.settled = time.time_ns() - store.SETTLED_NS  # files last changed before this were settled at the start
        self.tokens: dict[str, str | None] = {}  # organisation -> the state of its register in this run (None: unclean)
        self._shown_assessments = shown_assessments
        self._shown_evidence = shown_evidence
        self._fractions: dict[tuple[int, int], Fraction] = {}  # the remembered results' figures, each made once

    @classmethod
    def start(cls, store: CheckedFiles | None, settings: Settings, registry, sealed_history: bool,
              display) -> "Verdicts | None":
        """Verdicts for a run, or None when they cannot be used (no cache, or a register of assessors just changed)."""
        if store is None or not store.enabled:
            return None
        assessors = settings.assessors_path
        keys, newest = observe([[str(assessors), False]]) if assessors else (_MISSING, 0)
        if newest >= time.time_ns() - store.SETTLED_NS:
            return None
        if keys != _MISSING:  # by content, not by stat: the same register of assessors in a fresh checkout
            try:
                keys = f"{_kinds(keys)[0]}:{sha256_of(assessors)}"
            except OSError:
                return None
        models = sorted((key, model.cache_text()) for key, model in registry.models.items())
        default = registry.default.key if registry.default is not None else None
        context = hashlib.sha256(json.dumps(
            [FORMAT, settings.cache_key(), settings.today().isoformat(), models, default, keys, sealed_history],
            ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()
        return cls(store, context, display(settings.assessments_path), display(settings.evidence_path), settings.root)

    # --- registers ---------------------------------------------------------------------------------------------------

    def _register_entry(self, org: str, folder: Path, private_folder: Path | None) -> tuple[dict, list[list]] | None:
        """What was remembered of ``org``'s register, and its alias facts (:func:`_facts`), when it passed and nothing
        it depends on changed (``folder``, ``private_folder``: where its files are)."""
        entry = self.store.verdict(f"register:{org}")
        if entry is None or entry.get("context") != self.context:
            return None
        keys, facts = entry.get("keys"), _facts(entry)
        if facts is None:
            return None
        # Where its files are in this checkout, from what was registered: never the paths of the folder the cache was
        # filled in, which may still be there, unchanged, while this one was edited.
        paths = _register_paths(folder, private_folder, ((fields[6], fields[10]) for fields in entry["items"]))
        if paths is None:
            return None
        current = observe(paths)[0]
        # Its evidence files' digests not looked up (recalled by stat), or not all of them: not this run's to forget.
        kept_hashes = current == keys
        if current != keys:  # a fresh checkout, a copy: the same bytes in new files?
            found = _register_digests(entry, folder, private_folder)
            digests, item_paths = found if found is not None else (None, None)
            text = os.path.join(str(folder), REGISTER)
            if digests is None or not same_content(paths, keys, current, digests, lambda path: sha256_of(Path(path))
                                                   if path == text else self._evidence_sha256(path),
                                                   self._same_objects(paths, entry.get("objects"))):
                return None
            unchanged = {path for (path, _), was, now in zip(paths, keys.split("\n"), current.split("\n")) if was == now}
            kept_hashes = any(path in unchanged for path in digests if path != text)
            try:  # the files are new: which file each item is (the aliases across registers) is asked again
                entry["files"] = _identities(item_paths, entry["items"], paths, current)
            except OSError:
                return None
            facts = _facts(entry)
            if facts is None:
                return None
        self.tokens[org] = entry.get("token")
        if kept_hashes:
            self.store.skipped_hashes()
        return entry, facts

    def register(self, org: str, evidence_root: Path, private_root: Path | None,
                 items: bool = False) -> EvidenceRegister | None:
        """The register of ``org`` recalled without reading it, or None. Without ``items``, it has what the checks
        across registers need of each item, not the items (``maturity validate``); with ``items``, also its items as
        the checks made them when it passed (a build, ``maturity check``), or None when they were not remembered."""
        folder = evidence_root / org
        private_folder = private_root / org if private_root else None
        found = self._register_entry(org, folder, private_folder)
        if found is None:
            return None
        entry, facts = found
        register = EvidenceRegister(org, folder, {}, None, private_folder=private_folder, recalled=facts,
                                    without_items=not items)
        data = entry.get("data")  # the SHA-256 of the register's text, when it has a file
        if items and not (_remembered_items(register, entry.get("items")) and (data is None or type(data) is str)):
            return None
        if entry.get("file"):
            register.path = self._shown(self._shown_evidence, org, REGISTER)
            register.document = Document(register.path, source=os.path.join(str(folder), REGISTER))
        if items and data is not None:  # its parsed data stays in the cache, for the day it must be checked again
            self.store.still_used("evidence", data)
        elif entry.get("file") or not items:  # not read, and which entry is its own not known: none is forgotten
            self.store.skipped_reading()
        return register

    def keep_register(self, register: EvidenceRegister, evidence_root: Path, clean: bool) -> None:
        """Remember a register that was just loaded and passed (``clean``); its state is the token assessments cite."""
        self.tokens[register.organisation] = None
        if not clean:
            return
        paths = _register_paths(register.folder, register.private_folder,
                                ((item.file, item.private) for item in register.items.values()))
        keys, newest = observe(paths)
        if newest >= self.settled:
            return
        try:  # what else the checks across registers need of each item: which file it is (_facts)
            files = [identity for _, _, _, identity, _, _ in alias_facts(register)]
        except OSError:  # a file gone since it was checked: not remembered
            return
        items = [_item_fields(item) for item in register.items.values()]
        data = register.document.digest if register.document is not None else None
        # The register's state by content (the kinds of its paths, its text, its items with their files' digests), not
        # by stat nor by where it is (its paths follow from its items): the same in a fresh checkout and in another
        # folder, so the assessments that passed against it are recalled there too.
        token = hashlib.sha256(json.dumps([self.context, _kinds(keys), data, items],
                                          ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()
        self.store.keep_verdict(f"register:{register.organisation}", {
            "context": self.context, "keys": keys, "file": register.document is not None,
            "items": items, "files": files, "data": data, "token": token, "objects": self._objects_of(paths)})
        self.tokens[register.organisation] = token

    # --- assessments -------------------------------------------------------------------------------------------------

    def _assessment_entry(self, folder: Path, register_of) -> dict | None:
        entry = self.store.verdict(f"assessment:{folder.name}")
        if entry is None or entry.get("context") != self.context:
            return None
        record = entry.get("record")
        if not isinstance(record, dict) or not isinstance(record.get("organisation"), dict):
            return None
        org = record["organisation"].get("id")
        if not isinstance(org, str):
            return None
        paths = _folder_paths(folder)
        keys, current = entry.get("keys"), observe(paths)[0]
        if current != keys and (digests := _assessment_digests(entry, paths)) is None:
            return None
        register_of(org)
        if self.tokens.get(org) is None or self.tokens[org] != entry.get("register"):
            return None
        if current != keys and not same_content(paths, keys, current, digests, lambda path: sha256_of(Path(path)),
                                                self._same_objects(paths, entry.get("objects"))):
            return None  # compared by bytes last: the cheaper reasons not to recall come first
        return entry

    def passed(self, folder: Path, register_of) -> Recall | None:
        """What was remembered of the assessment in ``folder`` when it passed before and nothing it depends on
        changed (its record is then read, not checked; its scores file not read), else None.

        ``register_of(org)`` loads (or recalls) the organisation's register: the assessment passed against its state."""
        entry = self._assessment_entry(folder, register_of)
        if entry is None:
            return None
        digest, cited, result = entry.get("scores"), entry.get("cited"), _result(entry.get("result"), self._fractions)
        crc = entry.get("scores_crc")
        if (type(digest) is not str or len(digest) != 64 or result is None or type(cited) is not list
                or not all(type(ref) is str for ref in cited) or type(crc) is not int):
            return None
        packed = self.store.packed("scores", digest, crc)
        if packed is None:  # the data that passed is no longer in the cache: read and score it as usual
            return None
        texts = entry.get("texts")
        record, publication = (texts[0], texts[2]) if type(texts) is list and len(texts) == 3 else (None, None)
        return Recall(entry["record"]["organisation"]["id"], result, (digest, packed, tuple(cited)),
                      (_text_digest(record), _text_digest(publication)))

    def assessment(self, folder: Path, registry, register_of) -> Assessment | None:
        """The assessment of ``folder`` recalled without reading it, or None. It has what the checks across
        assessments need: its id, organisation, model and certificate; not its scores. Its files are read only if
        a finding points into them."""
        entry = self._assessment_entry(folder, register_of)
        if entry is None:
            return None
        record, publication = entry["record"], entry.get("publication")
        where = str(folder)
        a = Assessment(folder, record, self._document(where, folder.name, RECORD))
        a.model = registry.resolve(record.get("model"))
        if isinstance(publication, dict):  # {"certificate": ...}, or {} for a publication.yml without one
            a.publication_doc, a.publication = self._document(where, folder.name, PUBLICATION), publication
        self.store.skipped_reading()
        return a

    def keep_assessment(self, a: Assessment, clean: bool, result: AssessmentResult | None) -> None:
        """Remember an assessment that was just read, checked with no finding (``clean``) and scored (``result``)."""
        org = a.organisation["id"]
        token = self.tokens.get(org)
        scores = a.scores_doc
        if not clean or token is None or scores is None or result is None or scores.digest is None or scores.packed is None:
            return
        paths = _folder_paths(a.folder)
        keys, newest = observe(paths)
        if newest >= self.settled:
            return
        record = {"id": a.id, "organisation": {"id": org, "credit_code": a.organisation.get("credit_code")}}
        if "model" in a.record:
            record["model"] = a.record["model"]
        publication = None
        if a.publication is not None:
            publication = {"certificate": a.publication["certificate"]} if a.publication.get("certificate") else {}
        texts = [doc.digest if doc is not None else None for doc in (a.record_doc, scores, a.publication_doc)]
        self.store.keep_verdict(f"assessment:{a.folder.name}", {
            "context": self.context, "keys": keys, "texts": texts, "objects": self._objects_of(paths), "register": token,
            "record": record, "publication": publication,
            "scores": scores.digest, "scores_crc": zlib.crc32(scores.packed), "cited": list(a.cited),
            "result": _result_data(result)})

    # --- helpers -----------------------------------------------------------------------------------------------------

    def _clean_objects(self) -> dict[str, str]:
        """git's object id of each file it holds unchanged in the working tree (asked once per run, when first needed)."""
        if self._objects is None:
            self._objects = clean_objects(self.root) if self.root is not None else {}
        return self._objects

    def _objects_of(self, paths: list[list]) -> list[str | None] | None:
        """git's object id of each of ``paths`` that it holds unchanged (None for any other); None outside git."""
        objects = self._clean_objects()
        return [objects.get(path) if not follow else None for path, follow in paths] if objects else None

    def _same_objects(self, paths: list[list], remembered) -> set[str]:
        """The paths git holds unchanged with the object id they had when the unit passed: the same bytes, not read."""
        if type(remembered) is not list or len(remembered) != len(paths):
            return set()
        objects = self._clean_objects()
        return {path for (path, _), then in zip(paths, remembered)
                if type(then) is str and objects.get(path) == then}

    def _evidence_sha256(self, path: str) -> str:
        """An evidence file's SHA-256, kept in the store by its new stat, as the checks keep it."""
        return self.store.sha256(Path(path), lambda: sha256_of(Path(path)))

    def _document(self, folder: str, folder_name: str, name: str) -> Document:
        return Document(self._shown(self._shown_assessments, folder_name, name), source=os.path.join(folder, name))

    @staticmethod
    def _shown(folder: str, *names: str) -> str:
        return posixpath.join(*names) if folder in ("", ".") else posixpath.join(folder, *names)


@dataclass(frozen=True)
class Recall:
    """What a build needs of an assessment that passed before (:meth:`Verdicts.passed`)."""

    organisation: str
    result: AssessmentResult
    scores: tuple[str, bytes, tuple[str, ...]]  # as :func:`maturity.data.assessment.read_assessment` takes it
    # The SHA-256 of the record's and the publication file's texts when it passed (None: not known): the same texts
    # now, so their data is taken from the store without reading the files again.
    texts: tuple[str | None, str | None] = (None, None)


def _text_digest(value) -> str | None:
    """A remembered SHA-256 of a text, or None when it is not one."""
    return value if type(value) is str and len(value) == 64 else None


def _result_data(result: AssessmentResult) -> dict:
    """The result as JSON data: every figure as its exact fraction, [numerator, denominator]."""
    return {"id": result.id, "applied_level": result.applied_level, "unscored": list(result.unscored),
            "levels": [[r.level, _pair(r.score), r.requirements, r.conforms, {k: _pair(v) for k, v in r.domains.items()},
                        {k: _pair(v) for k, v in r.assessment_domains.items()}] for r in result.levels.values()]}


def _pair(value: Fraction) -> list[int]:
    return [value.numerator, value.denominator]


def _result(data, known: dict) -> AssessmentResult | None:
    """The result :func:`_result_data` wrote; None for anything else (a damaged cache: scored again). ``known``: the
    fractions made so far in this run, by (numerator, denominator), each made once (see :func:`_fraction`)."""
    try:
        levels = {}
        for level, score, requirements, conforms, domains, assessment_domains in data["levels"]:
            if type(level) is not int or type(requirements) is not int or type(conforms) is not bool:
                return None
            levels[level] = LevelResult(level, _fraction(score, known), requirements, conforms,
                                        _fractions(domains, known), _fractions(assessment_domains, known))
        unscored = data["unscored"]
        if (type(data["id"]) is not str or type(data["applied_level"]) is not int or type(unscored) is not list
                or not all(type(u) is str for u in unscored)):
            return None
        return AssessmentResult(data["id"], data["applied_level"], levels, tuple(unscored))
    except (TypeError, ValueError, KeyError, ZeroDivisionError):
        return None


def _fraction(pair, known: dict) -> Fraction:
    """The fraction [numerator, denominator] stands for. Some seventy per assessment, mostly the same few values across
    a repository: made once each and shared (a Fraction cannot change), not made again for every assessment."""
    if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not int or type(pair[1]) is not int or pair[1] <= 0:
        raise TypeError(pair)
    key = (pair[0], pair[1])
    found = known.get(key)
    if found is None:
        found = known[key] = Fraction(*key)
    return found


def _fractions(data, known: dict) -> dict[str, Fraction]:
    if type(data) is not dict:
        raise TypeError(data)
    return {k: _fraction(v, known) for k, v in data.items()}


def _item_fields(item: EvidenceItem) -> list:
    """What :func:`_remembered_items` makes the item of a register that passed from: its entry as registered."""
    return [item.id, item.title, item.method, item.record_date.isoformat(), item.collected.isoformat(),
            item.confidentiality, item.file, item.url, item.sha256, item.description, item.private]


_TEXT_OR_NONE = (str, type(None))
_ITEM_TYPES = (str, str, str, str, str, str, _TEXT_OR_NONE, _TEXT_OR_NONE, _TEXT_OR_NONE, str, bool)


def _remembered_items(register: EvidenceRegister, remembered) -> bool:
    """Fill ``register`` with the items :func:`_item_fields` remembered, as the checks made them when it passed: each
    file where the walk found it, with the registered digest, which is the one the file had (else MAT303). False,
    with nothing filled, for anything else (a damaged cache: the register is then read and checked again)."""
    if type(remembered) is not list:
        return False
    items, pointers = {}, {}
    for i, fields in enumerate(remembered):
        if type(fields) is not list or len(fields) != len(_ITEM_TYPES) or not all(map(isinstance, fields, _ITEM_TYPES)):
            return False
        eid, title, method, record_date, collected, confidentiality, file, url, sha256, description, private = fields
        base = register.private_folder if private else register.folder
        recorded, taken = as_date(record_date), as_date(collected)
        if eid in items or recorded is None or taken is None or (file and base is None):
            return False
        path = base / file if file else None  # a relative name with / only (MAT304): its parts
        items[eid] = EvidenceItem(eid, title, method, recorded, taken, confidentiality, file, url, sha256, description,
                                  path, private, sha256 if file else None)
        pointers[eid] = ("items", i)
    register.items, register.pointers = items, pointers
    return True


def _facts(entry: dict) -> list[list] | None:
    """What :func:`maturity.checks.evidence.alias_facts` gives of a register that passed, from what was remembered
    of it: each item as registered (:func:`_item_fields`) and the "device:inode" of its file. The actual digest is
    the registered one in a register that passed (else MAT303), so it is not kept twice. None for anything else (a
    damaged cache)."""
    items, files = entry.get("items"), entry.get("files")
    if type(items) is not list or type(files) is not list or len(items) != len(files):
        return None
    facts = []
    for index, (fields, identity) in enumerate(zip(items, files)):
        if (type(fields) is not list or len(fields) != len(_ITEM_TYPES) or type(fields[0]) is not str
                or fields[5] not in CLASSES or not isinstance(fields[8], _TEXT_OR_NONE)
                or not isinstance(identity, _TEXT_OR_NONE)):
            return None
        facts.append([fields[0], index, fields[5], identity, fields[8], None])
    return facts


def same_content(paths: list[list], remembered: str, current: str, digests: dict[str, str], sha256,
                 unchanged: set[str] = frozenset()) -> bool:
    """Whether the files of ``paths``, whose keys (:func:`observe`) were ``remembered`` and are ``current``, hold what
    they held: each path whose key changed is still of the same kind — a folder, or a regular file of the same size
    whose SHA-256 (``sha256(path)``) is its digest in ``digests``, or which is in ``unchanged`` (git holds it with the
    object id it had: the same bytes, not read again). A link, a path that appeared or went, a file with no digest
    to compare, a file that cannot be read, a damaged key: not the same."""
    try:
        old, new = remembered.split("\n"), current.split("\n")
        if not (len(old) == len(new) == len(paths)):
            return False
        for (path, _follow), was, now in zip(paths, old, new):
            if was == now:
                continue
            if _MISSING in (was, now):
                return False
            was_mode, was_size = was.split(":", 2)[:2]
            now_mode, now_size = now.split(":", 2)[:2]
            kind = stat.S_IFMT(int(now_mode, 8))
            if kind != stat.S_IFMT(int(was_mode, 8)):
                return False
            if kind == stat.S_IFDIR:
                continue
            if kind != stat.S_IFREG or was_size != now_size or path not in digests:
                return False
            if path not in unchanged and sha256(path) != digests[path]:
                return False
        return True
    except (AttributeError, TypeError, ValueError, OSError):
        return False


def _kinds(keys: str) -> list[str]:
    """The kind of each path of :func:`observe`'s keys (its file type in octal, or absent): what stays in a checkout."""
    return [key if key == _MISSING else oct(stat.S_IFMT(int(key.split(":", 1)[0], 8))) for key in keys.split("\n")]


def _assessment_digests(entry: dict, paths: list[list]) -> dict[str, str] | None:
    """The SHA-256 of each of an assessment's files when it passed, by path; None when not remembered."""
    texts = entry.get("texts")
    if type(texts) is not list or len(texts) != 3 or not all(isinstance(t, _TEXT_OR_NONE) for t in texts):
        return None
    return {path: text for (path, _), text in zip(paths[1:], texts) if text is not None}


def _item_paths(items: list, folder: Path, private_folder: Path | None) -> list[str | None]:
    """Where each remembered item's file is (None: an item with no file), as :meth:`Verdicts.keep_register` walked it."""
    out = []
    where, private_where = str(folder), str(private_folder) if private_folder is not None else None
    for fields in items:
        file, private = fields[6], fields[10]
        base = private_where if private else where
        if not file or base is None:
            out.append(None)
        else:
            parts, plain = _parts(file)
            out.append(f"{base}/{file}" if plain else os.path.join(base, *parts))
    return out


def _parts(file: str) -> tuple[list[str] | tuple[str, ...], bool]:
    """The parts of a registered file's name as pathlib names them (as the checks walk them), and whether they are
    simply its "/"-separated parts: paths are then joined as strings, not through pathlib (this runs for every file
    of every recalled register)."""
    parts = file.split("/")
    if "" in parts or "." in parts:  # "a//b", "./a", "/a", "a/": pathlib names them otherwise
        return PurePosixPath(file).parts, False
    return parts, True


def _identities(item_paths: list[str | None], items: list, paths: list[list], keys: str) -> list[str | None]:
    """Which file each item's is, "device:inode" (:func:`maturity.checks.evidence.identity`), from the keys
    :func:`observe` just gave for ``paths``: the ``stat`` of a private file, the ``lstat`` of any other, which is its
    ``stat`` (a file that passed has no link on its way, and each path is still of its kind, :func:`same_content`).
    A file the keys do not name is asked itself. :class:`OSError` for a file that is not there."""
    observed = {(path, follow): key for (path, follow), key in zip(paths, keys.split("\n"))}
    out = []
    for path, fields in zip(item_paths, items):
        if path is None:
            out.append(None)
            continue
        key = observed.get((path, fields[10]))
        if key is None:
            out.append(identity(Path(path)))
        elif key == _MISSING:
            raise FileNotFoundError(path)
        else:
            _mode, _size, _modified, _changed, inode, device = key.split(":")
            out.append(f"{device}:{inode}")
    return out


def _whole_items(items: list) -> bool:
    """Whether each remembered item has every field, each of its type (:func:`_item_fields`)."""
    return all(len(fields) == len(_ITEM_TYPES) and all(map(isinstance, fields, _ITEM_TYPES)) for fields in items)


def _register_paths(folder: Path, private_folder: Path | None, files) -> list[list] | None:
    """What the checks of a register look at, as ``[path, follow]`` for :func:`observe`: its folder, its file, each
    part of the path of each of its items' ``files`` (``(file, private)``: ``lstat`` and ``stat`` of a private one).
    None when a file is not a text or None, or ``private`` not a bool (a damaged cache)."""
    where = str(folder)
    paths = [[where, False], [os.path.join(where, REGISTER), False]]
    seen = {p for p, _ in paths}
    for file, private in files:
        if type(private) is not bool or not isinstance(file, _TEXT_OR_NONE):
            return None
        if not file:
            continue
        if private:
            if private_folder is not None:
                candidate = str(private_folder / file)
                paths += [[candidate, False], [candidate, True]]
            continue
        current, (parts, plain) = where, _parts(file)
        if plain:  # where: a folder's name, never "/"
            walked = [current := f"{current}/{part}" for part in parts]
        else:
            walked = [os.path.join(where, *parts[:i + 1]) for i in range(len(parts))]
        for path in walked:
            if path not in seen:
                seen.add(path)
                paths.append([path, False])
    return paths


def _register_digests(entry: dict, folder: Path, private_folder: Path | None) -> tuple[dict[str, str], list] | None:
    """The SHA-256 of the register's text and of each item's file when it passed, by path, and where each item's file
    is (:func:`_item_paths`); None for a damaged entry."""
    items, data = entry.get("items"), entry.get("data")
    if _facts(entry) is None or not isinstance(data, _TEXT_OR_NONE) or not _whole_items(items):
        return None
    digests = {os.path.join(str(folder), REGISTER): data} if data is not None else {}
    item_paths = _item_paths(items, folder, private_folder)
    for fields, path in zip(items, item_paths):
        if path is not None:
            if type(fields[8]) is not str:
                return None
            digests[path] = fields[8]  # the registered digest: the file's own, in a register that passed (else MAT303)
    return digests, item_paths


def _folder_paths(folder: Path) -> list[list]:
    where = str(folder)
    return [[where, False]] + [[os.path.join(where, name), False] for name in (RECORD, SCORES, PUBLICATION)]
