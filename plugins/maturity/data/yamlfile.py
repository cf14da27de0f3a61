"""Reading one YAML data file into plain Python data, with the location of every value.

PyYAML's loaders accept duplicate keys silently, expand aliases (a "billion laughs" risk)
and, in the C composer, crash on very deep nesting. So we build the data ourselves from
the parser's event stream: iteratively (no recursion), with a depth limit, rejecting
aliases and explicit tags, and recording ``(line, column)`` for each key and value.
"""

from __future__ import annotations

import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from maturity import i18n
from maturity.diagnostics import Diagnostic, Location, Severity

try:  # libyaml when present: several times faster than the pure-Python parser
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

MAX_DEPTH = 32
DEFAULT_MAX_BYTES = 2 * 1024 * 1024

Pointer = tuple  # a path into the data: keys and list indexes


class Document:
    """A parsed data file: its data and where each value and key stands in the text.

    Locations are worked out only when first asked for (a diagnostic, ``fmt``, a sheet
    import): most files are valid, and building the data alone is much faster.
    """

    __slots__ = ("path", "_data", "_packed", "_text", "_values", "_keys", "_source", "_digest")

    def __init__(self, path: str, data: Any = None, text: str | None = None, packed: bytes | None = None,
                 source: Path | str | None = None, digest: str | None = None, packed_text: bytes | None = None) -> None:
        self.path = path
        # The file to read the text from when it is first needed (a file whose data came from the build cache, or
        # whose clean verdict was remembered, :mod:`maturity.verdicts`: its text is read only if a finding points into it).
        self._source = source
        # The SHA-256 of the text, when known: with a source, the text read from it must still have it.
        self._digest = digest
        self._data = data
        # The data as the on-disk cache holds it (maturity.cache: compressed JSON), when it came from or went to
        # the cache: :meth:`release` may then drop the Python objects, which are unpacked again if asked for.
        self._packed = packed
        # ``packed_text``: the text already compressed as kept (:func:`pack_text`; a worker process compressed it).
        self._text = packed_text
        if text is not None:
            self.text = text
        locatable = text is not None or packed_text is not None or source is not None
        self._values: dict[Pointer, tuple[int, int]] | None = None if locatable else {}
        self._keys: dict[Pointer, tuple[int, int]] | None = None if locatable else {}

    @property
    def data(self) -> Any:
        if self._data is None and self._packed is not None:
            from maturity.cache import unpack

            self._data = unpack(self._packed)
        elif self._data is None and self._source is not None:  # a remembered file: parsed only if asked for
            text = self.text
            parsed = parse_yaml(text, self.path)[0] if text is not None else None
            self._data = parsed.data if parsed is not None else None
            self.text, self._source = text, None  # the text its data came from, kept to locate findings in it
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self._data, self._packed = value, None

    @property
    def packed(self) -> bytes | None:
        """The data as the on-disk cache holds it, when it came from or went to the cache."""
        return self._packed

    def packed_as(self, packed: bytes | None) -> None:
        """Keep ``packed`` (:func:`maturity.cache.pack` of this data) as the way back after :meth:`release`."""
        self._packed = packed

    def leave_text_in(self, source: Path | str) -> None:
        """Let the kept text go when its SHA-256 is known: it is read again from ``source`` (and must still have that
        digest, else there is none) only if a finding points into it. A cold read kept every file's text, compressed:
        some 4 MB per 1,000 assessments, for the few files a later finding needs (docs/performance.md#unpacked)."""
        if self._digest is not None and self._source is None:
            self._text, self._source = None, source

    def release(self) -> None:
        """Drop the data's Python objects when a packed copy can give them back (a loaded repository keeps what
        it derived — scores, evidence items — and the scores file's raw data is a third of its memory)."""
        if self._packed is not None:
            self._data = None

    @property
    def text(self) -> str | None:
        """The file's text, to locate findings in it. Kept compressed when it was given: it is needed for the few files
        with a finding. A file whose data came from the build cache, or whose text was let go (:meth:`leave_text_in`),
        is read from its source each time it is asked for (once to locate, once for git's object id), not kept."""
        if self._text is None and self._source is not None:
            return self._read_source()
        packed = self._text
        return zlib.decompress(packed).decode("utf-8", "surrogatepass") if packed is not None else None

    @property
    def packed_text(self) -> bytes | None:
        """The text as :func:`pack_text` keeps it (read from the source file, not kept, when only that is known)."""
        if self._text is None and self._source is not None:
            text = self._read_source()
            return pack_text(text) if text is not None else None
        return self._text

    def _read_source(self) -> str | None:
        """The source file's text, while it is the text the data came from (the digest, when known), else None."""
        text, _ = read_text(Path(self._source), self.path)
        if text is not None and self._digest is not None and _sha256(text) != self._digest:
            return None  # changed since its data was checked: not the text that data came from
        return text

    @text.setter
    def text(self, value: str | None) -> None:
        self._text = pack_text(value) if value is not None else None

    @property
    def digest(self) -> str | None:
        """The SHA-256 of the text (what the build cache keys a file's data by); None when there is no text."""
        if self._digest is None:
            text = self.text
            self._digest = _sha256(text) if text is not None else None
        return self._digest

    @property
    def values(self) -> dict[Pointer, tuple[int, int]]:
        """(line, column) of each value, by pointer."""
        if self._values is None:
            self._locate()
        return self._values

    @property
    def keys(self) -> dict[Pointer, tuple[int, int]]:
        """(line, column) of each mapping key, by the pointer of its value."""
        if self._keys is None:
            self._locate()
        return self._keys

    def _locate(self) -> None:
        text = self.text
        if text is None:  # a remembered file that can no longer be read: findings point at its start
            self._values, self._keys = {}, {}
            return
        located = Document(self.path)
        loader = _Loader(text)
        try:
            _build(loader, located, [])
        finally:
            loader.dispose()
        self._values, self._keys = located._values, located._keys

    def at(self, *pointer: Any) -> Location:
        """Location of the value at ``pointer``, or of its nearest located ancestor."""
        p = tuple(pointer)
        values = self.values
        while True:
            if p in values:
                line, col = values[p]
                return Location(self.path, line, col)
            if not p:
                return Location(self.path, 1, 1)
            p = p[:-1]

    def key_at(self, *pointer: Any) -> Location:
        """Location of the key that names ``pointer`` (falls back to the value)."""
        p = tuple(pointer)
        if p in self.keys:
            line, col = self.keys[p]
            return Location(self.path, line, col)
        return self.at(*p)


