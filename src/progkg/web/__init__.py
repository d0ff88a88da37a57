"""`progkg serve`'s pages: every IRI of the graph answers, for people (HTML) and machines (RDF).

The package is a Starlette application (:mod:`progkg.web.app`) over the same read-only
pyoxigraph store the command line uses. It never writes: the store is opened read-only, and
the SPARQL endpoint it forwards to (Oxigraph's own server, started read-only by
:mod:`progkg.serve`) refuses updates itself. See docs/pages.md.
"""
