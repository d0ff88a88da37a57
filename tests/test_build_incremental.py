"""An import replaces its own graphs in a copy of the published store, without reading the other
imports, and ends where a full build from the same files ends (same dump bytes, same quads)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from import_support import FIXTURES, ONISEP_FIXTURE, REPO, RNCP_FIXTURE, ROME_FIXTURE, mini_project, snapshot

from progkg import build as build_module
from progkg import parts, search
from progkg.build import Manifest, build
from progkg.errors import ProgkgError
from progkg.importers.kit import import_kit
from progkg.importers.onisep import import_onisep
from progkg.importers.rncp import import_rncp
from progkg.importers.rome import import_rome
from progkg.store import open_store, published_parts

G = "https://w3id.org/progkg/graph/"


def _quiet(_: str) -> None:
    return None


def _quads(build_dir: Path) -> set[str]:
    return {str(q) for q in open_store(build_dir)}


@pytest.fixture(scope="module")
def with_rome(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose build holds the fixture ROME release (copied by each test)."""
    root = tmp_path_factory.mktemp("rome") / "project"
    res = mini_project(root)
    import_rome(ROME_FIXTURE, root / "build", _quiet, res)
    return root


@pytest.fixture
def project(with_rome: Path, tmp_path: Path) -> Path:
    return shutil.copytree(with_rome, tmp_path / "project", symlinks=True)


