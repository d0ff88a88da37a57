"""Importers for the official releases: ROME 4.0 (France Travail), the RNCP export (France
Compétences) and ONISEP's open data.

Why a package of its own: official releases are not curated data (docs/design.md, "Curated
data"). They are read as published, quirks included, and turned straight into N-Quads in
one named graph per kind (``graph/rome``, ``graph/rncp``, ``graph/onisep``); the build then
swaps that file in as a whole (:func:`progkg.build.build` with ``replace_import``), so an
import either replaces the previous one of its kind or changes nothing.
"""

from __future__ import annotations

KINDS = ("rome", "rncp", "onisep")
