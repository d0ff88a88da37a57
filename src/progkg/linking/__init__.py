"""Links between curated data and the official releases.

* :mod:`progkg.linking.sssom` reads and writes SSSOM/TSV mapping sets, the standard docs/design.md
  chose for reviewed mappings; ``build`` turns every ``data/mappings/*.sssom.tsv`` into SKOS
  mapping triples with it.
* :mod:`progkg.linking.jobs` proposes matches between the job titles named by brochures and
  ROME's job titles (``progkg link jobs``), for a person to review.
"""
