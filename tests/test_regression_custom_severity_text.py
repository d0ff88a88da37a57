"""Regression: a shapes graph with a severity of its own (SHACL 2.1.5, e.g. the W3C test
severity-002) made the text report crash with an internal KeyError; JSON and Turtle worked.
The text report now counts and lists such results under the severity's IRI."""

from __future__ import annotations

from pathlib import Path

import pytest

from progkg.cli import main

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:severity ex:MySeverity ] .
"""
DATA = "@prefix ex: <http://example.org/> .\nex:a a ex:Thing .\n"


def test_a_custom_severity_is_reported_in_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "shapes.ttl").write_text(SHAPES, encoding="utf-8")
    (tmp_path / "data.ttl").write_text(DATA, encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["validate", str(tmp_path / "data.ttl"), "--shapes", str(tmp_path / "shapes.ttl")])
    out, err = capsys.readouterr()
    assert "internal error" not in err
    assert exc.value.code == 0  # not a violation: exit 1 is for violations only
    assert "1 http://example.org/MySeverity" in out
    assert "http://example.org/a" in out