def pack_text(text: str) -> bytes:
    """A file's text as a :class:`Document` keeps it."""
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


def _sha256(text: str) -> str:
    from maturity.cache import text_digest

    return text_digest(text)


def _diag(path: str, line: int, col: int, key: str, /, **args) -> Diagnostic:
    return Diagnostic.make(path, line, col, key, Severity.ERROR, **args)


def read_text(file: Path, display: str, max_bytes: int = DEFAULT_MAX_BYTES,
              follow_symlinks: bool = False) -> tuple[str | None, list[Diagnostic]]:
    """Read a data file as UTF-8 text, refusing what is not a text data file."""
    diags: list[Diagnostic] = []
    if not follow_symlinks and file.is_symlink():
        # A data file must be the file in the repository, not a pointer to something elsewhere.
        return None, [_diag(display, 0, 0, "MAT017")]
    try:
        size = file.stat().st_size
        if size > max_bytes:
            return None, [_diag(display, 0, 0, "MAT002", size=size, limit=max_bytes)]
        raw = file.read_bytes()
    except OSError as exc:
        return None, [_diag(display, 0, 0, "MAT001", reason=exc.strerror or exc)]
    if b"\x00" in raw:
        return None, [_diag(display, 1, 1, "MAT003")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        diags.append(Diagnostic.make(display, 1, 1, "MAT004", Severity.WARNING))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[start: exc.start].decode("utf-8", errors="replace")) + 1  # in characters, like every column
        diags.append(_diag(display, line, col, "MAT005"))
        return None, diags
    if not text.strip():
        diags.append(_diag(display, 0, 0, "MAT006"))
        return None, diags
    return text, diags


def parse_yaml(text: str, display: str) -> tuple[Document | None, list[Diagnostic]]:
    """Parse YAML text into a :class:`Document`; on failure return diagnostics instead."""
    loader = _Loader(text)
    try:
        return Document(display, _build_fast(loader), text), []
    except (_Irregular, yaml.YAMLError):
        pass  # parse again, locating everything, to say what is wrong and where
    finally:
        loader.dispose()
    try:
        return _parse_located(text, display, _Loader)
    except _TooDeep:
        # libyaml ≥ 0.2.5 (PyYAML 6.0.4's wheels) stops very deep nesting itself while scanning ahead,
        # before our own limit is reached; the pure-Python parser has no such limit, so it finds the
        # exact place where MAX_DEPTH is exceeded and both parsers give the same MAT016.
        return _parse_located(text, display, yaml.SafeLoader)


