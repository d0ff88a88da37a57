"""`progkg validate --changed`: re-validate only the focus nodes a new build can have changed.

Why it is sound: a constraint's result for a focus node depends only on the triples its
query can reach from that node — the shape's targets, its path, the type of a value for
``sh:class``, the triple patterns of a ``sh:sparql`` query. So each compiled check gets a
*reach* (:class:`Reach`): the predicates its patterns use, the predicates it walks along, and
how many steps from the focus node the farthest pattern starts. A changed triple can only
change the results of a check that uses its predicate, and only for the nodes within that
many steps of the triple (walking the check's predicates both ways, in the old and the new
data: a removed link counts as much as an added one). Those nodes are re-validated; every
other focus node keeps the results recorded by the last run.

Everything that can change the reach itself — the shapes, the ontology graph, any
``rdfs:subClassOf`` (class targets follow it), the engine, progkg's validation code — makes
the run a full one, and so does a check whose reach cannot be bounded (a path with ``*`` or
``+``, a ``sh:sparql`` query with a variable predicate or a pattern not joined to
``$this``): that check alone is re-run whole.

What is recorded (``build/validation/``): ``data.nq``, a hard link to the
``build/progkg.nq`` that was validated (the build replaces that file by a rename, so the link
keeps the old version at no cost), and ``results.json``: the fingerprint, the engine and
every result with its messages and labels. The dumps are sorted N-Quads, so one streaming
merge of the old and the new gives the exact quads added and removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef, Variable
from rdflib.namespace import RDF, RDFS, SH
from rdflib.paths import AlternativePath, InvPath, SequencePath
from rdflib.term import Node

import progkg
from progkg import store as st
from progkg.errors import ProgkgError
from progkg.namespaces import GRAPH
from progkg.validation.report import PathExpr, ValidationReport, ValidationResult
from progkg.validation.sparql_engine import Check
from progkg.validation.terms import to_oxigraph, to_rdflib

Progress = Callable[[str], None]

RECORD_DIR = "validation"
RESULTS_FILE = "results.json"
DATA_FILE = "data.nq"
REACH_FILE = "reach.json"
FORMAT = 1
#: Above this share of changed quads a full run is cheaper than finding what changed.
MAX_CHANGED_SHARE = 0.30
ONTOLOGY_GRAPH = str(GRAPH) + "ontology"
#: The code whose change can change results: a new version re-validates everything.
_CODE = ("sparql_engine.py", "shapes.py", "report.py", "incremental.py", "pyshacl_engine.py", "terms.py")


def fingerprint(shapes_file: Path, engine: str) -> str:
    """What the recorded results depend on besides the data: shapes, engine, progkg's code."""
    digest = hashlib.sha256(f"progkg {progkg.__version__} format {FORMAT} engine {engine}\n".encode())
    digest.update(shapes_file.read_bytes())
    here = Path(__file__).parent
    for name in _CODE:
        with contextlib.suppress(OSError):
            digest.update((here / name).read_bytes())
    return digest.hexdigest()


# --- the record -------------------------------------------------------------------------------


def _term(term: Node | None) -> list | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ["u", str(term)]
    if isinstance(term, BNode):
        return ["b", str(term)]
    if isinstance(term, Literal):
        return ["l", str(term), str(term.datatype) if term.datatype else "", term.language or ""]
    raise TypeError(f"not an RDF term: {term!r}")


def _unterm(data: list | None) -> Node | None:
    if data is None:
        return None
    if data[0] == "u":
        return URIRef(data[1])
    if data[0] == "b":
        return BNode(data[1])
    _, text, datatype, lang = data
    return Literal(text, lang=lang or None, datatype=URIRef(datatype) if datatype else None)


def _path(path: PathExpr | None):
    if path is None or isinstance(path, URIRef):
        return _term(path)
    kind, inner = path
    if isinstance(inner, tuple):
        return [kind, [_path(p) for p in inner]]
    return [kind, _path(inner)]


def _unpath(data) -> PathExpr | None:
    if data is None:
        return None
    if data[0] == "u":
        return URIRef(data[1])
    kind, inner = data
    if kind in ("alternative", "sequence"):
        return (kind, tuple(_unpath(p) for p in inner))
    return (kind, _unpath(inner))


