"""What a typed name becomes before it is looked up: search keys that ignore what readers ignore.

A counsellor types "charge de communication", "Chargée de communication" or "chargés de
communication"; the graph says "Chargé / Chargée de communication" (ROME), "chargés de
communication dans les ONG" (a brochure) or, for one parcours, only "European Policies and
Project Management". Every label and every typed text is reduced to the same *keys*, so that
matching is an exact lookup of keys (an index lookup in any SPARQL store) rather than a
substring scan over every label:

* case, accents and ligatures (``œ``), typographic apostrophes and dashes, and punctuation are
  dropped;
* small words (``de``, ``la``, ``des``, ``l'``, ``of``, ``and``…) are dropped, and word order
  does not matter (a label's keys are a set);
* French gender and number are folded by a light stemmer written for them (``chargé``,
  ``chargée``, ``chargés`` → ``charg``; ``directeur``/``directrice``; ``conseiller``/
  ``conseillère``; ``territorial``/``territoriaux``; ``lobbyiste(s)``). It was chosen over the
  Snowball French stemmer by measuring the two on the 11,000 masculine/feminine doublets of
  ROME's job titles ("Directeur / Directrice de …"): Snowball folds ``directrice`` to
  ``directric`` and ``vendeuse`` to ``vendeux`` and cuts ``communication`` to ``commun`` (the
  stem of ``communiste``, ``communal``); this one keeps whole words apart from their gender
  and number endings (``tests/test_textkeys.py`` holds the measurement);
* a short list of English words of programme titles is folded onto their French counterparts
  (``policies`` → ``politique``, ``european`` → ``europeen``, ``project`` → ``projet``), so that
  "politiques européennes" finds the parcours that the RNCP fiche names only in English.
  These keys live in the build's derived search graph only: the published graph keeps every
  label as its document wrote it.

Codes are keys of their own: ``K1802``, ``k1802`` and ``RNCP24759``, ``rncp24759``, ``24759``
all reduce to one spelling (:func:`code_keys`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Words that carry no meaning for matching, in French and English (after accent folding).
STOPWORDS = frozenset(
    """
    a au aux d de des du en et l la le les un une ou pour par dans sur sous avec sans chez
    entre vers qu que qui quoi dont ce ces cet cette son sa ses leur leurs s se y n ne
    the of and or in for to on at by with an from as into its
    """.split()
)

#: English words of programme, job and sector titles, folded onto the French word they
#: translate (compared after both are stemmed). Kept short on purpose: each entry is a word
#: the seeds name in English only, or its everyday counterpart.
ENGLISH_TO_FRENCH = {
    "policy": "politique",
    "policies": "politique",
    "politics": "politique",
    "political": "politique",
    "european": "europeen",
    "europe": "europe",
    "project": "projet",
    "projects": "projet",
    "public": "public",
    "local": "local",
    "research": "recherche",
    "careers": "metier",
    "career": "metier",
    "jobs": "metier",
    "job": "metier",
    "communication": "communication",
    "institutional": "institutionnel",
    "territorial": "territorial",
    "participatory": "participatif",
    "democracy": "democratie",
    "engineering": "ingenierie",
    "urban": "urbain",
    "international": "international",
    "humanitarian": "humanitaire",
    "crises": "crise",
    "crisis": "crise",
    "solidarity": "solidarite",
    "innovation": "innovation",
    "health": "sante",
    "social": "social",
    "economy": "economie",
    "economics": "economie",
    "authorities": "collectivite",
    "authority": "collectivite",
    "science": "science",
    "sciences": "science",
    "law": "droit",
    "history": "histoire",
    "degree": "diplome",
    "university": "universite",
    "school": "ecole",
    "work": "travail",
    "study": "etude",
    "studies": "etude",
}

_APOSTROPHES_AND_DASHES = str.maketrans(
    {
        "’": " ",
        "‘": " ",
        "ʼ": " ",
        "'": " ",
        "`": " ",
        "´": " ",
        "‐": " ",
        "‑": " ",
        "‒": " ",
        "–": " ",
        "—": " ",
        "―": " ",
        "-": " ",
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
    }
)
_NOT_WORD = re.compile(r"[^a-z0-9]+")

#: Gender and number endings, longest first: (ending, replacement). Applied once, to the
#: accent-folded word, after a final plural "s"/"x" is removed.
_FEMININE = (
    ("eresse", "eur"),  # enchanteresse → enchanteur
    ("esse", "e"),  # maitresse → maitre, hotesse → hote
    ("effe", "ef"),  # cheffe → chef
    ("trice", "teur"),  # directrice → directeur, animatrice
    ("euse", "eur"),  # vendeuse → vendeur
    ("ienne", "ien"),  # technicienne → technicien
    ("enne", "en"),  # europeenne → europeen
    ("onne", "on"),  # patronne → patron
    ("anne", "an"),  # paysanne → paysan
    ("elle", "el"),  # institutionnelle → institutionnel
    ("ette", "et"),  # cadette → cadet
    ("ere", "er"),  # conseillere → conseiller
    ("ive", "if"),  # administrative → administratif
)


def fold(text: str) -> str:
    """``text`` lower-cased, without accents, ligatures, apostrophes, dashes or punctuation.

    Letters outside the Latin alphabet are dropped with the accents (the graph's labels are
    French and English); that is what keeps folding fast enough for every label of a
    national graph.
    """
    text = text.translate(_APOSTROPHES_AND_DASHES)
    bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(_NOT_WORD.sub(" ", bare).split())


#: Feminine forms no ending rule folds (compared after accent folding).
_IRREGULAR = {"publique": "public", "publiques": "public", "barmaid": "barman", "designeuse": "designer"}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """``word`` (already folded) without its French gender and number endings.

    Light on purpose: it removes endings that mark gender and number, never derivational
    suffixes, so that ``communication`` and ``communiste`` stay apart.
    """
    if len(word) <= 3 or word.isdigit():
        return word
    word = _IRREGULAR.get(word, word)
    if word.endswith("aux") and len(word) > 4:  # territoriaux → territorial
        word = word[:-3] + "al"
    elif word.endswith(("s", "x")) and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for ending, replacement in _FEMININE:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            word = word[: -len(ending)] + replacement
            break
    # A final mute "e" (chargee → charge → charg; lobbyiste → lobbyist; politique → politiqu),
    # and the "e" of a masculine past participle (charge → charg) alike.
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
        if word.endswith("e") and len(word) > 3:
            word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """The folded words of ``text`` that matter, in order, stop words left out."""
    out = []
    for word in fold(text).split():
        if word in STOPWORDS or (len(word) == 1 and not word.isdigit()):
            continue
        out.append(word)
    return out


def word_keys(text: str) -> list[str]:
    """The distinct keys of ``text``: its words, stemmed, English ones folded onto French."""
    keys: list[str] = []
    for word in words(text):
        key = stem(ENGLISH_TO_FRENCH.get(word, word))
        if key not in keys:
            keys.append(key)
    return keys


def label_key(text: str) -> str:
    """One key for a whole label: its word keys, sorted and joined (order does not matter)."""
    return " ".join(sorted(set(word_keys(text))))


_CODE = re.compile(r"^\s*(?P<prefix>rncp|rs)?\s*(?P<number>\d{1,7})\s*$", re.IGNORECASE)
_ROME = re.compile(r"^\s*(?P<code>[a-z]\s*\d{4})\s*$", re.IGNORECASE)


def code_key(code: str) -> str:
    """A code as the index stores it: lower case, no spaces (``RNCP 24759`` → ``rncp24759``)."""
    return "".join(code.split()).lower()


def code_keys(text: str) -> list[str]:
    """The code keys ``text`` can stand for, or none when it does not look like a code.

    ``K1802``/``k1802`` → ``k1802``; ``RNCP24759``/``rncp 24759`` → ``rncp24759``; a bare
    number ``24759`` → ``rncp24759``, ``rs24759`` and ``24759`` (ROME job-title and ONISEP
    codes are numbers too).
    """
    match = _CODE.match(text)
    if match:
        number = match.group("number")
        prefix = (match.group("prefix") or "").lower()
        if prefix:
            return [prefix + number]
        return ["rncp" + number, "rs" + number, number]
    match = _ROME.match(text)
    if match:
        return [code_key(match.group("code"))]
    return []