# The parser's usual complaints, said as an assessor would understand them (the rest are shown as they are).
_PROBLEMS = (("mapping values are not allowed", "yaml_problems.mapping_values"),
             ("did not find expected key", "yaml_problems.expected_key"),
             ("expected <block end>", "yaml_problems.block_end"),
             ("could not find expected ':'", "yaml_problems.colon"),
             ("found unexpected end of stream", "yaml_problems.end_of_stream"),
             ("did not find expected ',' or ']'", "yaml_problems.flow_sequence"),
             ("did not find expected ',' or '}'", "yaml_problems.flow_mapping"),
             ("found character that cannot start any token", "yaml_problems.bad_character"),
             ("did not find expected node content", "yaml_problems.node_content"),
             ("found unknown escape character", "yaml_problems.escape"))


def _in_words(problem) -> str:
    text = str(problem)
    for english, key in _PROBLEMS:
        if english in text:
            return f"{i18n.t(key)}（{text}）"
    return text


class _TooDeep(Exception):
    """libyaml refused the nesting before our own depth check could see it."""


def _parse_located(text: str, display: str, loader_class) -> tuple[Document | None, list[Diagnostic]]:
    doc = Document(display)
    diags: list[Diagnostic] = []
    loader = None
    try:
        loader = loader_class(text)  # the pure-Python reader already checks the characters here
        _build(loader, doc, diags)
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem or "") and loader_class is not yaml.SafeLoader:
            raise _TooDeep from exc
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = exc.problem or exc.context or "syntax error"
        rows = text.split("\n")
        row = rows[mark.line] if mark and mark.line < len(rows) else ""
        tabbed = "\t" in row[: len(row) - len(row.lstrip())] or "tab" in str(problem).lower()
        diags.append(_diag(display, line, col, "MAT010.tab" if tabbed else "MAT010.syntax", problem=_in_words(problem)))
        return None, diags
    except yaml.reader.ReaderError as exc:  # a control character: located by its position in the text
        pos = max(exc.position, 0)
        if loader_class is not yaml.SafeLoader:  # libyaml counts bytes of the UTF-8 text, the Python reader characters
            pos = len(text.encode("utf-8")[:pos].decode("utf-8", errors="ignore"))
        pos = min(pos, len(text))
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        diags.append(_diag(display, line, col, "MAT010.control", char=f"U+{char:04X}"))
        return None, diags
    except yaml.YAMLError as exc:
        diags.append(_diag(display, 0, 0, "MAT010.syntax", problem=exc))
        return None, diags
    finally:
        if loader is not None:
            loader.dispose()
    if any(d.severity is Severity.ERROR for d in diags):
        return None, diags
    return doc, diags


def load_yaml(file: Path, display: str, max_bytes: int = DEFAULT_MAX_BYTES,
              follow_symlinks: bool = False) -> tuple[Document | None, list[Diagnostic]]:
    text, diags = read_text(file, display, max_bytes, follow_symlinks)
    if text is None:
        return None, diags
    doc, more = parse_yaml(text, display)
    return doc, diags + more


class _Container:
    __slots__ = ("value", "pointer", "pending_key", "key_mark")

    def __init__(self, value, pointer):
        self.value = value
        self.pointer = pointer
        self.pending_key = _NO_KEY
        self.key_mark = None


_NO_KEY = object()


class _Irregular(Exception):
    """Something the fast pass does not report itself: the located pass will."""


_EVENTS_DONE = (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)


def _build_fast(loader):
    """The data of a regular file, without locations; raises _Irregular at anything to report."""
    get, check = loader.get_event, loader.check_event
    Scalar, MapStart, SeqStart = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    MapEnd, SeqEnd, DocStart = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.DocumentStartEvent
    stack: list = []
    pending: list = []
    root = None
    documents = 0
    while check():
        event = get()
        kind = type(event)
        if kind is Scalar:
            if event.anchor or (event.tag and not (event.implicit[0] or event.implicit[1]) and event.tag not in ("!", _STR)):
                raise _Irregular
            value = _scalar(loader, event)
            container = False
        elif kind is MapStart or kind is SeqStart:
            if event.anchor or (event.tag and not event.implicit) or len(stack) >= MAX_DEPTH:
                raise _Irregular
            value = {} if kind is MapStart else []
            container = True
        elif kind is MapEnd or kind is SeqEnd:
            stack.pop()
            pending.pop()
            continue
        elif kind is DocStart:
            documents += 1
            if documents > 1:
                raise _Irregular
            continue
        elif kind in _EVENTS_DONE:
            continue
        else:  # an alias
            raise _Irregular
        if stack:
            top = stack[-1]
            if type(top) is list:
                top.append(value)
            elif pending[-1] is _NO_KEY:  # this value is a key
                if container or not isinstance(value, (str, int, bool)):
                    raise _Irregular
                key = value if isinstance(value, str) else str(value)
                if key in top:
                    raise _Irregular
                pending[-1] = key
                continue
            else:
                top[pending[-1]] = value
                pending[-1] = _NO_KEY
        else:
            root = value
        if container:
            stack.append(value)
            pending.append(_NO_KEY)
    return root