class _Table:
    """Distinct values of one kind, numbered: results repeat focus nodes, shapes, paths and
    message templates thousands of times, so each is encoded (and later decoded) once."""

    def __init__(self, encode: Callable) -> None:
        self.encode = encode
        self.index: dict = {}
        self.rows: list = []

    def __call__(self, value) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.rows)
            self.rows.append(self.encode(value))
        return found


def _pairs(pairs: tuple[tuple[str, str], ...]) -> list:
    return [list(p) for p in pairs]


def _encode_results(results: list[ValidationResult]) -> dict:
    terms = _Table(_term)
    paths = _Table(_path)
    texts = _Table(_pairs)
    rows = [
        [
            terms(r.focus),
            r.severity,
            terms(r.source_shape),
            terms(r.component),
            paths(r.path),
            terms(r.value),
            texts(r.messages),
            terms(r.source_constraint),
            texts(r.labels),
        ]
        for r in results
    ]
    return {"terms": terms.rows, "paths": paths.rows, "texts": texts.rows, "results": rows}


def _decode_results(payload: dict) -> list[ValidationResult]:
    terms = [_unterm(t) for t in payload["terms"]]
    paths = [_unpath(p) for p in payload["paths"]]
    texts = [tuple(tuple(p) for p in t) for t in payload["texts"]]
    return [
        ValidationResult(
            focus=terms[focus],
            severity=severity,
            source_shape=terms[shape],
            component=terms[component],
            path=paths[path],
            value=terms[value],
            messages=texts[messages],
            source_constraint=terms[constraint],
            labels=texts[labels],
        )
        for focus, severity, shape, component, path, value, messages, constraint, labels in payload["results"]
    ]


def record_dir(build_dir: Path) -> Path:
    return build_dir / RECORD_DIR


def link_dump(build_dir: Path) -> Path | None:
    """A hard link to ``build/progkg.nq`` as it is now, to record once validation succeeds.

    Taken before the data is read, so that what gets recorded is what was validated even if
    a build publishes a new dump meanwhile (:func:`record` checks that). None when there is
    no dump or the file system refuses hard links (``--changed`` then runs in full).
    """
    dump = build_dir / st.DUMP_FILE
    if not dump.is_file():
        return None
    folder = record_dir(build_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _sweep(folder)
        tmp = folder / f".{DATA_FILE}.{os.getpid()}.tmp"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.link(dump, tmp)
    except OSError:
        return None
    return tmp


def _sweep(folder: Path) -> None:
    """Remove links left by validations that were killed (each holds a whole old dump)."""
    for stale in folder.glob(f".{DATA_FILE}.*.tmp"):
        try:
            pid = int(stale.name.split(".")[-2])
            os.kill(pid, 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                stale.unlink()
        except (ValueError, OSError):
            continue


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def record(
    build_dir: Path,
    linked: Path | None,
    report: ValidationReport,
    fp: str,
    validated: Path,
    quads: int | None = None,
) -> None:
    """Keep ``report`` and the data it is about for the next ``--changed`` run.

    ``validated`` is the file that was read (``build/progkg.nq``, or the link itself): when
    it is no longer the linked one, the data changed under the run and nothing is recorded.
    The data link is published first and the results name its inode, so a run killed in
    between leaves a record that the next run recognises as incomplete.
    """
    folder = record_dir(build_dir)
    if linked is None or not _same_file(linked, validated):
        if linked is not None:
            with contextlib.suppress(OSError):
                linked.unlink()
        with contextlib.suppress(OSError):
            (folder / RESULTS_FILE).unlink()
        return
    data = folder / DATA_FILE
    os.replace(linked, data)
    info = data.stat()
    if quads is None:
        with open(data, "rb") as fh:
            quads = _count_lines(fh)
    payload = {
        "quads": quads,
        "format": FORMAT,
        "fingerprint": fp,
        "engine": report.engine,
        "data": {"inode": info.st_ino, "size": info.st_size},
        **_encode_results(report.results),
    }
    st.atomic_write(folder / RESULTS_FILE, json.dumps(payload, ensure_ascii=False).encode("utf-8"))


@dataclass
class Record:
    engine: str
    fingerprint: str
    results: list[ValidationResult]
    data: Path
    quads: int


def read_record(build_dir: Path) -> tuple[Record | None, str]:
    """The last run's record, or None and why it cannot be used."""
    folder = record_dir(build_dir)
    try:
        payload = json.loads((folder / RESULTS_FILE).read_bytes())
    except FileNotFoundError:
        return None, "no earlier validation is recorded"
    except (OSError, ValueError) as exc:
        return None, f"the recorded validation cannot be read ({exc})"
    data = folder / DATA_FILE
    try:
        info = data.stat()
        if payload.get("format") != FORMAT:
            return None, "the recorded validation is of an older format"
        if (info.st_ino, info.st_size) != (payload["data"]["inode"], payload["data"]["size"]):
            return None, "the recorded validation is incomplete"
        results = _decode_results(payload)
    except (OSError, KeyError, TypeError, ValueError, IndexError):
        return None, "the recorded validation is incomplete"
    return Record(payload["engine"], payload["fingerprint"], results, data, int(payload["quads"])), ""


# --- what changed -----------------------------------------------------------------------------


@dataclass
class Diff:
    """The quads added and removed between two sorted N-Quads dumps."""

    added: list[ox.Quad]
    removed: list[ox.Quad]
    old_count: int
    new_count: int

    @property
    def graphs(self) -> set[str]:
        return {
            q.graph_name.value for q in self.added + self.removed if isinstance(q.graph_name, ox.NamedNode)
        }


_BLOCK = 1 << 20


def _equal_prefix(a, i: int, b, j: int, limit: int) -> int:
    """How many bytes ``a[i:]`` and ``b[j:]`` have in common, up to ``limit`` (blockwise, then
    by halving: the dumps of two builds are mostly identical runs of bytes)."""
    done = 0
    step = _BLOCK
    while done < limit:
        step = min(step, limit - done)
        if a[i + done : i + done + step] == b[j + done : j + done + step]:
            done += step
            step = step * 2 if step < _BLOCK else step
        elif step == 1:
            break
        else:
            step //= 2
    return done


def _count_lines(fh) -> int:
    fh.seek(0)
    return sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 24), b""))


