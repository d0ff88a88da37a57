"""The W3C SHACL test suite (core and SPARQL) on the default engine (issue 16).

Each test of ``../shared/data/shacl-w3c-tests`` is run the way ``progkg validate DATA
--shapes SHAPES`` runs it: the files read as written, the sparql engine when it can check
the shapes exactly, else pyshacl for the whole run (with its one-line notice). A test
passes on the ``sh:conforms`` flag and the multiset of results (focus node, path,
component, severity, value; blank nodes by structure); a test whose expected result is
``sht:Failure`` passes when the engine refuses the shapes.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import SHARED_DATA, shared_data_or_skip
from rdflib import Graph
from shacl_w3c_suite import SUITE, SuiteTest, collect, compare

from progkg.validation import engine_choice
from progkg.validation.data_files import read_file
from progkg.validation.report import ValidationResult
from progkg.validation.shapes import load_shapes_graph, read_model

pytestmark = pytest.mark.shared_data


def _tests() -> list[SuiteTest]:
    root = SHARED_DATA / SUITE
    return collect(root) if root.is_dir() else []


TESTS = _tests()
ENGINES_USED: dict[str, str] = {}


def default_engine(data_file: Path, shapes_file: Path) -> tuple[list[ValidationResult], Graph]:
    """What ``progkg validate DATA --shapes SHAPES`` computes, before the report is written."""
    quads = read_file(data_file)
    store = ox.Store()
    store.extend(quads)
    model = read_model(load_shapes_graph(shapes_file), display=str(shapes_file))
    notices: list[str] = []
    results, engine = engine_choice.run(
        store,
        model,
        lambda: engine_choice.graph_of(quads),
        literals=engine_choice.data_literals(quads),
        notice=notices.append,
    )
    assert (engine == "pyshacl") == (len(notices) == 1), "a hand-over to pyshacl is said once, else nothing"
    ENGINES_USED[str(data_file)] = engine
    return results, engine_choice.graph_of(quads)


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_shacl(test: SuiteTest) -> None:
    shared_data_or_skip()
    problem = compare(test, default_engine)
    assert problem is None, f"{test.name}: {problem}"


def test_the_suite_is_there_and_whole() -> None:
    """The suite is found (98 core and 22 SPARQL tests, as published), and the compiled
    engine — not only the fallback — runs most of it."""
    if not (shared_data_or_skip() / SUITE).is_dir():
        pytest.skip("the W3C SHACL test suite is not in ../shared/data")
    names = [t.name for t in TESTS]
    assert sum(n.startswith("core/") for n in names) == 98
    assert sum(n.startswith("sparql/") for n in names) == 22
    fast = 0
    for test in TESTS:
        if test.failure:
            continue
        default_engine(test.data_file, test.shapes_file)
        fast += ENGINES_USED[str(test.data_file)] == "sparql"
    assert fast >= 110  # 113 of 113 when written (issue 16)