def _build(loader, doc: Document, diags: list[Diagnostic]) -> None:
    """Compose the single document from events, iteratively."""
    path = doc.path
    stack: list[_Container] = []
    documents = 0
    root_set = False

    def place(value, mark, pointer_for_child=None):
        """Attach a finished value to the current container; return its pointer."""
        nonlocal root_set
        line, col = mark.line + 1, mark.column + 1
        if not stack:
            doc.data = value
            root_set = True
            doc.values[()] = (line, col)
            return ()
        top = stack[-1]
        if isinstance(top.value, list):
            pointer = top.pointer + (len(top.value),)
            top.value.append(value)
            doc.values[pointer] = (line, col)
            return pointer
        # mapping: either this is a key or a value
        if top.pending_key is _NO_KEY:
            if not isinstance(value, (str, int, bool)) or isinstance(value, _Container):
                diags.append(_diag(path, line, col, "MAT013"))
                top.pending_key = None
                return None
            key = value if isinstance(value, str) else str(value)
            if key in top.value:
                first = doc.keys.get(top.pointer + (key,))
                diags.append(_diag(path, line, col, "MAT011", key=key, first=first[0] if first else "?"))
                top.pending_key = None  # keep the first, still consume the value
            else:
                top.pending_key = key
                top.key_mark = (line, col)
            return None
        key = top.pending_key
        top.pending_key = _NO_KEY
        if key is None:
            return None
        pointer = top.pointer + (key,)
        top.value[key] = value
        doc.values[pointer] = (line, col)
        doc.keys[pointer] = top.key_mark
        return pointer

    while loader.check_event():
        event = loader.get_event()
        kind = type(event)
        if kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                m = event.start_mark
                diags.append(_diag(path, m.line + 1, m.column + 1, "MAT014"))
                return
        elif kind is yaml.AliasEvent or getattr(event, "anchor", None):
            m = event.start_mark
            diags.append(_diag(path, m.line + 1, m.column + 1, "MAT012"))
            return
        elif kind is yaml.ScalarEvent:
            if event.tag and not (event.implicit[0] or event.implicit[1]) and event.tag not in ("!", "tag:yaml.org,2002:str"):
                m = event.start_mark
                diags.append(_diag(path, m.line + 1, m.column + 1, "MAT015", tag=event.tag))
                return
            value = _scalar(loader, event)
            place(value, event.start_mark)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.tag and not event.implicit:
                m = event.start_mark
                diags.append(_diag(path, m.line + 1, m.column + 1, "MAT015", tag=event.tag))
                return
            if len(stack) >= MAX_DEPTH:
                m = event.start_mark
                diags.append(_diag(path, m.line + 1, m.column + 1, "MAT016", limit=MAX_DEPTH))
                return
            container = {} if kind is yaml.MappingStartEvent else []
            if stack and isinstance(stack[-1].value, dict) and stack[-1].pending_key is _NO_KEY:
                m = event.start_mark
                diags.append(_diag(path, m.line + 1, m.column + 1, "MAT013"))
                return
            pointer = place(container, event.start_mark)
            stack.append(_Container(container, pointer if pointer is not None else ("?",)))
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            stack.pop()


_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class DateText(str):
    """A plain (unquoted) YAML date such as 2026-03-02, kept as its text.

    Data stays JSON-like (strings, numbers, booleans), so schemas and digests need no special
    case, while ``maturity fmt`` can still write it back unquoted.
    """

    __slots__ = ()


_RESOLVER = yaml.resolver.Resolver()  # YAML 1.1 implicit types, exactly as the safe loaders resolve them
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


@lru_cache(maxsize=1 << 16)  # a pure function of the text: data files repeat the same few values
def _plain(value: str):
    """The value of a plain (unquoted, untagged) scalar."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    if tag == _STR:
        return value
    if tag == _TIMESTAMP:
        return DateText(value)  # checked as a date by the schema (MAT024)
    try:
        return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, value))
    except (ValueError, KeyError):
        return value


def _scalar(loader, event):
    value = event.value
    if event.style:  # quoted or block scalars are always text
        return value
    if not event.tag or event.tag == "!":
        return _plain(value)
    node = yaml.ScalarNode(event.tag, value, event.start_mark, event.end_mark, event.style)
    try:
        return loader.construct_object(node, deep=True)
    except ValueError:
        return value