def _line(data, start: int) -> bytes | None:
    if start >= len(data):
        return None
    end = data.find(b"\n", start)
    return data[start : len(data) if end < 0 else end + 1]


def diff_dumps(
    old: Path, new: Path, limit: float = MAX_CHANGED_SHARE, old_count: int | None = None
) -> Diff | None:
    """The exact difference of two sorted dumps, or None when more than ``limit`` of the
    quads changed (a full run is then cheaper).

    A merge of the sorted lines, skipping identical stretches of bytes in blocks rather than
    line by line: a rebuild after editing a few sources leaves most of the dump byte for byte
    as it was.
    """
    import mmap

    added: list[bytes] = []
    removed: list[bytes] = []
    with open(old, "rb") as fa, open(new, "rb") as fb:
        a = mmap.mmap(fa.fileno(), 0, access=mmap.ACCESS_READ) if old.stat().st_size else b""
        b = mmap.mmap(fb.fileno(), 0, access=mmap.ACCESS_READ) if new.stat().st_size else b""
        try:
            if old_count is None:
                old_count = _count_lines(fa)
            cap = limit * max(old_count, 1)
            i = j = 0
            while True:
                same = _equal_prefix(a, i, b, j, min(len(a) - i, len(b) - j))
                if i + same == len(a) and j + same == len(b):
                    break
                # i and j are at line starts: move both to the start of the first differing line
                newline = a.rfind(b"\n", i, i + same)
                step = newline + 1 - i if newline >= 0 else 0
                i, j = i + step, j + step
                # merge line by line until the two sides agree again
                while True:
                    line_a = _line(a, i)
                    line_b = _line(b, j)
                    if line_a is None and line_b is None:
                        break
                    if line_b is None or (line_a is not None and line_a < line_b):
                        removed.append(line_a)
                        i += len(line_a)
                    elif line_a is None or line_b < line_a:
                        added.append(line_b)
                        j += len(line_b)
                    else:
                        break  # the same line: back to comparing blocks
                    if len(added) + len(removed) > cap:
                        return None
                if i == len(a) and j == len(b):
                    break
        finally:
            for m in (a, b):
                if isinstance(m, mmap.mmap):
                    m.close()
    new_count = old_count + len(added) - len(removed)
    return Diff(_parse(added, new), _parse(removed, old), old_count, new_count)


