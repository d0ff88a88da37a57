"""`progkg link jobs`: propose matches between brochure job titles and ROME job titles.

Brochures name jobs their own way ("Chargé de communication (interne et externe)",
"chargés de mission", "Chargé(e) d'études"); ROME names them with gendered doublets
("Chargé / Chargée de communication"). Both sides are normalised the same way — doublets
split into their masculine and feminine forms, inclusive endings dropped, accents and case
removed, plurals reduced, qualifiers in parentheses set aside — and compared:

* same normalised title → ``skos:exactMatch``, confidence 0.95;
* same title once the brochure's qualifier in parentheses is set aside → ``skos:closeMatch``,
  0.85 (the qualifier may narrow the job; a reviewer decides);
* same title once the setting the brochure adds ("… dans une collectivité") is set aside →
  ``skos:broadMatch`` (ROME's title is broader), 0.8;
* titles sharing most of their significant words → ``skos:closeMatch``, confidence from the
  word overlap (at most 0.75), best three per job.

Everything proposed is ``semapv:LexicalMatching``. Proposals go to an SSSOM/TSV file for a
person to review (by default ``build/mappings/brochure-jobs-to-rome.proposed.sssom.tsv``,
outside ``data/`` so that unreviewed guesses never reach the graph); reviewed rows are moved
to ``data/mappings/brochure-jobs-to-rome.sssom.tsv`` with ``semapv:ManualMappingCuration``
(docs/importers.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from progkg.errors import ProgkgError
from progkg.linking.sssom import format_sssom, read_sssom

PK = "https://w3id.org/progkg/ontology#"
ID = "https://w3id.org/progkg/id/"
APPELLATION = ID + "rome/appellation/"
LEXICAL = "semapv:LexicalMatching"
MANUAL = "https://w3id.org/semapv/vocab/ManualMappingCuration"
LICENCE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"

CURIE_MAP = {
    "job": ID + "job/",
    "pkid": ID,
    "romeapp": APPELLATION,
}
COLUMNS = [
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "comment",
]

STOP_WORDS = {
    "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou", "par",
    "pour", "sur", "un", "une", "dans", "avec", "chez",
}  # fmt: skip

_INCLUSIVE = re.compile(
    r"\((?:e|ne|le|se|re|ere|euse|rice|trice|es|s)\)|[·•.](?:e|ne|le|se|re|ere|euse|rice|trice|es)\b", re.I
)
_PARENS = re.compile(r"\s*\([^)]*\)")


def _fold(text: str) -> str:
    text = text.replace("’", "'").replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae")
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


#: Words ending in s or x that are not plurals (kept as they are).
INVARIABLE = {"dans", "sous", "vers", "sans", "plus", "tous", "aupres", "apres", "pres", "chez", "pays"}


def _singular(word: str) -> str:
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss") and word not in INVARIABLE:
        return word[:-1]
    return word


def normalise(label: str) -> str:
    """Lower case, no accents, no inclusive endings, no punctuation, plurals reduced."""
    text = _INCLUSIVE.sub("", label)
    words = re.split(r"[^a-z0-9]+", _fold(text))
    return " ".join(_singular(w) for w in words if w)


def base_form(label: str) -> str:
    """The title without its qualifiers in parentheses ("Chargé de communication")."""
    return normalise(_PARENS.sub("", label))


def _group_masculine(text: str) -> str:
    """ "Collaborateur commercial / Collaboratrice commerciale en X" → "Collaborateur commercial en X":
    the words before the slash replace as many words after it (recursively for later slashes)."""
    if " / " not in text:
        return text
    left, right = text.split(" / ", 1)
    n = len(left.split())
    rest = " ".join(right.split()[n:])
    return f"{left} {_group_masculine(rest)}".strip()


def _group_feminine(text: str) -> str:
    """ "Collaborateur commercial / Collaboratrice commerciale en X" → "Collaboratrice commerciale en X"."""
    if " / " not in text:
        return text
    left, right = text.split(" / ", 1)
    words = right.split()
    n = len(left.split())
    return f"{' '.join(words[:n])} {_group_feminine(' '.join(words[n:]))}".strip()


def doublet_forms(label: str) -> set[str]:
    """The masculine and feminine titles of a ROME doublet, normalised.

    "Chargé / Chargée de communication" → {"charge de communication", "chargee de communication"};
    word pairs ("Technicien / Technicienne supérieur / supérieure") and word groups
    ("Collaborateur commercial / Collaboratrice commerciale en assurances") are both read.
    """
    text = re.sub(r"\s*/\s*", " / ", label.strip())
    tokens = text.split(" ")
    if "/" not in tokens:
        return {normalise(label), base_form(label)} - {""}
    masc: list[str] = []
    fem: list[str] = []
    i = 0
    while i < len(tokens):
        if i + 2 < len(tokens) and tokens[i + 1] == "/":
            masc.append(tokens[i])
            fem.append(tokens[i + 2])
            i += 3
        else:
            masc.append(tokens[i])
            fem.append(tokens[i])
            i += 1
    forms = {normalise(" ".join(masc)), normalise(" ".join(fem))}
    forms |= {normalise(_group_masculine(text)), normalise(_group_feminine(text))}
    left, right = text.split(" / ", 1)
    if len(left.split()) >= 2 and len(left.split()) == len(right.split()):
        forms |= {normalise(left), normalise(right)}  # "Chef de rayon / Cheffe de rayon"
    return forms - {""}


_CONTEXT = re.compile(r" (?:dans|au sein|aupres|pour|chez|en faveur) .*$")


def context_form(label: str) -> str:
    """The title without the setting brochures add ("… dans une collectivité", "… au sein d'ONG")."""
    return _CONTEXT.sub("", base_form(label))


def content_words(form: str) -> frozenset[str]:
    return frozenset(w for w in form.split() if w not in STOP_WORDS)


@dataclass(frozen=True)
class Candidate:
    """One proposed mapping."""

    subject: str
    subject_label: str
    predicate: str
    object: str
    object_label: str
    confidence: float
    comment: str


def propose(
    jobs: list[tuple[str, str]],
    appellations: list[tuple[str, str, list[str]]],
    per_job: int = 3,
    threshold: float = 0.5,
) -> list[Candidate]:
    """Match brochure jobs ``(iri, label)`` against ROME appellations ``(iri, prefLabel, other labels)``."""
    exact: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_word: dict[str, set[int]] = defaultdict(set)
    words_of: list[tuple[str, str, frozenset[str]]] = []
    for iri, pref, others in appellations:
        forms: set[str] = set()
        for label in (pref, *others):
            forms |= doublet_forms(label)
        for form in sorted(forms):
            exact[form].append((iri, pref))
            words = content_words(form)
            if words:
                index = len(words_of)
                words_of.append((iri, pref, words))
                for w in words:
                    by_word[w].add(index)
    proposals: list[Candidate] = []
    for job, label in sorted(jobs):
        found: dict[str, Candidate] = {}

        def offer(cand: Candidate, found: dict[str, Candidate] = found) -> None:
            if cand.object not in found or found[cand.object].confidence < cand.confidence:
                found[cand.object] = cand

        full, base = normalise(label), base_form(label)
        for iri, pref in exact.get(full, []):
            offer(
                Candidate(
                    job,
                    label,
                    "skos:exactMatch",
                    iri,
                    pref,
                    0.95,
                    "same title once gender, accents, case and plurals are normalised",
                )
            )
        if base != full:
            for iri, pref in exact.get(base, []):
                offer(
                    Candidate(
                        job,
                        label,
                        "skos:closeMatch",
                        iri,
                        pref,
                        0.85,
                        "same title once the qualifier in parentheses is set aside",
                    )
                )
        context = context_form(label)
        if context not in (full, base):
            for iri, pref in exact.get(context, []):
                offer(
                    Candidate(
                        job,
                        label,
                        "skos:broadMatch",
                        iri,
                        pref,
                        0.8,
                        "same title once the setting (dans…, au sein de…) is set aside",
                    )
                )
        if not found:
            mine = content_words(base)
            scores: dict[int, float] = {}
            for w in mine:
                for index in by_word.get(w, ()):
                    if index not in scores:
                        theirs = words_of[index][2]
                        scores[index] = len(mine & theirs) / len(mine | theirs)
            for index, score in scores.items():
                if score >= threshold:
                    iri, pref, theirs = words_of[index]
                    shared = ", ".join(sorted(mine & theirs))
                    offer(
                        Candidate(
                            job,
                            label,
                            "skos:closeMatch",
                            iri,
                            pref,
                            round(min(0.75, 0.8 * score), 2),
                            f"shared words: {shared}",
                        )
                    )
        ranked = sorted(found.values(), key=lambda c: (-c.confidence, c.object_label, c.object))
        proposals.extend(ranked[:per_job])
    return proposals


# --- Reading the graph and writing proposals -------------------------------------------------


def brochure_jobs(store: ox.Store) -> list[tuple[str, str]]:
    """Job titles named by curated documents (not ROME's, not ONISEP's)."""
    query = f"""
        SELECT DISTINCT ?job ?label WHERE {{
          ?job a <{PK}JobTitle> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label .
          FILTER NOT EXISTS {{ ?job a <{PK}RomeAppellation> }}
          FILTER NOT EXISTS {{ ?job a <{PK}OnisepJob> }}
        }}"""
    return sorted(
        (s["job"].value, s["label"].value) for s in store.query(query, use_default_graph_as_union=True)
    )


def rome_appellations(store: ox.Store) -> list[tuple[str, str, list[str]]]:
    query = f"""
        SELECT ?a ?pref (GROUP_CONCAT(?alt; SEPARATOR="\\u0001") AS ?alts) WHERE {{
          ?a a <{PK}RomeAppellation> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?pref .
          OPTIONAL {{ ?a <http://www.w3.org/2004/02/skos/core#altLabel> ?alt }}
        }} GROUP BY ?a ?pref"""
    rows = []
    for s in store.query(query, use_default_graph_as_union=True):
        alts = [a for a in s["alts"].value.split("\u0001") if a] if s["alts"] is not None else []
        rows.append((s["a"].value, s["pref"].value, alts))
    return sorted(rows)


def reviewed_subjects(mappings_dir: Path) -> set[str]:
    """Brochure jobs someone already reviewed (subjects of ManualMappingCuration rows)."""
    done: set[str] = set()
    for path in sorted(mappings_dir.glob("*.sssom.tsv")):
        ms = read_sssom(path)
        for m in ms.mappings:
            if ms.expand(m.values["mapping_justification"], m.line) == MANUAL:
                done.add(ms.expand(m.values["subject_id"], m.line, "subject_id"))
    return done


def curie(iri: str) -> str:
    for prefix, base in sorted(CURIE_MAP.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base) :]}"
    raise ProgkgError(f"<{iri}> is outside https://w3id.org/progkg/id/: cannot write it as a CURIE")


def format_proposals(proposals: list[Candidate]) -> str:
    metadata: dict[str, object] = {
        "mapping_set_id": "https://w3id.org/progkg/mappings/brochure-jobs-to-rome.proposed",
        "mapping_set_title": "Propositions : intitulés d'emploi des brochures → appellations ROME (à relire)",
        "mapping_set_description": (
            "Proposed by `progkg link jobs` from lexical similarity; review each row, then move the right "
            "ones to data/mappings/brochure-jobs-to-rome.sssom.tsv with semapv:ManualMappingCuration."
        ),
        "license": LICENCE,
        "mapping_provider": "https://w3id.org/progkg",
        "mapping_tool": "progkg link jobs",
    }
    rows = [
        {
            "subject_id": curie(c.subject),
            "subject_label": c.subject_label,
            "predicate_id": c.predicate,
            "object_id": curie(c.object),
            "object_label": c.object_label,
            "mapping_justification": LEXICAL,
            "confidence": f"{c.confidence:.2f}",
            "comment": c.comment,
        }
        for c in proposals
    ]
    return format_sssom(metadata, CURIE_MAP, COLUMNS, rows)


@dataclass
class LinkReport:
    jobs: int
    skipped_reviewed: int
    proposals: list[Candidate]
    unmatched: list[tuple[str, str]]
    output: Path


def link_jobs(
    build_dir: Path, mappings_dir: Path, output: Path, include_reviewed: bool = False
) -> LinkReport:
    """Propose mappings for the brochure jobs of the built graph and write them to ``output``."""
    from progkg import store as st

    store = st.open_store(build_dir)
    appellations = rome_appellations(store)
    if not appellations:
        raise ProgkgError(
            f"the graph in {build_dir} has no ROME job titles: run `progkg import rome PATH` first"
        )
    jobs = brochure_jobs(store)
    done = set() if include_reviewed else reviewed_subjects(mappings_dir) if mappings_dir.is_dir() else set()
    todo = [(iri, label) for iri, label in jobs if iri not in done]
    proposals = propose(todo, appellations)
    matched = {c.subject for c in proposals}
    st.atomic_write(output, format_proposals(proposals).encode("utf-8"))
    return LinkReport(
        jobs=len(jobs),
        skipped_reviewed=len({iri for iri, _ in jobs} & done),
        proposals=proposals,
        unmatched=[(iri, label) for iri, label in todo if iri not in matched],
        output=output,
    )