def test_an_import_does_not_read_the_other_imports(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """rome.nq is replaced by garbage of the same size and time: an import of RNCP that read it
    would fail or change graph/rome. It does neither, and sorts only its own file."""
    out = project / "build"
    rome_nq = out / "imports" / "rome.nq"
    rome_before = [q for q in _quads(out) if f"<{G}rome>" in q]
    info = rome_nq.stat()
    rome_nq.write_bytes(b"\x00garbage" * (info.st_size // 8) + b"\x00" * (info.st_size % 8))
    os.utime(rome_nq, ns=(info.st_atime_ns, info.st_mtime_ns))
    read: list[str] = []
    original = parts.PartWriter.add_file
    monkeypatch.setattr(
        parts.PartWriter,
        "add_file",
        lambda self, path, display: (read.append(str(path)), original(self, path, display)),
    )

    import_rncp(RNCP_FIXTURE, out, _quiet, mini_project(project))

    assert all("rome" not in p for p in read) and len(read) == 1
    after = _quads(out)
    assert sorted(q for q in after if f"<{G}rome>" in q) == sorted(rome_before)
    assert any(f"<{G}rncp>" in q for q in after)


def test_the_dump_after_an_import_is_the_dump_of_a_full_build(project: Path, tmp_path: Path) -> None:
    out = project / "build"
    res = mini_project(project)
    import_rncp(RNCP_FIXTURE, out, _quiet, res)
    after_import = (out / "progkg.nq").read_bytes()
    quads = _quads(out)
    fresh = tmp_path / "fresh"
    shutil.copytree(out / "imports", fresh / "imports")
    build(res, fresh)
    assert (fresh / "progkg.nq").read_bytes() == after_import
    assert _quads(fresh) == quads  # derived graphs included
    build(res, out)  # `progkg build` after the import: the same again
    assert (out / "progkg.nq").read_bytes() == after_import
    assert _quads(out) == quads
    lines = after_import.splitlines()
    assert lines == sorted(lines) and len(set(lines)) == len(lines)


def test_the_derived_part_holds_the_derived_lines(project: Path) -> None:
    """The build writes the derived graphs piece by piece to a file: the same lines as
    :func:`derive_nquads`, and the same quads as the store's derived graphs."""
    out = project / "build"
    folder = published_parts(out)
    manifest = Manifest.read(folder)
    assert manifest is not None and folder is not None
    part = (folder / manifest.derived[0].file).read_bytes()
    store = open_store(out)
    assert part.splitlines() == sorted(set(build_module.derive_nquads(store).splitlines()))
    derived = {str(q) for q in store if q.graph_name.value.startswith(G + "derived/")}
    assert derived == {str(q) for q in ox.parse(part, format=ox.RdfFormat.N_QUADS)}


def test_the_derived_graphs_are_computed_on_the_quads_they_read(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build computes the derived graphs on an in-memory projection of its parts: exactly
    the quads whose property they read, giving the lines the whole store gives; past
    PROJECTION_MAX_LINES, no projection (the build then reads the on-disk store). With ESCO,
    whose skills' synonyms the projection leaves out."""
    from progkg.importers.esco import import_esco

    out = project / "build"
    esco = FIXTURES / "esco"
    import_esco([esco / "v1.1.1-cut", esco / "v1.2.1-fr-labels"], out, _quiet, mini_project(project))
    folder = published_parts(out)
    manifest = Manifest.read(folder)
    assert manifest is not None and folder is not None
    files = [folder / p.file for source in manifest.sources for p in source.parts]
    view = build_module._projection(files, folder)
    assert view is not None
    store = open_store(out)
    reads = build_module.derive_reads()

    def wanted(q: ox.Quad) -> bool:  # the projection's rule, on terms rather than lines
        if q.graph_name.value.startswith(G + "derived/"):
            return False
        if q.predicate.value == build_module.RDF_TYPE:
            return q.object.value in reads.types
        if q.predicate.value == build_module.SKOS_ALT_LABEL:
            return not q.subject.value.startswith(reads.unread_alternatives)
        return q.predicate.value in reads.properties

    expected = {str(q) for q in store if wanted(q)}
    assert {str(q) for q in view} == expected and len(expected) > 1000
    assert any("esco/skill/" in q and "altLabel" in q for q in map(str, store))  # (left out)
    assert build_module.derive_nquads(view) == build_module.derive_nquads(store)
    monkeypatch.setattr(build_module, "PROJECTION_MAX_LINES", len(expected) - 1)
    assert build_module._projection(files, folder) is None
    assert not (folder / ".projection.tmp").exists()


@pytest.mark.parametrize("fails", ["store", "derived"])
def test_a_failure_on_either_core_leaves_the_build_as_it_was(
    project: Path, monkeypatch: pytest.MonkeyPatch, fails: str
) -> None:
    """An import changes the store in a thread while the derived graphs are computed: whichever
    fails, the import fails with that error, and the build, its parts and the store's folder
    are left as they were (the thread is waited for before its half-written store is removed)."""
    out = project / "build"
    before = snapshot(out)

    def boom(*_: object) -> None:
        raise ProgkgError(f"{fails}: no space left on device")

    if fails == "store":
        monkeypatch.setattr(build_module._Changes, "apply", boom)
    else:
        monkeypatch.setattr(build_module, "_derived_parts", boom)
    with pytest.raises(ProgkgError, match=f"^{fails}: no space left"):
        import_rncp(RNCP_FIXTURE, out, _quiet, mini_project(project))
    assert snapshot(out) == before  # every file of the build (store, parts, dump, imports)


def test_reimporting_the_same_release_changes_nothing(project: Path) -> None:
    out = project / "build"
    res = mini_project(project)
    dump = (out / "progkg.nq").read_bytes()
    quads = _quads(out)
    messages: list[str] = []
    import_rome(ROME_FIXTURE, out, messages.append, res)
    assert any("0 new, 0 gone" in m for m in messages), messages
    assert (out / "progkg.nq").read_bytes() == dump
    assert _quads(out) == quads


def test_a_changed_release_replaces_only_what_changed(project: Path, tmp_path: Path) -> None:
    out = project / "build"
    res = mini_project(project)
    release = shutil.copytree(ROME_FIXTURE, tmp_path / "v461")
    path = release / "unix_referentiel_appellation_v460_utf8.csv"
    rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(rows[:-1]), encoding="utf-8")  # one job title less
    messages: list[str] = []
    import_rome(release, out, messages.append, res)
    changed = next(m for m in messages if " new, " in m)
    new, gone = (int(changed.split(", ")[i].split()[0]) for i in (1, 2))
    assert new == 1 and gone > 1, changed  # (the new line: the release's file name)
    fresh = tmp_path / "fresh"
    shutil.copytree(out / "imports", fresh / "imports")
    build(res, fresh)
    assert (fresh / "progkg.nq").read_bytes() == (out / "progkg.nq").read_bytes()
    assert _quads(fresh) == _quads(out)


def test_many_quads_gone_load_the_store_from_the_parts(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = project / "build"
    res = mini_project(project)
    monkeypatch.setattr(build_module, "FRESH_MIN_REMOVED", 0)
    monkeypatch.setattr(build_module, "REMOVE_COST", 10**9)
    release = shutil.copytree(ROME_FIXTURE, tmp_path / "small")
    path = release / "unix_referentiel_appellation_v460_utf8.csv"
    path.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:2]), encoding="utf-8")
    messages: list[str] = []
    import_rome(release, out, messages.append, res)
    assert any("from the sorted parts" in m for m in messages), messages
    fresh = tmp_path / "fresh"
    shutil.copytree(out / "imports", fresh / "imports")
    build(res, fresh)
    assert (fresh / "progkg.nq").read_bytes() == (out / "progkg.nq").read_bytes()
    assert _quads(fresh) == _quads(out)


def test_a_failing_import_leaves_everything_as_it_was(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = project / "build"
    before = snapshot(out)

    def boom(store: ox.Store, *_: object) -> bytes:
        raise ProgkgError("derivation failed")

    monkeypatch.setattr(search, "index_nquads", boom)
    monkeypatch.setattr(search, "index_nquads_for", boom)  # the index computed again in part
    with pytest.raises(ProgkgError, match="derivation failed"):
        import_rncp(RNCP_FIXTURE, out, _quiet, mini_project(project))
    assert snapshot(out) == before
    assert [p.resolve() for p in (out / "stores").iterdir()] == [(out / "store").resolve()]
    assert [p.name for p in (out / "parts").iterdir()] == [(out / "store").resolve().name]


def test_an_edited_curated_file_makes_the_import_build_everything(project: Path, tmp_path: Path) -> None:
    out = project / "build"
    res = mini_project(project)
    extra = project / "data" / "seeds" / "extra.ttl"
    extra.write_text(
        '<https://w3id.org/progkg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x"@fr .\n',
        encoding="utf-8",
    )
    messages: list[str] = []
    import_rncp(RNCP_FIXTURE, out, messages.append, res)
    assert any("rebuilding everything" in m for m in messages)
    assert f"<{G}seeds/extra>" in (out / "progkg.nq").read_text(encoding="utf-8")
    manifest = Manifest.read(published_parts(out))
    assert manifest is not None and manifest.entry(f"curated:{G}seeds/extra") is not None


def test_a_new_rome_release_is_checked_against_the_curated_references(project: Path, tmp_path: Path) -> None:
    """A curated seed names K1802: a ROME release without it is refused (the import checks the
    curated references when it replaces graph/rome), and nothing changes."""
    out = project / "build"
    res = mini_project(project)
    before = snapshot(out)
    assert b"rome:K1802" in (project / "data" / "seeds" / "rncp24759.ttl").read_bytes()
    release = shutil.copytree(ROME_FIXTURE, tmp_path / "without")
    for table in release.glob("*.csv"):  # every row naming K1802, in every table
        lines = table.read_bytes().splitlines(True)
        table.write_bytes(b"".join([lines[0], *(line for line in lines[1:] if b"K1802" not in line)]))
    with pytest.raises(ProgkgError, match="unknown ROME code"):
        import_rome(release, out, _quiet, res)
    assert snapshot(out) == before


def test_sorted_parts_hold_the_store_lines(tmp_path: Path) -> None:
    """A part is Oxigraph's own N-Quads serialisation of the quads, sorted, without duplicates,
    whatever the chunk size."""
    data = (
        b'<http://x/b> <http://x/p> "\\u00e9t\\u00E9"@FR <http://x/g> .\n'
        b'<http://x/a> <http://x/p> "1"^^<http://www.w3.org/2001/XMLSchema#string> <http://x/g> .\n'
        b"<http://x/a> <http://x/p> <http://x/o> <http://x/h> .\n"
        b"<http://x/a> <http://x/p> <http://x/o> .\n"
    ) * 3
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    expected = sorted(store.dump(format=ox.RdfFormat.N_QUADS).splitlines(keepends=True))
    for chunk in (10**6, 1):
        folder = tmp_path / str(chunk)
        folder.mkdir()
        old = parts.CHUNK_BYTES
        parts.CHUNK_BYTES = chunk
        try:
            (folder / "in.nq").write_bytes(data)
            writer = parts.PartWriter(folder, "s")
            writer.add_file(folder / "in.nq", "in.nq")
            made = writer.finish()
        finally:
            parts.CHUNK_BYTES = old
        assert [(p.graph, p.count) for p in made] == [("", 1), ("http://x/g", 2), ("http://x/h", 1)]
        parts.merge([folder / p.file for p in made], folder / "all.nq")
        assert (folder / "all.nq").read_bytes().splitlines(keepends=True) == expected
        assert sorted(f.name for f in folder.iterdir()) == sorted(
            ["in.nq", "all.nq", *(p.file for p in made)]
        )


def test_the_dump_merge_on_disk_gives_the_python_merge(tmp_path: Path) -> None:
    """``sort -m -u`` (C locale) orders and de-duplicates lines as Python's bytes comparison does."""
    import random

    rng = random.Random(7)
    words = ["a", "A", "é", "\\u00e9", "z", " ", '\\"', "~", "0", "ÿ", "日本"]
    files = []
    for i in range(5):
        subjects = [f"<http://x/{rng.choice(words)}{rng.choice(words)}>" for _ in range(300)]
        lines = {f'{s} <http://x/p> "{rng.choice(words)}" <http://x/g{i % 2}> .\n'.encode() for s in subjects}
        path = tmp_path / f"{i}.nq"
        path.write_bytes(b"".join(sorted(lines)))
        files.append(path)
    parts.merge(files, tmp_path / "python.nq")
    parts.merge_to(files, tmp_path / "disk.nq")
    assert (tmp_path / "disk.nq").read_bytes() == (tmp_path / "python.nq").read_bytes()
    if shutil.which("sort"):
        assert parts._sort_merge(files, tmp_path / "sort.nq")
        assert (tmp_path / "sort.nq").read_bytes() == (tmp_path / "python.nq").read_bytes()


def test_sorting_a_part_with_gnu_sort_gives_the_python_sort(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sort_file`` by ``sort -u`` (C locale) and by its Python fallback: the same bytes, the
    same count (unsorted lines with duplicates, non-ASCII and escapes)."""
    import random

    if not shutil.which("sort"):
        pytest.skip("no sort on this machine: only the Python path runs")
    rng = random.Random(11)
    words = ["a", "A", "é", "\\u00e9", "z", " ", '\\"', "~", "0", "ÿ", "日本"]
    subjects = [f"<http://x/{rng.choice(words)}{rng.choice(words)}>" for _ in range(2000)]
    lines = [f'{s} <http://x/p> "{rng.choice(words)}" <http://x/g> .\n' for s in subjects]
    source = tmp_path / "raw.nq"
    source.write_bytes("".join(lines).encode())
    count = parts.sort_file(source, tmp_path / "gnu.nq")
    monkeypatch.setattr(parts.shutil, "which", lambda _: None)
    assert parts.sort_file(source, tmp_path / "python.nq") == count
    assert (tmp_path / "gnu.nq").read_bytes() == (tmp_path / "python.nq").read_bytes()
    assert count == len(set(lines)) < len(lines)


def test_the_search_index_computed_again_only_where_an_import_changed_it(
    project: Path, tmp_path: Path
) -> None:
    """After each import of a sequence whose titles name each other's nodes (national programmes
    named after fiches the kit then titles, a fiche the next release drops), the search index the
    import kept and recomputed in part is the index computed from the whole store."""
    from test_import_kit import HEADER

    out = project / "build"
    res = mini_project(project)
    shutil.copytree(REPO / "data" / "alignments", project / "data" / "alignments")
    national = FIXTURES / "rncp-national"
    kit_rows = [
        "1351282A;SCIENCE POLITIQUE (MASTER LILLE);RNCP38175;Niveau 7;MASTER;CI-18122023;oui;31/12/2028;"
        "ACTIVE",
        "1351282B;SCIENCE POLITIQUE (MASTER VERSAILLES);RNCP31506;Niveau 7;MASTER;CI-18122023;oui;;INACTIVE",
    ]
    kit_file = tmp_path / "kit" / "Kit_apprentissage_20231218.csv"
    kit_file.parent.mkdir()

    def write_kit(rows: list[str]) -> Path:
        kit_file.write_bytes(("\ufeff" + "\n".join([HEADER, *rows]) + "\n").encode("utf-8"))
        return kit_file

    fewer = shutil.copytree(national, tmp_path / "fewer")
    certifiers = fewer / "export_fiches_CSV_Certificateurs_2026_02_01.csv"
    certifiers.write_bytes(
        b"".join(ln for ln in certifiers.read_bytes().splitlines(True) if b"BORDEAUX" not in ln)
    )
    steps = [
        lambda: import_rncp(national, out, _quiet, res),
        lambda: import_kit(write_kit(kit_rows), out, _quiet, res),
        lambda: import_kit(write_kit(kit_rows[1:]), out, _quiet, res),  # RNCP38175 untitled again
        lambda: import_rncp(fewer, out, _quiet, res),  # Bordeaux's programme gone
        lambda: import_onisep(ONISEP_FIXTURE, out, _quiet, res),
    ]
    incremental: list[str] = []
    original = build_module._write_index_incrementally
    build_module._write_index_incrementally = lambda *a: (incremental.append("x"), original(*a))[1]
    try:
        for step in steps:
            step()
            store = open_store(out)
            full = sorted(set(build_module.derive_nquads(store).splitlines()))
            folder = published_parts(out)
            manifest = Manifest.read(folder)
            part = (folder / manifest.derived[0].file).read_bytes()
            assert part.splitlines() == full
            derived = {str(q) for q in store if q.graph_name.value.startswith(G + "derived/")}
            assert derived == {str(q) for q in ox.parse(part, format=ox.RdfFormat.N_QUADS)}
    finally:
        build_module._write_index_incrementally = original
    # each import took the incremental path but the first (the alignment file, new to the build,
    # makes it build everything)
    assert len(incremental) == len(steps) - 1