def _parse(lines: list[bytes], source: Path) -> list[ox.Quad]:
    if not lines:
        return []
    try:
        return list(ox.parse(b"".join(lines), format=ox.RdfFormat.N_QUADS))
    except SyntaxError as exc:
        raise ProgkgError(f"{source}: {exc}") from None


# --- how far each check reaches ---------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """What a check reads around a focus node.

    ``uses``: each predicate of its patterns, with how many ``walks`` steps from the focus
    node the nearer end of a triple of that predicate can lie (a changed triple with another
    predicate cannot change the check's results); ``walks``: the predicates joining the focus
    node to the farther patterns; ``literals``: whether it joins two patterns on a literal.
    """

    uses: frozenset[tuple[str, int]]
    walks: frozenset[str] = frozenset()
    literals: bool = False

    @property
    def depth(self) -> int:
        return max((d for _, d in self.uses), default=0)


def _deepest(*maps: dict[str, int]) -> dict[str, int]:
    found: dict[str, int] = {}
    for depths in maps:
        for predicate, depth in depths.items():
            found[predicate] = max(depth, found.get(predicate, 0))
    return found


def _path_predicates(path: PathExpr) -> tuple[set[str], int] | None:
    """(predicates, length) of a SHACL path, None when unbounded."""
    if isinstance(path, URIRef):
        return {str(path)}, 1
    kind, inner = path
    if kind == "inverse":
        return _path_predicates(inner)
    if kind in ("alternative", "sequence"):
        preds: set[str] = set()
        lengths = []
        for part in inner:
            found = _path_predicates(part)
            if found is None:
                return None
            preds |= found[0]
            lengths.append(found[1])
        return preds, (sum(lengths) if kind == "sequence" else max(lengths))
    if kind == "zeroOrOne":
        return _path_predicates(inner)
    return None  # zeroOrMore, oneOrMore: no bound


def _target_predicates(targets: Iterable[tuple[URIRef, Node]]) -> set[str]:
    preds = set()
    for kind, value in targets:
        if kind == SH.targetClass:
            preds.add(str(RDF.type))
        elif kind in (SH.targetSubjectsOf, SH.targetObjectsOf):
            preds.add(str(value))
    return preds


def check_reach(check: Check, targets: list[tuple[URIRef, Node]], cache: dict | None = None) -> Reach | None:
    """The :class:`Reach` of a compiled check, or None when it cannot be bounded.

    ``cache`` keeps the reach of ``sh:sparql`` queries by their text (reading a query's
    algebra with rdflib takes about half a second).
    """
    shape = check.shape
    uses = {p: 0 for p in _target_predicates(targets)}  # a target triple touches its focus node
    walks: set[str] = set()
    if shape.is_property:
        found = _path_predicates(shape.path)
        if found is None:
            return None
        preds, length = found
        uses = _deepest(uses, {p: length - 1 for p in preds})  # the nearer end of the path's last triple
        walks |= preds
        value_steps = length
    else:
        value_steps = 0
    for parameter, value in shape.parameters:
        if parameter == SH["class"]:
            uses = _deepest(uses, {str(RDF.type): value_steps})  # ?v a ?class: its subject is the value
        elif parameter in (SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint):
            uses = _deepest(uses, {str(value): 0})  # ?this other ?_other
        elif parameter == SH.closed:
            return None  # every predicate of the focus node counts
    if shape.uses_other_shapes:
        return None  # conformance to other shapes (sh:node, sh:or…): their paths are not walked here
    if check.focus_query is not None or check.multiplicity is not None or "?_f" in check.query:
        return None  # run once per focus node, or under a property shape: re-run whole
    if check.constraint is None:
        return Reach(frozenset(uses.items()), frozenset(walks))
    select = check.constraint.select
    key = hashlib.sha256(Path(__file__).read_bytes() + select.encode("utf-8")).hexdigest()
    if cache is not None and key in cache:
        known = cache[key]
        sparql = (
            None
            if known is None
            else Reach(frozenset((p, d) for p, d in known[0]), frozenset(known[1]), known[2])
        )
    else:
        sparql = sparql_reach(select)
        if cache is not None:
            cache[key] = (
                None if sparql is None else [sorted(sparql.uses), sorted(sparql.walks), sparql.literals]
            )
    if sparql is None:
        return None
    return Reach(
        frozenset(_deepest(uses, dict(sparql.uses)).items()),
        frozenset(walks | sparql.walks),
        sparql.literals,
    )


class _Unbounded(Exception):
    pass


def _rdf_path(pred) -> tuple[set[str], int]:
    if isinstance(pred, URIRef):
        return {str(pred)}, 1
    if isinstance(pred, InvPath):
        return _rdf_path(pred.arg)
    if isinstance(pred, SequencePath) and any(isinstance(p, InvPath) for p in pred.args[1:]):
        raise _Unbounded  # p/^q meets in an object position: possibly a literal
    if isinstance(pred, SequencePath | AlternativePath):
        parts = [_rdf_path(p) for p in pred.args]
        preds = set().union(*(p for p, _ in parts))
        lengths = [n for _, n in parts]
        return preds, (sum(lengths) if isinstance(pred, SequencePath) else max(lengths))
    raise _Unbounded  # variables, * + !, anything else


def sparql_reach(select: str) -> Reach | None:
    """The reach of a ``sh:sparql`` SELECT, read from its algebra; None when unbounded.

    Variables are joined by name within one (sub-)select; a sub-select's variables that it
    does not project are its own. Every triple pattern must be joined to ``$this`` through
    other patterns (else its result depends on the whole graph); the depth is the number of
    pattern steps from ``$this`` to the nearer end of the farthest pattern.
    """
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        query = prepareQuery(select)
    except Exception:  # noqa: BLE001 — any parse failure: be conservative
        return None
    patterns: list[tuple[object, set[str], int, object]] = []
    counter = [0]

    def term(value, scope: dict):
        if isinstance(value, Variable):
            return scope.setdefault(str(value))
        return ("const", value)

    def visit(node, scope: dict, top: bool) -> None:
        if isinstance(node, CompValue):
            if node.name in ("Graph", "GraphGraphPattern", "ServiceGraphPattern", "SERVICE"):
                raise _Unbounded
            if node.name == "Project" and not top:
                counter[0] += 1
                inner = {str(v): scope.setdefault(str(v), f"0:{v}") for v in node.PV}
                # names not projected are local to the sub-select
                local = dict(inner)
                visit(node.p, _LocalScope(local, counter[0]), False)
                return
            if node.name in ("BGP", "TriplesBlock"):
                for s, p, o in node.triples:
                    preds, length = _rdf_path(p)
                    patterns.append((term(s, scope), preds, length, term(o, scope)))
            for key, value in node.items():
                if key in ("triples", "_vars", "PV"):
                    continue
                visit(value, scope, False)
        elif isinstance(node, list | tuple):
            for item in node:
                visit(item, scope, False)

    try:
        visit(query.algebra, _LocalScope({"this": "0:this"}, 0), True)
    except _Unbounded:
        return None
    return _pattern_reach(patterns)


def _pattern_reach(patterns: list[tuple[object, set[str], int, object]]) -> Reach | None:
    """The reach of triple patterns ``(subject, predicates, length, object)`` (variables as
    ids, constants as ``("const", term)`` tuples), from ``$this`` (id ``"0:this"``).

    The search of affected nodes never walks out of a literal (from a literal shared by many
    values it would reach half the graph). So distances are first computed along walks that
    never pass a variable from an object position to another object position (the only way
    a walk goes through a literal); when some pattern is reachable only that way, the reach
    says ``literals`` and the search walks out of literals too.
    """
    this = "0:this"
    is_var = lambda x: not isinstance(x, tuple)  # noqa: E731
    for restricted in (True, False):
        # state (variable, reached as a subject or is $this): may be walked out of as an object
        dist: dict[tuple[object, bool], int] = {(this, True): 0}
        changed = True
        while changed:
            changed = False
            for s, _, length, o in patterns:
                if not (is_var(s) and is_var(o)):
                    continue
                moves = []
                for safe in (True, False):
                    if (s, safe) in dist:
                        moves.append(((o, False), dist[(s, safe)] + length))
                for safe in (True,) if restricted else (True, False):
                    if (o, safe) in dist:
                        moves.append(((s, True), dist[(o, safe)] + length))
                for state, d in moves:
                    if d < dist.get(state, 1 << 30):
                        dist[state] = d
                        changed = True
        uses: dict[str, int] = {}
        reachable = True
        for s, preds, length, o in patterns:
            ends = []
            if is_var(s):
                ends += [d for (v, _), d in dist.items() if v == s]
            if is_var(o):
                ends += [d for (v, safe), d in dist.items() if v == o and (safe or not restricted)]
            if not ends:
                reachable = False
                break
            uses = _deepest(uses, {p: min(ends) + length - 1 for p in preds})
        if reachable:
            walks = (
                set().union(*(p for s, p, _, o in patterns if is_var(s) and is_var(o))) if patterns else set()
            )
            return Reach(frozenset(uses.items()), frozenset(walks), not restricted)
    return None


class _LocalScope(dict):
    """Variable names → unique ids for one (sub-)select."""

    def __init__(self, known: dict, number: int) -> None:
        super().__init__(known)
        self.number = number

    def setdefault(self, key, default=None):  # noqa: D102 — names new variables of this scope
        if key not in self:
            self[key] = f"{self.number}:{key}"
        return self[key]


# --- who is affected --------------------------------------------------------------------------


class Neighbours:
    """Links of the old and the new data: the new store, plus the removed quads."""

    def __init__(self, store: ox.Store, removed: list[ox.Quad]) -> None:
        self.store = store
        self.out: dict[tuple, set] = {}
        self.into: dict[tuple, set] = {}
        for q in removed:
            self.out.setdefault((q.subject, q.predicate.value), set()).add(q.object)
            self.into.setdefault((q.object, q.predicate.value), set()).add(q.subject)
        self._pred: dict[str, ox.NamedNode] = {}

    def of(self, node, predicate: str) -> set:
        named = self._pred.setdefault(predicate, ox.NamedNode(predicate))
        found = set(self.out.get((node, predicate), ())) | set(self.into.get((node, predicate), ()))
        if not isinstance(node, ox.Literal):
            found.update(q.object for q in self.store.quads_for_pattern(node, named, None))
        found.update(q.subject for q in self.store.quads_for_pattern(None, named, node))
        return found


def affected(reach: Reach, changed: list[ox.Quad], links: Neighbours) -> set:
    """The focus nodes whose results a check of ``reach`` may have changed (Oxigraph terms):
    the ends of each changed triple of a predicate it uses, and the nodes up to that
    predicate's depth away along its ``walks``, in the old and the new data."""
    depths = dict(reach.uses)
    budget: dict = {}  # node → steps it may still be walked out of
    for q in changed:
        depth = depths.get(q.predicate.value)
        if depth is None:
            continue
        for node in (q.subject, q.object):
            if budget.get(node, -1) < depth:
                budget[node] = depth
    frontier = {node for node, left in budget.items() if left > 0}
    while frontier:
        nxt = set()
        for node in frontier:
            left = budget[node] - 1
            if isinstance(node, ox.Literal) and not reach.literals:
                continue
            for predicate in reach.walks:
                for other in links.of(node, predicate):
                    if budget.get(other, -1) < left:
                        budget[other] = left
                        if left > 0:
                            nxt.add(other)
        frontier = nxt
    return set(budget)


def changes_class_hierarchy(diff: Diff) -> bool:
    subclass = str(RDFS.subClassOf)
    return any(
        q.predicate.value == subclass
        or (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == ONTOLOGY_GRAPH)
        for q in diff.added + diff.removed
    )


# --- the run ----------------------------------------------------------------------------------


def run_changed(
    store: ox.Store,
    model,
    record_: Record,
    diff: Diff,
    progress: Progress,
) -> list[ValidationResult]:
    """The results of a full run on ``store``, re-validating only what ``diff`` can change.

    Per shape: the focus nodes its checks may have changed are re-validated (``VALUES ?this``
    in the compiled queries) and their recorded results dropped; a shape whose reach cannot be
    bounded, or whose affected nodes include a blank node (a SPARQL query cannot name it), is
    re-run whole. Every other recorded result is kept as it was, labels included — except the
    labels of blank nodes and of changed nodes, looked up again.
    """
    from progkg.validation import sparql_engine
    from progkg.validation.labels import StoreLabels

    changed = diff.added + diff.removed
    links = Neighbours(store, diff.removed)
    restrictable = sparql_engine.Compiler(model, store, restrictable=True)
    plain = sparql_engine.Compiler(model, store)
    plain._closures = restrictable._closures  # the class hierarchy, looked up once
    # (full check, the same check restrictable to some focus nodes), in the same order
    groups: dict[Node, list[tuple[Check, Check]]] = {}
    for full, check in zip(plain.compile(), restrictable.compile(), strict=True):
        groups.setdefault(check.shape.node, []).append((full, check))
    reach_cache: dict[Reach, set] = {}
    cache_file = record_.data.parent / REACH_FILE
    try:
        cache = json.loads(cache_file.read_bytes())
    except (OSError, ValueError):
        cache = {}
    known = len(cache)
    plan: dict[Node, set | None] = {}
    for shape_node, members in groups.items():
        focus: set | None = set()
        for _, check in members:
            reach = check_reach(check, model.targets_of(check.shape), cache)
            if reach is None:
                focus = None
                break
            if reach not in reach_cache:
                reach_cache[reach] = affected(reach, changed, links)
            focus |= reach_cache[reach]
        if focus is not None and any(isinstance(node, ox.BlankNode) for node in focus):
            focus = None
        plan[shape_node] = focus
    if len(cache) != known:
        with contextlib.suppress(OSError):
            st.atomic_write(cache_file, json.dumps(cache, sort_keys=True).encode("utf-8"))
    everything = {n for nodes in plan.values() if nodes for n in nodes}
    whole = sorted(_short(s) for s, nodes in plan.items() if nodes is None)
    graphs = diff.graphs
    progress(
        f"{len(graphs)} graph{'s' if len(graphs) != 1 else ''} changed: {len(diff.added):,} quads added, "
        f"{len(diff.removed):,} removed; re-validating {len(everything):,} focus nodes"
        + (f" (and every focus node of {', '.join(whole)})" if whole else "")
    )
    results: list[ValidationResult] = []
    for shape_node, members in groups.items():
        focus = plan[shape_node]
        if focus is not None and not focus:
            continue
        nodes = None if focus is None else sorted((to_rdflib(n) for n in focus), key=_node_order)
        for full, check in members:
            run = full if nodes is None else sparql_engine.restrict(check, nodes)
            results.extend(sparql_engine.run_check(store, run))
    kept = []
    for result in record_.results:
        if result.source_shape in plan:
            focus = plan[result.source_shape]
            if focus is None or to_oxigraph(result.focus) in focus:
                continue
        kept.append(result)
    touched = {q.subject for q in changed} | {q.object for q in changed}
    relabel = {r.focus for r in results} | {
        r.focus for r in kept if isinstance(r.focus, BNode) or to_oxigraph(r.focus) in touched
    }
    labels = StoreLabels(store).many(relabel)
    fresh = [r if r.focus not in labels else _relabel(r, labels[r.focus]) for r in results + kept]
    return fresh


def _relabel(result: ValidationResult, labels) -> ValidationResult:
    from dataclasses import replace

    return replace(result, labels=labels)


def _node_order(node: Node) -> tuple:
    return (type(node).__name__, str(node))


def _short(node: Node) -> str:
    text = str(node)
    return "pks:" + text.split("#", 1)[1] if text.startswith("https://w3id.org/progkg/shapes#") else text


def store_matches(store: ox.Store, diff: Diff) -> bool:
    """Whether ``store`` (``build/store``) holds the new dump: it has every added quad and none
    of the removed ones. A cheap check — a full count of the on-disk store takes a second at
    a million quads — against a build published between the two reads."""
    return all(q in store for q in diff.added) and not any(q in store for q in diff.removed)
