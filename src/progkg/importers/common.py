"""What every importer needs: reading a release (folder, zip or file), decoding it, reading
its CSV tables with located errors, and writing N-Quads lines fast.

Why N-Quads lines and not rdflib: a ROME release is about a million triples. Building them
as Python objects through ``Graph.add`` takes minutes and gigabytes; formatting one line per
triple and letting Oxigraph bulk-load the file takes seconds. Every IRI written here is built
from a value checked against a pattern first, and every literal is escaped, so the file is
always valid N-Quads (the tests parse it back).

Why so much care about errors: official releases are downloaded by users, and downloads get
truncated, re-saved by a spreadsheet in another encoding, or come from a newer release with a
renamed column. Each of these must stop the import with one message naming the file, line and
column, and leave the store exactly as it was.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import functools
import io
import os
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from progkg.errors import ProgkgError, located

Progress = Callable[[str], None]

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# --- Reading a release: a folder, a zip archive or a single file ----------------------------


def _zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's real name: zips made on Windows store UTF-8 names without the UTF-8
    flag, which :mod:`zipfile` then decodes as cp437 ("Comp├⌐tences")."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("utf-8")
    return name


class Release:
    """The files of a downloaded release, whether the user gives a folder, a zip or one file.

    Members are known by their base name (a zip's inner folders do not matter).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, object] = {}
        if not path.exists():
            raise ProgkgError(f"{path}: no such file or folder")
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith("."):
                    self._members.setdefault(child.name, child)
        elif zipfile.is_zipfile(path) or path.suffix.lower() == ".zip":
            try:
                self._zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ProgkgError(
                    f"{path}: not a readable zip archive ({exc}); the download is probably truncated "
                    "or damaged: download it again"
                ) from None
            for info in self._zip.infolist():
                if info.is_dir():
                    continue
                name = _zip_member_name(info).rsplit("/", 1)[-1]
                if name and not name.startswith("."):
                    self._members.setdefault(name, info)
        else:
            self._members[path.name] = path

    @property
    def names(self) -> list[str]:
        return sorted(self._members)

    def display(self, name: str) -> str:
        """How to name a member in messages: ``folder/file`` or ``archive.zip!file``."""
        member = self._members[name]
        if self._zip is not None:
            return f"{self.path}!{_zip_member_name(member)}"  # type: ignore[arg-type]
        return str(member)

    def read(self, name: str) -> bytes:
        member = self._members[name]
        if self._zip is None:
            try:
                return Path(member).read_bytes()  # type: ignore[arg-type]
            except OSError as exc:
                raise ProgkgError(f"{member}: cannot read: {exc.strerror or exc}") from None
        try:
            return self._zip.read(member)  # type: ignore[arg-type]
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise ProgkgError(
                f"{self.display(name)}: cannot be read from the archive ({exc}); the download is "
                "probably truncated or damaged: download it again"
            ) from None

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


# --- Decoding ------------------------------------------------------------------------------

#: Characters that French text in a single-byte Windows or Latin-9 file plausibly holds.
#: A decoding that yields anything else (a "½" inside a word, a control character) is wrong.
_FRENCH = set("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ’‘“”«»–—…•°€\u00a0²³§ñÑíóúáÁ")
_SINGLE_BYTE = (("cp1252", "Windows-1252"), ("iso8859_15", "ISO-8859-15 (Latin-9)"))


def _implausible(text: str) -> int:
    return sum(1 for ch in text if ord(ch) > 126 and ch not in _FRENCH)


def decode(data: bytes, display: str) -> tuple[str, str | None]:
    """Decode a release file: UTF-8 (strictly), else the one single-byte encoding that yields
    plausible French text. Returns the text and, when it was not UTF-8, the encoding used.

    Why not trust the file name: ROME v460 ships a ``…_utf8.csv`` that is not UTF-8. Why not
    fall back blindly: a file re-saved in yet another encoding would import as mojibake, so
    anything that is neither UTF-8 nor plausibly French in Windows-1252 / Latin-9 is refused,
    naming the first byte at fault.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:  # text never holds NUL bytes; UTF-16 (a spreadsheet's "Unicode text") does
        line = data.count(b"\n", 0, nul) + 1
        raise ProgkgError(
            located(
                display,
                "holds NUL bytes: wrong encoding (UTF-16?) or not a text file; use the file as published, "
                "or save it as UTF-8",
                line,
                nul - (data.rfind(b"\n", 0, nul) + 1) + 1,
            )
        )
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    for codec, name in _SINGLE_BYTE:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if not _implausible(text):
            return text, name
    line = data.count(b"\n", 0, first_bad) + 1
    column = first_bad - (data.rfind(b"\n", 0, first_bad) + 1) + 1
    raise ProgkgError(
        located(
            display,
            f"not valid UTF-8 (byte 0x{data[first_bad]:02x}) nor French text in Windows-1252 or Latin-9: "
            "wrong encoding? Use the file as published, or save it as UTF-8",
            line,
            column,
        )
    )


# --- Text values -----------------------------------------------------------------------------

_C1 = re.compile("[\u0080-\u009f]")
_CONTROL = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]")
_SUSPECT = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]")


def _c1_to_cp1252(match: re.Match[str]) -> str:
    try:
        return bytes([ord(match.group())]).decode("cp1252")
    except UnicodeDecodeError:
        return ""


def clean_text(value: str) -> str:
    """A label as the publisher meant it.

    Fixes the publishers' known slips: Windows-1252 characters stored as C1 control codes
    (``l\\x92innovation`` → ``l’innovation``, ``\\x9cuvre`` → ``œuvre``), apostrophes doubled
    by an SQL export (``d''affaires``), stray control characters and surrounding blanks.
    """
    if _SUSPECT.search(value):
        value = _C1.sub(_c1_to_cp1252, value)
        value = _CONTROL.sub("", value)
    if "''" in value:
        value = value.replace("''", "'")
    return value.strip()


@functools.lru_cache(maxsize=8192)
def slug(text: str) -> str:
    """The project's slug rule (docs/modelling.md): lower case, accents removed, words joined by
    ``-``, apostrophes as ``-``."""
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# --- N-Quads output --------------------------------------------------------------------------

_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def escape_literal(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


class NQuads:
    """Writes triples of one named graph as N-Quads lines to a text stream.

    IRIs passed in are trusted to be safe (built from checked codes); :meth:`safe_iri` checks
    the ones that come from the data (URLs).
    """

    def __init__(self, out: TextIO, graph: str) -> None:
        self._write = out.write
        self.graph = f"<{graph}>"
        self.count = 0

    def iri(self, s: str, p: str, o: str) -> None:
        self._write(f"<{s}> <{p}> <{o}> {self.graph} .\n")
        self.count += 1

    def a(self, s: str, cls: str) -> None:
        self.iri(s, RDF_TYPE, cls)

    def text(self, s: str, p: str, value: str, lang: str | None = "fr") -> None:
        """A string literal (language-tagged unless ``lang`` is None); empty values are skipped."""
        if not value:
            return
        suffix = f"@{lang}" if lang else ""
        self._write(f'<{s}> <{p}> "{escape_literal(value)}"{suffix} {self.graph} .\n')
        self.count += 1

    def typed(self, s: str, p: str, lexical: str, datatype: str) -> None:
        self._write(f'<{s}> <{p}> "{escape_literal(lexical)}"^^<{datatype}> {self.graph} .\n')
        self.count += 1

    def boolean(self, s: str, p: str, value: bool) -> None:
        self.typed(s, p, "true" if value else "false", XSD + "boolean")

    def date(self, s: str, p: str, value: date) -> None:
        self.typed(s, p, value.isoformat(), XSD + "date")

    @staticmethod
    def safe_iri(value: str) -> bool:
        return bool(value) and re.match(r"^https?://", value) is not None and not _IRI_UNSAFE.search(value)


def describe_source(out: NQuads, source: str, received: str, members: list[str]) -> None:
    """Name the files a release came in: the release itself is the file or folder the user gave
    (one ``pk:sourceFile``), and each file read from it is a ``pk:SourceDocument`` of its own,
    part of the release (``dct:hasPart``)."""
    pk, dct = "https://w3id.org/progkg/ontology#", "http://purl.org/dc/terms/"
    out.text(source, pk + "sourceFile", received, None)
    for name in members:
        part = f"{source}/{slug(name)}"
        out.iri(source, dct + "hasPart", part)
        out.a(part, pk + "SourceDocument")
        out.text(part, dct + "title", name, None)
        out.text(part, pk + "sourceFile", name, None)
        out.iri(part, dct + "isPartOf", source)


# --- Tables: CSV files and XML item lists ------------------------------------------------------


@dataclass
class Row:
    """One record of a table, with what is needed to report a bad value where it stands."""

    display: str
    line: int
    index: dict[str, int]
    values: Sequence[str]
    #: where the record starts on its line, for formats whose records share lines (ONISEP's XML
    #: is one line of several MB); errors then name this column rather than the field's number
    column: int | None = None

    def get(self, column: str) -> str:
        """The value of ``column`` ("" when the column is optional and absent)."""
        i = self.index.get(column)
        if i is None or i >= len(self.values):
            return ""
        return self.values[i]

    def fail(self, column: str, message: str) -> ProgkgError:
        """An error naming file, line, column number and column name (on one line: a value's
        own line breaks are shown escaped)."""
        i = self.index.get(column)
        message = _LINE_BREAK.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), message)
        where = self.column if self.column is not None else (None if i is None else i + 1)
        return ProgkgError(located(self.display, f'column "{column}": {message}', self.line, where))

    def code(self, column: str, pattern: re.Pattern[str], what: str, required: bool = True) -> str:
        """A code matching ``pattern`` (after trimming blanks and the TABs some exports prefix);
        "" when empty and not required."""
        value = self.get(column).strip(" \t\r\n\u00a0")
        if not value:
            if required:
                raise self.fail(column, f"is empty; expected {what}")
            return ""
        if not pattern.fullmatch(value):
            raise self.fail(column, f'"{_show(value)}" is not {what}')
        return value

    def flag(self, column: str, yes: Sequence[str], no: Sequence[str]) -> bool | None:
        """A yes/no value: True, False, or None when empty."""
        value = self.get(column).strip()
        if not value:
            return None
        if value in yes:
            return True
        if value in no:
            return False
        expected = " or ".join(f'"{v}"' for v in (*yes, *no))
        raise self.fail(column, f'"{_show(value)}" is not a yes/no value (expected {expected} or empty)')

    def date_fr(self, column: str) -> date | None:
        """A dd/mm/yyyy date (as France Compétences writes them), or None when empty."""
        value = self.get(column).strip()
        if not value:
            return None
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
        if m:
            try:
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                pass
        raise self.fail(column, f'"{_show(value)}" is not a date (expected dd/mm/yyyy)')


_LINE_BREAK = re.compile("[\n\r\u0085\u2028\u2029]")
_UNPRINTABLE = re.compile("[\u0000-\u001f\u007f-\u009f\u2028\u2029]")


def _show(value: str, limit: int = 60) -> str:
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return shown.encode("unicode_escape").decode("ascii") if _UNPRINTABLE.search(shown) else shown


@dataclass
class Table:
    """A table read from a release file: its header and its rows, with locations."""

    display: str
    columns: list[str]
    rows: Iterator[Row]
    encoding: str | None = None
    index: dict[str, int] = field(default_factory=dict)


def check_columns(
    display: str, found: Sequence[str], required: Sequence[str], line: int = 1
) -> dict[str, int]:
    """Map column names to positions, refusing a header that lacks a required column (and
    suggesting the renamed one)."""
    index: dict[str, int] = {}
    for i, name in enumerate(found):
        index.setdefault(name.strip(), i)
    for name in required:
        if name not in index:
            close = difflib.get_close_matches(name, list(index), n=1, cutoff=0.6)
            hint = f' (renamed "{_show(close[0])}"?)' if close else ""
            raise ProgkgError(
                located(
                    display,
                    f'missing column "{name}"{hint}; the header has: {", ".join(map(_show, found))}. '
                    "Is this file from another version of the release?",
                    line,
                )
            )
    return index


def read_csv(
    text: str,
    display: str,
    required: Sequence[str],
    delimiter: str = ",",
    encoding: str | None = None,
    first_line: int = 1,
) -> Table:
    """Read a CSV release file with :mod:`csv`, checking its header and the width of each row.

    ``first_line``: the file's line number of the header, when ``text`` is the part of a file
    from its header on (the ESCO-ROME crosswalk has metadata lines before its table).

    Blank lines between records (ROME's multi-paragraph definitions leave some) are skipped.
    Each row knows the line it starts on, even when a quoted value spans several lines.
    CRLF line endings (a file saved on Windows) become LF first, inside quoted values too, so
    that such a file gives the same values, hence the same triples, as the original.
    """
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ProgkgError(located(display, "the file is empty (no header row)", first_line)) from None
    except csv.Error as exc:
        raise ProgkgError(located(display, f"malformed CSV header: {exc}", first_line)) from None
    index = check_columns(display, header, required, first_line)
    width = len(header)

    def rows() -> Iterator[Row]:
        while True:
            start = first_line + reader.line_num
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ProgkgError(located(display, f"malformed CSV: {exc}", start)) from None
            if not values or (len(values) == 1 and not values[0].strip()):
                continue
            if len(values) != width:
                raise ProgkgError(
                    located(
                        display,
                        f"{len(values)} fields where the header has {width} "
                        f"(a stray {delimiter!r} or quote in a value?)",
                        start,
                    )
                )
            yield Row(display, start, index, values)

    return Table(display, header, rows(), encoding, index)


def read_release_csv(
    release: Release, name: str, required: Sequence[str], progress: Progress, delimiter: str = ","
) -> Table:
    """Read and decode one CSV member of a release, saying so when it is not UTF-8."""
    display = release.display(name)
    text, encoding = decode(release.read(name), display)
    if encoding:
        progress(f"  {name}: not UTF-8 despite its name; read as {encoding}")
    return read_csv(text, display, required, delimiter, encoding)


# --- Running an import -----------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did: triples written, counts worth checking, warnings shown."""

    kind: str
    quads: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    build: object | None = None


def import_release(
    kind: str,
    graph: str,
    generate: Callable[[Release, NQuads, ImportReport, Progress], None],
    path: Path,
    build_dir: Path,
    progress: Progress,
    res: object | None = None,
) -> ImportReport:
    """Open the release at ``path`` (a folder, a zip or one file) and :func:`run_import` it with
    ``generate``, closing the release whatever happens: what every importer does."""
    release = Release(path)
    try:

        def write(out: NQuads, report: ImportReport) -> None:
            generate(release, out, report, progress)

        return run_import(kind, write, graph, build_dir, progress, res)
    finally:
        release.close()


def run_import(
    kind: str,
    generate: Callable[[NQuads, ImportReport], None],
    graph: str,
    build_dir: Path,
    progress: Progress,
    res: object | None = None,
) -> ImportReport:
    """Write the import's quads to a temporary file, then rebuild the store with it standing
    for ``build/imports/<kind>.nq``. Nothing is changed unless both steps succeed.

    The build folder's write lock is held from the start: an import while a build or another
    import runs is refused at once (not after minutes of reading the release), and a build
    cannot start in the middle of an import. Temporary files left by a killed import
    (SIGKILL, or SIGTERM, which skips clean-up) are removed first.
    """
    from progkg import paths
    from progkg.build import build
    from progkg.store import IMPORTS_DIR, write_lock

    resources = res if res is not None else paths.resources()
    folder = build_dir / IMPORTS_DIR
    report = ImportReport(kind)
    with write_lock(build_dir, "import"):
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(".*.nq.tmp"):  # under the lock, no other import is writing
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
        tmp = folder / f".{kind}.{os.getpid()}.nq.tmp"
        try:
            with open(tmp, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as fh:
                out = NQuads(fh, graph)
                generate(out, report)
                report.quads = out.count
            progress(f"{kind}: {report.quads} triples generated; rebuilding the store")
            report.build = build(resources, build_dir, progress, replace_import=(kind, tmp))  # type: ignore[arg-type]
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    return report
