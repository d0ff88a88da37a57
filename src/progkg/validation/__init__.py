"""SHACL validation of the built graph: the shapes model, two engines, the report and its formats.

* :mod:`progkg.validation.report` — what a validation found (engine-independent results).
* :mod:`progkg.validation.shapes` — reading ``ontology/shapes.ttl`` and the subset of SHACL
  that the fast engine compiles.
* :mod:`progkg.validation.pyshacl_engine` — the reference engine (pyshacl over rdflib).
* :mod:`progkg.validation.sparql_engine` — the fast engine: the same shapes compiled to SPARQL
  and run on the Oxigraph store.
* :mod:`progkg.validation.conformance`, :mod:`progkg.validation.components`,
  :mod:`progkg.validation.prebinding` — what the fast engine compiles beyond single
  constraints: conformance to other shapes (sh:node, sh:or…), SPARQL-based constraint
  components, and when a SPARQL query may be joined to all focus nodes at once.
* :mod:`progkg.validation.engine_choice` — which engine a run gets: the fast one when it can
  check everything exactly, else pyshacl for the whole run, said in one line.
* :mod:`progkg.validation.data_files` — RDF files read as written (``progkg validate DATA…``).
* :mod:`progkg.validation.formats` — text, Turtle (standard SHACL report) and JSON output.

:func:`progkg.validate.validate` ties them together for ``progkg validate``.
"""

#: The validation engines, the fast one first; ``tests/test_validate_differential.py`` holds
#: them to the same results, which is what allows the fast one to be the default.
ENGINES = ("sparql", "pyshacl")
DEFAULT_ENGINE = "sparql"
