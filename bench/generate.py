"""A realistic national-scale graph in progkg's own ontology, for benchmarks and differential tests.

Why a generator: the seed documents give a few thousand triples, but progkg must stay fast at
1–5 million (thousands of master's parcours, tens of thousands of RNCP fiches, the whole ROME).
This script writes such a graph as N-Quads, shaped like a real build: one named graph per
generated brochure (programme, common semesters, parcours, units, courses, jobs, admission,
contacts), one for the RNCP export (certifications with blocks, competencies, activities, ROME
codes, access conditions), one for the ROME release (codes, parent codes, job titles, mobility
links), one for reviewed job-title mappings (``skos:exactMatch``) and one for code lists.

* ROME data is REAL when ``../shared/data/rome-v460`` (or ``--rome DIR``) is present: real codes,
  labels, parent codes, job titles (appellations) and mobility links; otherwise a synthetic ROME of
  the same shape is used, so the generator also runs on a fresh machine.
* Deterministic: the same ``--seed`` and ``--size`` give the same bytes (every random choice
  comes from ``random.Random`` seeded with a string; no set or hash order reaches the output).
* Streaming: lines are written as they are made (no rdflib graph), so 5 million triples take
  well under a minute and little memory.
* A small rate of realistic errors is planted (semesters not adding up to 30 ECTS, courses
  without hours, units without ECTS, declared totals that differ from the sum of their parts,
  malformed ROME codes) so that validation has work to do; ``--manifest FILE.json`` lists them.

Usage::

    python bench/generate.py --size 1000000 --seed 1 --out /tmp/progkg-1e6.nq [--manifest m.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# --- Namespaces ------------------------------------------------------------------------------

PK = "https://w3id.org/progkg/ontology#"
ID = "https://w3id.org/progkg/id/"
GRAPH = "https://w3id.org/progkg/graph/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORGV = "http://www.w3.org/ns/org#"
XSD = "http://www.w3.org/2001/XMLSchema#"
EQF = "http://data.europa.eu/snb/eqf/"

#: Graph names of the generated sources other than brochures (``graph/seeds/gen-…``): the ROME
#: and RNCP releases go where their importers put them, so that the build's consistency checks
#: (curated ROME references must exist in ``graph/rome``) see them as real releases.
GRAPH_RNCP = GRAPH + "rncp"
GRAPH_ROME = GRAPH + "rome"
GRAPH_MAPPINGS = GRAPH + "mappings/bench-job-titles"
GRAPH_VOCAB = GRAPH + "vocab/bench-code-lists"

ROUTES = [
    "formation-initiale",
    "apprentissage",
    "contrat-professionnalisation",
    "formation-continue",
    "candidature-individuelle",
    "vae",
]
ROME_PATTERN = re.compile(r"^[A-N][0-9]{4}$")

# --- Vocabulary of the generated world ---------------------------------------------------------
# Institutions: real French universities (organisations, not people).
INSTITUTIONS = [
    "Université Paris 1 Panthéon-Sorbonne",
    "Université de Lille",
    "Université de Strasbourg",
    "Aix-Marseille Université",
    "Université de Bordeaux",
    "Université Paris Cité",
    "Sorbonne Université",
    "Université Paris-Saclay",
    "Université de Montpellier",
    "Université Toulouse Capitole",
    "Université Grenoble Alpes",
    "Nantes Université",
    "Université de Rennes",
    "Université Rennes 2",
    "Université de Lorraine",
    "Université Claude Bernard Lyon 1",
    "Université Lumière Lyon 2",
    "Université Jean Moulin Lyon 3",
    "Université Côte d'Azur",
    "Université de Poitiers",
    "Université de Tours",
    "Université d'Orléans",
    "Université de Caen Normandie",
    "Université de Rouen Normandie",
    "Université Le Havre Normandie",
    "Université de Picardie Jules Verne",
    "Université de Reims Champagne-Ardenne",
    "Université de Bourgogne",
    "Université de Franche-Comté",
    "Université Clermont Auvergne",
    "Université de Limoges",
    "Université de Pau et des Pays de l'Adour",
    "Université de Perpignan Via Domitia",
    "Université de Nîmes",
    "Avignon Université",
    "Université de Toulon",
    "Université de Corse Pascal Paoli",
    "Université Savoie Mont Blanc",
    "Université Jean Monnet Saint-Étienne",
    "Université de Bretagne Occidentale",
    "Université Bretagne Sud",
    "Université d'Angers",
    "Le Mans Université",
    "La Rochelle Université",
    "Université Paris 8 Vincennes-Saint-Denis",
    "Université Paris Nanterre",
    "Université Sorbonne Nouvelle",
    "Université Sorbonne Paris Nord",
    "Université Paris-Est Créteil",
    "Université Gustave Eiffel",
    "CY Cergy Paris Université",
    "Université d'Évry Paris-Saclay",
    "Université de Versailles Saint-Quentin-en-Yvelines",
    "Université Paris-Panthéon-Assas",
    "Université Paris Dauphine-PSL",
    "Université de Haute-Alsace",
    "Université du Littoral Côte d'Opale",
    "Université d'Artois",
    "Université Polytechnique Hauts-de-France",
    "Université de La Réunion",
    "Université des Antilles",
    "Université de Guyane",
    "Université Toulouse Jean Jaurès",
    "Université Paul-Valéry Montpellier 3",
    "Université Bordeaux Montaigne",
    "Université de Nouvelle-Calédonie",
    "Université de la Polynésie française",
    "Université Grenoble Alpes INP",
]

FACULTIES = [
    "UFR de Droit et Science politique",
    "UFR de Sciences économiques et de gestion",
    "UFR Sciences et Technologies",
    "UFR Lettres, Langues et Sciences humaines",
    "Institut d'administration des entreprises (IAE)",
    "UFR Sciences de la santé",
    "UFR Arts, Lettres et Communication",
    "Institut universitaire de technologie (IUT)",
]

# (degree, mention, NSF code, ROME professional domains, parcours themes, course topics)
MENTIONS_SPEC: list[tuple[str, str, str, str, list[str], list[str]]] = [
    (
        "M",
        "Science politique",
        "128",
        "K14 K18 E11 K24",
        [
            "Communication publique et démocratie participative",
            "European Policies and Project Management",
            "Ingénierie de projet en politiques urbaines",
            "Management des collectivités territoriales",
            "Métiers de la recherche en science politique",
            "Solidarité internationale, action humanitaire et crises",
        ],
        [
            "Sociologie politique",
            "Politiques publiques",
            "Action publique locale",
            "Communication politique",
            "Institutions européennes",
            "Analyse électorale",
            "Théorie politique",
            "Gouvernance territoriale",
            "Relations internationales",
            "Méthodes d'enquête qualitative",
        ],
    ),
    (
        "M",
        "Droit public",
        "128",
        "K14 K15 K19",
        [
            "Droit des collectivités territoriales",
            "Contentieux publics",
            "Droit de l'environnement et de l'urbanisme",
            "Droit public des affaires",
        ],
        [
            "Droit administratif général",
            "Contentieux administratif",
            "Finances publiques",
            "Droit de l'urbanisme",
            "Droit des contrats publics",
            "Droit constitutionnel approfondi",
            "Droit de la fonction publique",
            "Libertés fondamentales",
        ],
    ),
    (
        "M",
        "Droit des affaires",
        "128",
        "K19 M12 C13",
        [
            "Juriste d'entreprise",
            "Droit bancaire et financier",
            "Droit fiscal des affaires",
            "Droit des sociétés",
        ],
        [
            "Droit des sociétés",
            "Droit fiscal",
            "Droit de la concurrence",
            "Droit bancaire",
            "Procédures collectives",
            "Droit du commerce international",
            "Droit des contrats d'affaires",
            "Compliance",
        ],
    ),
    (
        "M",
        "Droit social",
        "128",
        "K19 M15",
        [
            "Droit et pratique des relations de travail",
            "Protection sociale",
            "Ressources humaines et droit social",
        ],
        [
            "Droit du travail approfondi",
            "Droit de la sécurité sociale",
            "Relations collectives de travail",
            "Contentieux prud'homal",
            "Droit pénal du travail",
            "Négociation collective",
        ],
    ),
    (
        "M",
        "Droit pénal et sciences criminelles",
        "128",
        "K19 K17",
        ["Droit pénal approfondi", "Criminologie", "Sécurité intérieure"],
        [
            "Droit pénal général",
            "Procédure pénale",
            "Criminologie",
            "Droit pénitentiaire",
            "Police judiciaire",
            "Droit pénal international",
        ],
    ),
    (
        "M",
        "Économie appliquée",
        "122",
        "M14 C13 K14",
        [
            "Économie du développement",
            "Évaluation des politiques publiques",
            "Économétrie et statistique appliquée",
            "Économie de l'environnement",
        ],
        [
            "Microéconomie approfondie",
            "Macroéconomie",
            "Économétrie",
            "Statistique appliquée",
            "Économie publique",
            "Économie du travail",
            "Évaluation d'impact",
            "Séries temporelles",
        ],
    ),
    (
        "M",
        "Monnaie, banque, finance, assurance",
        "313",
        "C11 C12 C13",
        ["Gestion de patrimoine", "Banque et marchés financiers", "Actuariat et assurance"],
        [
            "Marchés financiers",
            "Gestion de portefeuille",
            "Droit bancaire",
            "Analyse financière",
            "Mathématiques financières",
            "Réglementation prudentielle",
            "Gestion des risques",
        ],
    ),
    (
        "M",
        "Management et administration des entreprises",
        "310",
        "M13 M14 M12",
        ["Management général", "Entrepreneuriat et reprise d'entreprise", "Management des PME"],
        [
            "Stratégie d'entreprise",
            "Contrôle de gestion",
            "Marketing stratégique",
            "Gestion des ressources humaines",
            "Finance d'entreprise",
            "Leadership",
            "Gestion de projet",
            "Système d'information",
        ],
    ),
    (
        "M",
        "Management public",
        "310",
        "K14 M14 M13",
        [
            "Management public territorial",
            "Management des établissements sanitaires et sociaux",
            "Achat public",
        ],
        [
            "Management public",
            "Finances locales",
            "Gestion des ressources humaines publiques",
            "Pilotage de la performance",
            "Commande publique",
            "Conduite du changement",
            "Évaluation des politiques publiques",
        ],
    ),
    (
        "M",
        "Management de l'innovation",
        "310",
        "M13 M14 H12",
        [
            "Management de l'innovation et des projets",
            "Innovation et entrepreneuriat",
            "Design et innovation",
        ],
        [
            "Management de l'innovation",
            "Propriété intellectuelle",
            "Gestion de projet innovant",
            "Design thinking",
            "Financement de l'innovation",
            "Veille technologique",
        ],
    ),
    (
        "M",
        "Gestion des ressources humaines",
        "315",
        "M15 K21",
        ["Management des ressources humaines", "Développement RH et formation", "Relations sociales"],
        [
            "Gestion des emplois et des compétences",
            "Rémunération",
            "Droit du travail",
            "Recrutement",
            "Formation professionnelle",
            "SIRH",
            "Dialogue social",
            "Qualité de vie au travail",
        ],
    ),
    (
        "M",
        "Marketing, vente",
        "312",
        "M17 D14 E14",
        ["Marketing digital", "Marketing et communication", "Management commercial", "Études marketing"],
        [
            "Comportement du consommateur",
            "Études de marché",
            "Marketing digital",
            "Négociation commerciale",
            "Stratégie de marque",
            "Data marketing",
            "Relation client",
        ],
    ),
    (
        "M",
        "Contrôle de gestion et audit organisationnel",
        "314",
        "M12 M14",
        ["Contrôle de gestion", "Audit et contrôle interne"],
        [
            "Comptabilité de gestion",
            "Contrôle budgétaire",
            "Audit interne",
            "Pilotage de la performance",
            "Systèmes d'information de gestion",
            "Normes IFRS",
        ],
    ),
    (
        "M",
        "Comptabilité - contrôle - audit",
        "314",
        "M12 C13",
        ["Expertise comptable", "Audit financier"],
        [
            "Comptabilité financière",
            "Fiscalité",
            "Audit légal",
            "Consolidation",
            "Droit des sociétés",
            "Contrôle interne",
        ],
    ),
    (
        "M",
        "Finance",
        "313",
        "C13 M12 C12",
        ["Finance d'entreprise", "Ingénierie financière", "Finance de marché"],
        [
            "Évaluation d'entreprise",
            "Fusions et acquisitions",
            "Marchés dérivés",
            "Gestion de trésorerie",
            "Modélisation financière",
            "Économétrie de la finance",
        ],
    ),
    (
        "M",
        "Information, communication",
        "320",
        "E11 E14 M17",
        [
            "Communication des organisations",
            "Communication numérique",
            "Communication et médiation scientifique",
            "Communication des institutions publiques",
        ],
        [
            "Théories de l'information et de la communication",
            "Stratégie de communication",
            "Communication numérique",
            "Relations presse",
            "Communication interne",
            "Sémiologie",
            "Rédaction professionnelle",
            "Médias sociaux",
        ],
    ),
    (
        "M",
        "Journalisme",
        "321",
        "E11 E12",
        ["Journalisme de presse écrite", "Journalisme audiovisuel", "Journalisme de données"],
        [
            "Écriture journalistique",
            "Reportage",
            "Droit de la presse",
            "Journalisme de données",
            "Éthique et déontologie",
            "Audiovisuel",
        ],
    ),
    (
        "M",
        "Informatique",
        "326",
        "M18 H12",
        [
            "Génie logiciel",
            "Intelligence artificielle",
            "Données et connaissances",
            "Réseaux et sécurité",
            "Systèmes embarqués",
            "Informatique décisionnelle",
        ],
        [
            "Algorithmique avancée",
            "Génie logiciel",
            "Bases de données",
            "Réseaux",
            "Apprentissage automatique",
            "Sécurité informatique",
            "Compilation",
            "Systèmes distribués",
            "Programmation fonctionnelle",
            "Web sémantique",
        ],
    ),
    (
        "M",
        "Mathématiques et applications",
        "114",
        "M18 K24 C13",
        [
            "Statistique et science des données",
            "Mathématiques financières",
            "Modélisation et calcul scientifique",
            "Préparation à l'agrégation",
        ],
        [
            "Probabilités",
            "Statistique inférentielle",
            "Analyse numérique",
            "Optimisation",
            "Processus stochastiques",
            "Apprentissage statistique",
            "Équations aux dérivées partielles",
        ],
    ),
    (
        "M",
        "Physique",
        "115",
        "H12 K24",
        ["Physique fondamentale", "Physique appliquée et ingénierie", "Physique des matériaux"],
        [
            "Mécanique quantique",
            "Physique statistique",
            "Optique",
            "Physique du solide",
            "Relativité",
            "Instrumentation",
        ],
    ),
    (
        "M",
        "Chimie",
        "116",
        "H12 H23 H15",
        ["Chimie analytique", "Chimie des matériaux", "Chimie verte"],
        [
            "Chimie organique",
            "Chimie analytique",
            "Spectroscopie",
            "Chimie des polymères",
            "Électrochimie",
            "Sécurité au laboratoire",
        ],
    ),
    (
        "M",
        "Biologie santé",
        "118",
        "H12 K24 J12",
        ["Biologie cellulaire", "Neurosciences", "Immunologie", "Génétique"],
        [
            "Biologie moléculaire",
            "Génétique",
            "Immunologie",
            "Biostatistique",
            "Physiologie",
            "Bioinformatique",
            "Pharmacologie",
        ],
    ),
    (
        "M",
        "Sciences de l'eau",
        "343",
        "A13 H13 K23",
        ["Hydrologie et gestion de la ressource", "Eau et environnement"],
        [
            "Hydrologie",
            "Hydrogéologie",
            "Traitement des eaux",
            "Écologie aquatique",
            "Gestion de la ressource",
            "SIG",
        ],
    ),
    (
        "M",
        "Urbanisme et aménagement",
        "341",
        "F11 K18 K14",
        [
            "Urbanisme et projet urbain",
            "Aménagement durable des territoires",
            "Habitat et renouvellement urbain",
        ],
        [
            "Projet urbain",
            "Droit de l'urbanisme",
            "Diagnostic territorial",
            "Mobilités",
            "Habitat",
            "Cartographie et SIG",
            "Concertation",
        ],
    ),
    (
        "M",
        "Géographie, aménagement, environnement et développement",
        "121",
        "K18 A13 F11",
        ["Développement territorial", "Géomatique", "Environnement et paysage"],
        [
            "Géographie économique",
            "Géomatique",
            "Géographie de l'environnement",
            "Développement local",
            "Télédétection",
            "Analyse spatiale",
        ],
    ),
    (
        "M",
        "Histoire",
        "126",
        "K16 K24 K21",
        ["Histoire contemporaine", "Histoire médiévale", "Métiers des archives"],
        [
            "Historiographie",
            "Paléographie",
            "Histoire contemporaine",
            "Archivistique",
            "Histoire médiévale",
            "Méthodes de la recherche historique",
        ],
    ),
    (
        "M",
        "Patrimoine et musées",
        "342",
        "K16 B11",
        ["Métiers du patrimoine", "Médiation culturelle et muséographie"],
        [
            "Histoire de l'art",
            "Muséologie",
            "Conservation préventive",
            "Médiation culturelle",
            "Droit du patrimoine",
            "Inventaire",
        ],
    ),
    (
        "M",
        "Psychologie",
        "124",
        "K11 J13",
        ["Psychologie clinique", "Psychologie du travail", "Neuropsychologie", "Psychologie de l'enfant"],
        [
            "Psychopathologie",
            "Entretien clinique",
            "Psychométrie",
            "Psychologie sociale",
            "Neuropsychologie",
            "Éthique professionnelle",
        ],
    ),
    (
        "M",
        "Sociologie",
        "123",
        "K24 K12 M14",
        ["Sociologie de l'action publique", "Enquêtes et études sociales"],
        [
            "Sociologie générale",
            "Méthodes quantitatives",
            "Sociologie du travail",
            "Ethnographie",
            "Sociologie urbaine",
        ],
    ),
    (
        "M",
        "Sciences de l'éducation",
        "333",
        "K21 K12",
        ["Ingénierie de la formation", "Éducation et inclusion"],
        [
            "Sciences de l'éducation",
            "Ingénierie pédagogique",
            "Évaluation",
            "Formation des adultes",
            "Numérique éducatif",
        ],
    ),
    (
        "M",
        "Métiers de l'enseignement, de l'éducation et de la formation (MEEF)",
        "333",
        "K21",
        ["Premier degré", "Second degré", "Encadrement éducatif", "Pratiques et ingénierie de la formation"],
        [
            "Didactique",
            "Psychologie de l'enfant",
            "Gestion de classe",
            "Système éducatif",
            "Évaluation des apprentissages",
            "Analyse de pratiques",
        ],
    ),
    (
        "M",
        "Langues étrangères appliquées",
        "136",
        "E11 M17 K21",
        ["Traduction spécialisée", "Commerce international", "Langues et relations internationales"],
        [
            "Traduction économique",
            "Traduction juridique",
            "Anglais des affaires",
            "Commerce international",
            "Terminologie",
            "Interprétation",
        ],
    ),
    (
        "M",
        "Lettres",
        "128",
        "K16 E11 K21",
        ["Métiers du livre et de l'édition", "Lettres modernes"],
        ["Littérature comparée", "Édition", "Stylistique", "Histoire du livre", "Écriture créative"],
    ),
    (
        "M",
        "Génie civil",
        "230",
        "F11 F12 H12",
        ["Structures et ouvrages", "Bâtiment durable", "Géotechnique"],
        [
            "Résistance des matériaux",
            "Béton armé",
            "Géotechnique",
            "Thermique du bâtiment",
            "Maquette numérique (BIM)",
            "Conduite de chantier",
        ],
    ),
    (
        "M",
        "Génie électrique",
        "255",
        "H12 H25 I13",
        ["Énergie électrique", "Électronique de puissance"],
        [
            "Électrotechnique",
            "Électronique de puissance",
            "Automatique",
            "Réseaux électriques",
            "Énergies renouvelables",
        ],
    ),
    (
        "M",
        "Génie mécanique",
        "250",
        "H12 H29 H14",
        ["Conception mécanique", "Mécanique des structures", "Industrialisation"],
        [
            "Conception assistée par ordinateur",
            "Mécanique des milieux continus",
            "Matériaux",
            "Fabrication additive",
            "Dynamique des structures",
        ],
    ),
    (
        "M",
        "Santé publique",
        "331",
        "J12 K14 H13",
        ["Épidémiologie", "Promotion de la santé", "Management des organisations de santé"],
        [
            "Épidémiologie",
            "Biostatistique",
            "Économie de la santé",
            "Santé environnementale",
            "Politiques de santé",
        ],
    ),
    (
        "M",
        "Tourisme",
        "334",
        "G11 G13 G14",
        ["Management du tourisme", "Tourisme et développement territorial"],
        [
            "Économie du tourisme",
            "Marketing touristique",
            "Gestion hôtelière",
            "Tourisme durable",
            "Droit du tourisme",
        ],
    ),
    (
        "M",
        "STAPS : management du sport",
        "335",
        "G12 L14 M13",
        ["Management des organisations sportives", "Événementiel sportif"],
        ["Management du sport", "Marketing sportif", "Droit du sport", "Événementiel", "Économie du sport"],
    ),
    (
        "M",
        "Intervention et développement social",
        "332",
        "K12 K11",
        ["Direction des établissements sociaux", "Développement social local"],
        [
            "Politiques sociales",
            "Travail social",
            "Management des structures sociales",
            "Droit de l'action sociale",
            "Accompagnement",
        ],
    ),
    (
        "M",
        "Logistique et supply chain",
        "311",
        "N12 N13 M11",
        ["Management de la chaîne logistique", "Achats et approvisionnements"],
        [
            "Gestion des stocks",
            "Transport international",
            "Achats",
            "Supply chain management",
            "Lean management",
        ],
    ),
    (
        "L",
        "Droit",
        "128",
        "K19 K14",
        ["Droit privé", "Droit public"],
        [
            "Droit constitutionnel",
            "Droit civil",
            "Introduction au droit",
            "Droit administratif",
            "Histoire du droit",
            "Droit pénal",
            "Méthodologie juridique",
        ],
    ),
    (
        "L",
        "Économie et gestion",
        "122",
        "M12 M14 C13",
        ["Économie", "Gestion"],
        [
            "Microéconomie",
            "Macroéconomie",
            "Comptabilité",
            "Statistique",
            "Mathématiques appliquées",
            "Gestion",
        ],
    ),
    (
        "L",
        "Science politique",
        "128",
        "K14 K18",
        ["Science politique", "Relations internationales"],
        [
            "Introduction à la science politique",
            "Sociologie",
            "Histoire des idées politiques",
            "Institutions politiques",
            "Méthodes",
        ],
    ),
    (
        "L",
        "Informatique",
        "326",
        "M18",
        ["Informatique générale", "Méthodes informatiques appliquées à la gestion"],
        [
            "Programmation",
            "Algorithmique",
            "Architecture des ordinateurs",
            "Bases de données",
            "Systèmes d'exploitation",
            "Réseaux",
        ],
    ),
    (
        "L",
        "Mathématiques",
        "114",
        "K24 M18",
        ["Mathématiques fondamentales", "Mathématiques appliquées"],
        ["Analyse", "Algèbre linéaire", "Probabilités", "Topologie", "Calcul différentiel"],
    ),
    (
        "L",
        "Psychologie",
        "124",
        "K11 K12",
        ["Psychologie"],
        [
            "Psychologie cognitive",
            "Psychologie du développement",
            "Psychologie sociale",
            "Statistique",
            "Neurosciences",
        ],
    ),
    (
        "L",
        "Information et communication",
        "320",
        "E11 E14",
        ["Communication", "Médias"],
        ["Communication", "Culture numérique", "Sémiologie", "Rédaction", "Histoire des médias"],
    ),
    (
        "L",
        "Géographie et aménagement",
        "121",
        "K18 F11",
        ["Géographie", "Aménagement"],
        ["Géographie physique", "Géographie humaine", "Cartographie", "Aménagement"],
    ),
    (
        "L",
        "Histoire",
        "126",
        "K16 K21",
        ["Histoire"],
        [
            "Histoire ancienne",
            "Histoire médiévale",
            "Histoire moderne",
            "Histoire contemporaine",
            "Géographie",
        ],
    ),
    (
        "L",
        "Sciences de la vie",
        "118",
        "H12 A13",
        ["Biologie", "Biologie et écologie"],
        ["Biologie cellulaire", "Écologie", "Génétique", "Physiologie", "Biochimie"],
    ),
    (
        "L",
        "Langues étrangères appliquées",
        "136",
        "M17 E11",
        ["Anglais-Espagnol", "Anglais-Allemand"],
        ["Traduction", "Civilisation", "Économie", "Droit", "Langue vivante"],
    ),
    (
        "LP",
        "Métiers de la communication : chargé de communication",
        "320",
        "E11 E14",
        ["Communication des collectivités et associations"],
        ["Communication", "Conduite de projet", "PAO", "Rédaction web", "Événementiel"],
    ),
    (
        "LP",
        "Métiers de l'informatique : développement d'applications",
        "326",
        "M18",
        ["Développement web et mobile"],
        ["Développement web", "Développement mobile", "Bases de données", "Génie logiciel", "Projet tuteuré"],
    ),
    (
        "LP",
        "Métiers de la gestion et de la comptabilité",
        "314",
        "M12",
        ["Comptabilité et paie"],
        ["Comptabilité", "Paie", "Fiscalité", "Logiciels de gestion", "Droit social"],
    ),
    (
        "LP",
        "Métiers du commerce international",
        "312",
        "M17 N12",
        ["Commerce international"],
        ["Commerce international", "Logistique", "Négociation", "Anglais commercial", "Douane"],
    ),
    (
        "LP",
        "Métiers des ressources humaines",
        "315",
        "M15",
        ["Assistant ressources humaines"],
        ["Paie", "Recrutement", "Droit du travail", "Formation", "SIRH"],
    ),
    (
        "LP",
        "Métiers de l'électricité et de l'énergie",
        "255",
        "H12 I13",
        ["Énergies renouvelables"],
        [
            "Électrotechnique",
            "Photovoltaïque",
            "Réseaux électriques",
            "Habilitation électrique",
            "Maintenance",
        ],
    ),
]

NSF_LABELS = {
    "114": "Mathématiques",
    "115": "Physique",
    "116": "Chimie",
    "118": "Sciences de la vie",
    "121": "Géographie",
    "122": "Économie",
    "123": "Sciences sociales",
    "124": "Psychologie",
    "126": "Histoire",
    "128": "Droit, sciences politiques",
    "136": "Langues vivantes, civilisations étrangères et régionales",
    "230": "Génie civil, construction, bois",
    "250": "Spécialités pluritechnologiques mécanique-électricité",
    "255": "Électricité, électronique",
    "310": "Spécialités plurivalentes des échanges et de la gestion",
    "311": "Transport, manutention, magasinage",
    "312": "Commerce, vente",
    "313": "Finances, banque, assurances",
    "314": "Comptabilité, gestion",
    "315": "Ressources humaines, gestion du personnel, gestion de l'emploi",
    "320": "Spécialités plurivalentes de la communication",
    "321": "Journalisme, communication",
    "326": "Informatique, traitement de l'information, réseaux de transmission des données",
    "331": "Santé",
    "332": "Travail social",
    "333": "Enseignement, formation",
    "334": "Accueil, hôtellerie, tourisme",
    "335": "Animation culturelle, sportive et de loisirs",
    "341": "Aménagement du territoire, développement, urbanisme",
    "342": "Protection et développement du patrimoine",
    "343": "Nettoyage, assainissement, protection de l'environnement",
}

GENERIC_COURSES = [
    "Anglais",
    "Méthodologie de la recherche",
    "Gestion de projet",
    "Séminaire professionnel",
    "Projet tuteuré",
    "Conférences de professionnels",
    "Outils numériques",
    "Expression écrite et orale",
    "Éthique et responsabilité sociale",
    "Langue vivante 2",
    "Insertion professionnelle",
    "Atelier de mise en situation",
]

SECTORS_BY_LETTER = {
    "A": ["Exploitations agricoles", "Organismes de gestion de l'environnement"],
    "B": ["Ateliers d'art et d'artisanat"],
    "C": [
        "Banques et établissements financiers",
        "Compagnies d'assurance",
        "Cabinets de gestion de patrimoine",
    ],
    "D": ["Commerce de détail", "Grande distribution"],
    "E": ["Agences de communication", "Médias et presse", "Maisons d'édition"],
    "F": ["Bureaux d'études", "Entreprises du BTP", "Collectivités territoriales"],
    "G": ["Offices de tourisme", "Hôtellerie et restauration", "Clubs et fédérations sportives"],
    "H": ["Industrie", "Laboratoires de recherche et développement", "Industrie pharmaceutique"],
    "I": ["Maintenance industrielle", "Énergie"],
    "J": ["Établissements de santé", "Agences régionales de santé"],
    "K": [
        "Collectivités territoriales",
        "Administrations de l'État",
        "Associations et ONG",
        "Organismes de recherche",
        "Établissements d'enseignement",
        "Cabinets d'avocats",
        "Établissements sociaux et médico-sociaux",
    ],
    "L": ["Spectacle vivant", "Organisations sportives"],
    "M": [
        "Entreprises de services numériques",
        "Cabinets de conseil",
        "Cabinets d'expertise comptable",
        "Directions des ressources humaines",
        "Start-up et PME innovantes",
    ],
    "N": ["Logistique et transport", "Commerce international"],
}

COMPETENCY_VERBS = [
    "Concevoir et piloter",
    "Analyser",
    "Mettre en œuvre",
    "Évaluer",
    "Conduire",
    "Coordonner",
    "Élaborer",
    "Animer",
    "Rédiger",
    "Accompagner",
    "Mobiliser les outils de",
    "Assurer la veille sur",
]
COMPETENCY_OBJECTS = [
    "un projet de {t}",
    "une stratégie en {t}",
    "les dispositifs de {t}",
    "une étude en {t}",
    "les enjeux juridiques et économiques de {t}",
    "une équipe dans le domaine de {t}",
    "des outils de diagnostic en {t}",
    "une démarche qualité en {t}",
    "des partenariats en {t}",
    "un budget en {t}",
]
BLOCK_TITLES = [
    "Usages avancés et spécialisés des outils numériques",
    "Développement et intégration de savoirs hautement spécialisés",
    "Communication spécialisée pour le transfert de connaissances",
    "Appui à la transformation en contexte professionnel",
    "Conduite de projets en {t}",
    "Expertise en {t}",
]
JOB_ROLES = ["Chargé de mission", "Chef de projet", "Consultant", "Responsable", "Coordinateur", "Analyste"]
ADMISSION = [
    "Licence ou diplôme équivalent dans le domaine de la formation",
    "Examen du dossier de candidature",
    "Entretien avec le jury d'admission",
    "Niveau B2 en anglais recommandé",
    "Projet professionnel cohérent avec la formation",
    "Contrat d'alternance à rechercher par le candidat",
]
CONTACT_ROLES = [
    ("Secrétariat pédagogique", "scolarite"),
    ("Service de la formation continue", "fc"),
    ("Service de l'alternance", "alternance"),
    ("Responsable de la formation", None),
]


def slug(text: str) -> str:
    """Slug per docs/modelling.md: lower case, accents removed, words joined by ``-``."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


@dataclass(frozen=True)
class Mention:
    degree: str  # "M", "L", "LP"
    name: str
    nsf: str
    domains: tuple[str, ...]
    themes: tuple[str, ...]
    topics: tuple[str, ...]

    @property
    def slug(self) -> str:
        return slug(self.name)

    @property
    def iri(self) -> str:
        prefix = {"M": "master", "L": "licence", "LP": "licence-pro"}[self.degree]
        return f"{ID}mention/{prefix}-{self.slug}" if self.degree != "M" else f"{ID}mention/{self.slug}"

    @property
    def degree_label(self) -> str:
        return {"M": "Master", "L": "Licence", "LP": "Licence professionnelle"}[self.degree]


def load_mentions() -> list[Mention]:
    mentions = []
    for degree, name, nsf, domains, themes, topics in MENTIONS_SPEC:
        mentions.append(Mention(degree, name, nsf, tuple(domains.split()), tuple(themes), tuple(topics)))
    return mentions


# --- ROME ----------------------------------------------------------------------------------------


@dataclass
class Rome:
    """The ROME release the generated world points into (real or synthetic)."""

    version: str
    real: bool
    codes: list[tuple[str, str, str]]  # (code, label, parent code)
    appellations: list[tuple[str, str, str]]  # (ogr, long label, code)
    mobility: list[tuple[str, str, int]]  # (code, target code, rank in ROME's list)
    by_domain: dict[str, list[str]] = field(default_factory=dict)
    appellations_by_code: dict[str, list[int]] = field(default_factory=dict)

    def index(self) -> Rome:
        self.by_domain = {}
        for code, _, _ in self.codes:
            self.by_domain.setdefault(code[:3], []).append(code)
        self.appellations_by_code = {}
        for i, (_, _, code) in enumerate(self.appellations):
            self.appellations_by_code.setdefault(code, []).append(i)
        return self


def default_rome_dir() -> Path | None:
    """``../shared/data/rome-v460`` beside the checkout, or ``$PROGKG_SHARED_DATA/rome-v460``."""
    candidates = []
    env = os.environ.get("PROGKG_SHARED_DATA")
    if env:
        candidates.append(Path(env) / "rome-v460")
    candidates.append(Path(__file__).resolve().parents[2] / "shared" / "data" / "rome-v460")
    for folder in candidates:
        if (folder / "unix_referentiel_code_rome_v460_utf8.csv").is_file():
            return folder
    return None


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_rome(folder: Path) -> Rome:
    """Read codes, job titles and mobility links of a real ROME 4.0 release (v460 CSVs)."""
    version = "v460"
    codes = [
        (r["code_rome"], r["libelle_rome"], r["code_rome_parent"] or r["code_rome"])
        for r in _rows(folder / f"unix_referentiel_code_rome_{version}_utf8.csv")
    ]
    appellations = [
        (r["code_ogr"], r["libelle_appellation_long"], r["code_rome"])
        for r in _rows(folder / f"unix_referentiel_appellation_{version}_utf8.csv")
    ]
    mobility_file = folder / f"unix_rubrique_mobilite_{version}_utf8.csv"
    mobility = (
        [(r["code_rome"], r["code_rome_cible"], int(r["numero_ordre"] or 0)) for r in _rows(mobility_file)]
        if mobility_file.is_file()
        else []
    )
    codes.sort()
    appellations.sort(key=lambda a: int(a[0]))
    mobility.sort()
    return Rome(version, True, codes, appellations, mobility).index()


def synthetic_rome(mentions: list[Mention]) -> Rome:
    """A ROME-shaped code list (letter + 4 digits, parent codes, ~8 job titles per code)."""
    rng = random.Random("synthetic-rome")
    domains = sorted(
        {d for m in mentions for d in m.domains} | {f"{c}1{i}" for c in "ABCDEFGHIJKLMN" for i in "12"}
    )
    nouns = ["études", "projets", "gestion", "production", "conseil", "développement", "qualité", "médiation"]
    codes, appellations, mobility = [], [], []
    ogr = 10000
    for domain in domains:
        parent = None
        for n in range(1, 7):
            code = f"{domain}{n:02d}"
            noun = nouns[(n + ord(domain[0])) % len(nouns)]
            label = f"Métiers {domain} — {noun}"
            parent = parent or code
            codes.append((code, label, parent if n % 3 else code))
            for k in range(8):
                ogr += 1
                role = JOB_ROLES[k % len(JOB_ROLES)]
                appellations.append((str(ogr), f"{role} / {role}e en {noun} {domain}{n:02d}-{k}", code))
    all_codes = [c for c, _, _ in codes]
    for code in all_codes:
        for rank, target in enumerate(rng.sample(all_codes, 5), start=1):
            if target != code:
                mobility.append((code, target, rank))
    mobility = sorted(set(mobility))
    return Rome("synthetic", False, codes, appellations, mobility).index()


def brochure_title(appellation: str) -> str:
    """How a brochure names a ROME job title: the masculine side of the doublet.

    "Chargé / Chargée de communication" → "Chargé de communication".
    """
    if " / " not in appellation:
        return appellation
    left, right = appellation.split(" / ", 1)
    rest = right.split(" ", 1)[1] if " " in right else ""
    return f"{left} {rest}".strip()


# --- Writing N-Quads ---------------------------------------------------------------------------


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


class QuadWriter:
    """Writes N-Quads lines for one current graph; counts them; flushes in large chunks."""

    def __init__(self, fh) -> None:
        self.fh = fh
        self.count = 0
        self.g = ""
        self.buf: list[str] = []

    def graph(self, iri: str) -> None:
        self.g = f"<{iri}>"

    def iri(self, s: str, p: str, o: str) -> None:
        self.buf.append(f"<{s}> <{p}> <{o}> {self.g} .\n")

    def a(self, s: str, cls: str) -> None:
        self.buf.append(f"<{s}> <{RDF_TYPE}> <{cls}> {self.g} .\n")

    def text(self, s: str, p: str, value: str, lang: str | None = "fr") -> None:
        tail = f"@{lang}" if lang else ""
        self.buf.append(f'<{s}> <{p}> "{_escape(value)}"{tail} {self.g} .\n')

    def typed(self, s: str, p: str, value: object, datatype: str) -> None:
        if datatype == "string":  # xsd:string is the plain literal of RDF 1.1
            self.buf.append(f'<{s}> <{p}> "{_escape(str(value))}" {self.g} .\n')
        else:
            self.buf.append(f'<{s}> <{p}> "{value}"^^<{XSD}{datatype}> {self.g} .\n')

    def integer(self, s: str, p: str, value: int) -> None:
        self.typed(s, p, value, "integer")

    def boolean(self, s: str, p: str, value: bool) -> None:
        self.typed(s, p, "true" if value else "false", "boolean")

    def flush(self) -> None:
        if self.buf:
            self.count += len(self.buf)
            self.fh.write("".join(self.buf))
            self.buf.clear()

    @property
    def total(self) -> int:
        return self.count + len(self.buf)


# --- The generated world ---------------------------------------------------------------------


@dataclass
class Report:
    """What was generated: counts and the planted errors (IRIs, by kind)."""

    size: int
    seed: int
    triples: int = 0
    rome_version: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    planted: dict[str, list[str]] = field(default_factory=dict)

    def plant(self, kind: str, iri: str) -> None:
        self.planted.setdefault(kind, []).append(iri)

    def bump(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def to_json(self) -> dict:
        return {
            "size": self.size,
            "seed": self.seed,
            "triples": self.triples,
            "rome_version": self.rome_version,
            "counts": dict(sorted(self.counts.items())),
            "planted": {k: v for k, v in sorted(self.planted.items())},
        }


#: Planted error rates (per semester, course, unit, certification).
RATE_ECTS_SUM = 0.03
RATE_COURSE_NO_HOURS = 0.01
RATE_UNIT_NO_ECTS = 0.005
RATE_DECLARED_MISMATCH = 0.05
RATE_BAD_ROME = 0.03


@dataclass
class Certification:
    code: str  # "RNCP38175"
    label: str
    level: int  # EQF level
    nsf: str
    romes: list[str]
    blocks: int
    competencies_per_block: list[int]
    activities: int
    certifier: str  # org IRI
    certifier_label: str
    bad_rome: str | None = None

    @property
    def iri(self) -> str:
        return f"{ID}rncp/{self.code}"

    def block_iri(self, n: int) -> str:
        return f"{self.iri}/bcc{n}"

    def competency_iri(self, block: int, n: int) -> str:
        return f"{self.iri}/bcc{block}/competency-{n}"


class World:
    """Everything shared between sources: code lists, ROME, certifications, job titles."""

    def __init__(self, seed: int, rome: Rome, error_rate: float = 1.0) -> None:
        self.seed = seed
        self.error_rate = error_rate
        self.rome = rome
        self.mentions = load_mentions()
        self.institutions = list(INSTITUTIONS)
        self.cert_by_mention: dict[str, Certification] = {}
        self.rncp_used: set[int] = set()
        self.used_codes: set[str] = set()
        self.used_appellations: set[int] = set()
        self.mapped_jobs: dict[str, int] = {}  # job IRI -> appellation index (reviewed mapping)
        self.job_labels: dict[str, str] = {}
        self.certifications: list[Certification] = []

    def rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    def rncp_number(self, rng: random.Random, low: int, high: int) -> int:
        while True:
            n = rng.randint(low, high)
            if n not in self.rncp_used:
                self.rncp_used.add(n)
                return n

    def codes_for(self, mention: Mention) -> list[str]:
        codes = [c for d in mention.domains for c in self.rome.by_domain.get(d, [])]
        return codes or [self.rome.codes[0][0]]

    def certification_for(self, mention: Mention, report: Report) -> Certification:
        """The national RNCP fiche of a mention (one per mention, as for real masters)."""
        cert = self.cert_by_mention.get(mention.iri)
        if cert is None:
            rng = self.rng("cert", mention.iri)
            level = 7 if mention.degree == "M" else 6
            number = self.rncp_number(rng, 34000, 40999)
            codes = self.codes_for(mention)
            romes = sorted(rng.sample(codes, min(len(codes), rng.randint(2, 5))))
            blocks = rng.randint(4, 6)
            cert = Certification(
                code=f"RNCP{number}",
                label=f"{mention.degree_label} {mention.name}",
                level=level,
                nsf=mention.nsf,
                romes=romes,
                blocks=blocks,
                competencies_per_block=[rng.randint(3, 6) for _ in range(blocks)],
                activities=rng.randint(3, 7),
                certifier=f"{ID}org/ministere-de-l-enseignement-superieur-et-de-la-recherche",
                certifier_label="Ministère de l'Enseignement supérieur et de la Recherche",
            )
            if rng.random() < RATE_BAD_ROME * self.error_rate:
                cert.bad_rome = _malformed_rome(rng, romes[0])
                report.plant("bad-rome-code", f"{ID}rome/{cert.bad_rome}")
            self.used_codes.update(romes)
            self.cert_by_mention[mention.iri] = cert
            self.certifications.append(cert)
        return cert

    def job_title(self, rng: random.Random, mention: Mention, theme: str) -> tuple[str, str, int | None]:
        """A brochure job title: usually a ROME job title as brochures word it, sometimes not in ROME."""
        if rng.random() < 0.8:
            code = rng.choice(self.codes_for(mention))
            choices = self.rome.appellations_by_code.get(code)
            if choices:
                index = rng.choice(choices)
                label = brochure_title(self.rome.appellations[index][1])
                return f"{ID}job/{slug(label)}", label, index
        role = rng.choice(JOB_ROLES)
        label = (
            f"{role} {theme[0].lower()}{theme[1:]}"
            if rng.random() < 0.5
            else f"{role} {mention.name.lower()}"
        )
        return f"{ID}job/{slug(label)}", label, None


def _statement(rng: random.Random, topic: str) -> str:
    """A competency or activity statement, worded as RNCP fiches and brochures word them."""
    return f"{rng.choice(COMPETENCY_VERBS)} {rng.choice(COMPETENCY_OBJECTS).format(t=topic)}"


def _malformed_rome(rng: random.Random, good: str) -> str:
    """A realistic typo of a ROME code: a letter O for a zero, a lost or doubled digit, lower case."""
    kind = rng.randrange(4)
    if kind == 0 and "0" in good[1:]:
        i = good.index("0", 1)
        return good[:i] + "O" + good[i + 1 :]
    if kind == 1:
        return good[:-1]
    if kind == 2:
        return good + good[-1]
    return good.lower()


def _ects_split(rng: random.Random) -> list[int]:
    """30 ECTS split into 4–6 units, in multiples of 3 (as most French semesters are)."""
    n = rng.randint(4, 6)
    parts = [3] * n
    for _ in range(10 - n):
        parts[rng.randrange(n)] += 3
    return parts


def _programme(w: QuadWriter, world: World, report: Report, index: int, taken: set[str]) -> None:
    """One brochure: a programme with its common semesters and its parcours, in its own graph."""
    rng = world.rng("programme", index)
    for _ in range(50):
        mention = rng.choice(world.mentions)
        institution = rng.choice(world.institutions)
        key = f"{slug(institution)}|{mention.iri}"
        if key not in taken:
            break
    else:  # every combination drawn: allow a second programme (a different campus) with a suffix
        key = f"{key}|{index}"
    taken.add(key)
    inst_slug = slug(institution)
    short = inst_slug.replace("universite-", "").replace("-universite", "")[:40]
    degree_slug = {"M": "master", "L": "licence", "LP": "licence-pro"}[mention.degree]
    prog_slug = f"{degree_slug}-{mention.slug}" + (f"-{index}" if key.count("|") > 1 else "")
    prog = f"{ID}programme/{short}/{prog_slug}"
    inst = f"{ID}org/{inst_slug}"
    faculty_label = rng.choice(FACULTIES)
    faculty = f"{ID}org/{inst_slug}-{slug(faculty_label)}"
    domain = "univ-" + re.sub(r"^(de-la-|de-l-|de-|d-|du-|des-)", "", short).replace("-", "")[:24] + ".fr"
    source = f"{ID}source/gen-{short}-{prog_slug}"

    w.graph(f"{GRAPH}seeds/gen-{short}-{prog_slug}")
    g = w.g[1:-1]
    cert = world.certification_for(mention, report)
    report.bump("programmes")

    # provenance
    w.iri(g, PROV + "wasDerivedFrom", source)
    w.text(g, DCT + "title", f"Brochure du {mention.degree_label} {mention.name} ({institution})")
    w.a(source, PK + "SourceDocument")
    w.typed(source, PK + "sourceFile", f"gen-{index:06d}.txt", "string")
    w.text(source, DCT + "type", "brochure de formation")
    w.text(source, DCT + "type", "programme brochure", "en")
    w.text(source, DCT + "title", f"{mention.degree_label.upper()} — {mention.name} — {institution}")
    w.iri(source, DCT + "publisher", inst)
    w.typed(source, DCT + "language", "fr", "string")

    # organisations
    w.a(inst, PK + "Organisation")
    w.a(inst, SCHEMA + "CollegeOrUniversity")
    w.text(inst, RDFS + "label", institution)
    w.text(inst, SCHEMA + "name", institution)
    w.a(faculty, PK + "Organisation")
    w.text(faculty, RDFS + "label", f"{faculty_label} ({institution})")
    w.iri(faculty, ORGV + "subOrganizationOf", inst)

    # programme
    level_word = {"M": "Master mention", "L": "Licence mention", "LP": "Licence professionnelle mention"}
    w.a(prog, PK + "Programme")
    w.text(prog, RDFS + "label", f"{level_word[mention.degree]} {mention.name} ({institution})")
    if rng.random() < 0.5:
        w.text(prog, RDFS + "label", f"{mention.degree_label} in {mention.name} ({institution})", "en")
    w.text(prog, SCHEMA + "name", f"{mention.degree_label} {mention.name}")
    w.iri(prog, PK + "mention", mention.iri)
    w.iri(prog, PK + "provider", faculty)
    w.iri(prog, PK + "provider", inst)
    w.iri(prog, PK + "certification", cert.iri)
    w.text(
        prog,
        PK + "objective",
        f"Le {mention.degree_label.lower()} {mention.name} de l'{faculty_label} forme des spécialistes "
        f"capables d'intervenir dans les domaines de {mention.topics[0].lower()} "
        f"et de {mention.topics[-1].lower()}, "
        f"en lien étroit avec les milieux professionnels et la recherche.",
    )
    if rng.random() < 0.6:
        w.integer(prog, PK + "cohortSize", rng.choice([15, 20, 24, 25, 30, 35, 40, 60, 80, 120]))

    semesters_common, semesters_parcours = {
        "M": ([1, 2], [3, 4]),
        "L": ([1, 2, 3, 4], [5, 6]),
        "LP": ([], [5, 6]),
    }[mention.degree]
    for number in semesters_common:
        _semester(w, world, report, rng, prog, number, mention, f"{mention.degree_label} {mention.name}")

    # application, admission, contacts (programme level)
    _admission(w, rng, prog, mention, domain, report)

    # parcours
    n_parcours = 1 if mention.degree == "LP" else rng.randint(1, min(5, len(mention.themes)))
    themes = rng.sample(list(mention.themes), n_parcours)
    declared_here: set[str] = set()
    parcours_iris: list[str] = []
    p_prefix = {"M": "", "L": "licence-", "LP": "licence-pro-"}[mention.degree]
    for p_index, theme in enumerate(themes, 1):
        work_study = rng.random() < 0.3
        p_label = (
            f"{'M2 ' if mention.degree == 'M' else ''}{theme}" + (" (alternance)" if work_study else "")
        ).strip()
        parcours = f"{ID}parcours/{short}/{p_prefix}{mention.slug[:30]}-{slug(theme)[:50]}"
        parcours_iris.append(parcours)
        w.iri(prog, PK + "hasParcours", parcours)
        w.a(parcours, PK + "Parcours")
        w.text(parcours, RDFS + "label", p_label)
        if rng.random() < 0.3:
            w.text(parcours, RDFS + "label", f"{theme} track", "en")
        w.text(parcours, SCHEMA + "name", f"{mention.degree_label} {mention.name} parcours {theme}")
        w.iri(parcours, PK + "partOf", prog)
        w.iri(parcours, PK + "provider", faculty)
        w.iri(parcours, PK + "provider", inst)
        w.iri(
            parcours,
            PK + "studyMode",
            f"{ID}access-route/{'alternance' if work_study else 'formation-initiale'}",
        )
        if rng.random() < 0.25:
            w.iri(parcours, PK + "studyMode", f"{ID}access-route/formation-continue")
        w.text(
            parcours,
            PK + "objective",
            f"Le parcours « {theme} » prépare aux métiers de {theme.lower()} : "
            f"{', '.join(t.lower() for t in rng.sample(list(mention.topics), 3))}.",
        )
        report.bump("parcours")
        for number in semesters_parcours:
            _semester(w, world, report, rng, parcours, number, mention, p_label)

        # sectors
        letters = sorted({d[0] for d in mention.domains})
        pool = [s for letter in letters for s in SECTORS_BY_LETTER.get(letter, [])]
        for sector in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
            s_iri = f"{ID}sector/{slug(sector)}"
            w.iri(parcours, PK + "targetsSector", s_iri)
            if s_iri not in declared_here:
                declared_here.add(s_iri)
                w.a(s_iri, PK + "Sector")
                w.text(s_iri, RDFS + "label", sector)

        # competencies and activities named by the brochure, blocks of the national fiche
        t = theme.lower()
        for n in range(1, rng.randint(4, 9) + 1):
            c = f"{parcours}/competency-{n}"
            w.iri(parcours, PK + "hasCompetency", c)
            w.a(c, PK + "Competency")
            w.text(
                c,
                RDFS + "label",
                f"{rng.choice(COMPETENCY_VERBS)} {rng.choice(COMPETENCY_OBJECTS).format(t=t)}",
            )
            report.bump("competencies")
        for n in range(1, rng.randint(3, 6) + 1):
            a = f"{parcours}/activity-{n}"
            w.iri(parcours, PK + "hasActivity", a)
            w.a(a, PK + "Activity")
            w.text(
                a,
                RDFS + "label",
                f"{rng.choice(COMPETENCY_VERBS)} {rng.choice(COMPETENCY_OBJECTS).format(t=t)}",
            )
        for b in sorted(rng.sample(range(1, cert.blocks + 1), rng.randint(2, cert.blocks))):
            w.iri(parcours, PK + "hasBlock", cert.block_iri(b))

        # jobs
        seen_jobs: set[str] = set()
        for _ in range(rng.randint(3, 9)):
            job, label, appellation = world.job_title(rng, mention, theme)
            if job in seen_jobs:
                continue
            seen_jobs.add(job)
            w.iri(parcours, PK + "leadsTo", job)
            if job not in declared_here:
                declared_here.add(job)
                w.a(job, PK + "JobTitle")
                w.text(job, RDFS + "label", label)
            world.job_labels.setdefault(job, label)
            if appellation is not None and job not in world.mapped_jobs:
                # about two thirds of brochure titles have a reviewed mapping to their ROME job title
                if world.rng("map", job).random() < 0.67:
                    world.mapped_jobs[job] = appellation
                    world.used_appellations.add(appellation)
                    world.used_codes.add(world.rome.appellations[appellation][2])

        if rng.random() < 0.5:
            _admission(w, rng, parcours, mention, domain, report, contacts_only=True)
        if rng.random() < 0.2 and p_index > 1:
            w.iri(parcours, PK + "relatedProgramme", parcours_iris[0])
    w.flush()


def _semester(
    w: QuadWriter,
    world: World,
    report: Report,
    rng: random.Random,
    owner: str,
    number: int,
    mention: Mention,
    owner_label: str,
) -> None:
    sem = f"{owner}/s{number}"
    w.iri(owner, PK + "hasSemester", sem)
    w.a(sem, PK + "Semester")
    w.text(sem, RDFS + "label", f"Semestre {number} — {owner_label}")
    w.integer(sem, PK + "semesterNumber", number)
    report.bump("semesters")
    ects = _ects_split(rng)
    if rng.random() < RATE_ECTS_SUM * world.error_rate:
        i = rng.randrange(len(ects))
        ects[i] += rng.choice([-2, -1, 1, 2, 3]) if ects[i] > 3 else 2
        report.plant("semester-ects-not-30", sem)
    total_cm = total_td = 0
    for u, value in enumerate(ects, 1):
        unit = f"{sem}-ue{u}"
        w.iri(sem, PK + "hasUnit", unit)
        w.a(unit, PK + "TeachingUnit")
        w.typed(unit, PK + "unitCode", f"UE {u}", "string")
        w.integer(unit, PK + "order", u)
        report.bump("units")
        internship = number % 2 == 0 and u == len(ects) and number >= 4
        if internship:
            title = "Stage et mémoire" if mention.degree == "M" else "Stage professionnel"
        else:
            title = rng.choice(
                [
                    "Enseignements fondamentaux",
                    "Enseignements de spécialité",
                    "Outils et méthodes",
                    "Ouverture",
                    "Professionnalisation",
                    "Compétences transversales",
                ]
            )
        w.text(unit, RDFS + "label", f"UE {u} : {title} (S{number})")
        if rng.random() < RATE_UNIT_NO_ECTS * world.error_rate:
            report.plant("unit-without-ects", unit)
        else:
            w.integer(unit, PK + "ects", value)
        if internship:
            courses = [("Stage", 0, 0), ("Mémoire", 0, 0)] if mention.degree == "M" else [("Stage", 0, 0)]
            choice = 0
        else:
            n = rng.randint(2, 5)
            pool = list(mention.topics) + GENERIC_COURSES
            names = rng.sample(pool, n)
            choice = 2 if n >= 4 and rng.random() < 0.15 else 0
            courses = []
            for name in names:
                cm = rng.choice([0, 10, 12, 15, 18, 20, 24, 30])
                td = rng.choice([0, 0, 6, 10, 12, 15, 18, 20]) if cm else rng.choice([10, 12, 15, 18, 20])
                courses.append((name, cm, td))
        if choice:
            w.integer(unit, PK + "choiceCount", choice)
        used: set[str] = set()
        for c, (name, cm, td) in enumerate(courses, 1):
            cslug = slug(name)
            while cslug in used:
                cslug += "-2"
            used.add(cslug)
            course = f"{unit}-{cslug}"
            w.iri(unit, PK + "hasCourse", course)
            w.a(course, PK + "Course")
            w.integer(course, PK + "order", c)
            w.boolean(course, PK + "compulsory", not choice)
            w.text(course, RDFS + "label", name)
            report.bump("courses")
            if not internship and rng.random() < RATE_COURSE_NO_HOURS * world.error_rate:
                report.plant("course-without-hours", course)
                continue
            w.integer(course, PK + "hoursCM", cm)
            w.integer(course, PK + "hoursTD", td)
            if not choice:
                total_cm += cm
                total_td += td
    if rng.random() < 0.3 and not choice:
        if rng.random() < RATE_DECLARED_MISMATCH * world.error_rate:
            total_cm += rng.choice([-10, -5, 5, 10, 15])
            report.plant("declared-hours-mismatch", sem)
        w.integer(sem, PK + "declaredHoursCM", total_cm)
        w.integer(sem, PK + "declaredHoursTD", total_td)
        w.integer(sem, PK + "declaredHours", total_cm + total_td)


def _admission(
    w: QuadWriter,
    rng: random.Random,
    owner: str,
    mention: Mention,
    domain: str,
    report: Report,
    contacts_only: bool = False,
) -> None:
    """Application window, admission requirements and functional contacts (no person's name)."""
    if not contacts_only:
        window = f"{owner}/candidature-2026"
        start_month = rng.choice([2, 3, 4])
        start_day = rng.randint(1, 25)
        end_month = start_month + 1
        w.iri(owner, PK + "applicationWindow", window)
        w.a(window, PK + "ApplicationWindow")
        w.text(
            window,
            RDFS + "label",
            f"Candidatures du {start_day} / {start_month:02d} au {start_day} / {end_month:02d} 2026",
        )
        w.typed(window, SCHEMA + "startDate", f"2026-{start_month:02d}-{start_day:02d}", "date")
        w.typed(window, SCHEMA + "endDate", f"2026-{end_month:02d}-{start_day:02d}", "date")
        url = "https://www.monmaster.gouv.fr/" if mention.degree == "M" else "https://www.parcoursup.fr/"
        w.iri(window, SCHEMA + "url", url)
        for n, text in enumerate(rng.sample(ADMISSION, rng.randint(2, 4)), 1):
            req = f"{owner}/admission-{n}"
            w.iri(owner, PK + "admissionRequirement", req)
            w.a(req, PK + "AdmissionRequirement")
            w.integer(req, PK + "order", n)
            w.text(req, RDFS + "label", text)
    for role, box in rng.sample(CONTACT_ROLES, rng.randint(1, 2)):
        contact = f"{owner}/contact-{slug(role)}"
        w.iri(owner, PK + "contactPoint", contact)
        w.a(contact, PK + "ContactPoint")
        w.text(contact, RDFS + "label", role)
        w.text(contact, SCHEMA + "contactType", role)
        if box:
            w.typed(contact, SCHEMA + "email", f"{box}-{mention.slug[:20]}@{domain}", "string")
            w.typed(
                contact,
                SCHEMA + "telephone",
                f"+33 {rng.randint(1, 5)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                "string",
            )


def _certification(
    w: QuadWriter, world: World, report: Report, cert: Certification, declared: set[str]
) -> None:
    """One RNCP fiche as the RNCP importer would write it."""
    rng = world.rng("fiche", cert.code)
    c = cert.iri
    report.bump("certifications")
    w.a(c, PK + "Certification")
    w.text(c, RDFS + "label", cert.label)
    w.text(c, SKOS + "prefLabel", cert.label)
    w.typed(c, PK + "rncpCode", cert.code, "string")
    w.iri(c, PK + "eqfLevel", f"{EQF}{cert.level}")
    w.iri(c, PK + "nsf", f"{ID}nsf/{cert.nsf}")
    w.iri(c, PK + "certifier", cert.certifier)
    if cert.certifier not in declared:
        declared.add(cert.certifier)
        w.a(cert.certifier, PK + "Organisation")
        w.text(cert.certifier, RDFS + "label", cert.certifier_label)
    w.boolean(c, PK + "active", rng.random() < 0.85)
    year = rng.randint(2019, 2025)
    w.typed(c, PK + "registrationStart", f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "date")
    w.typed(
        c, PK + "registrationEnd", f"{year + 5}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "date"
    )
    w.text(
        c,
        PK + "legalBasis",
        f"Arrêté du {rng.randint(1, 28)} {rng.choice(['janvier', 'mars', 'juin', 'septembre'])} {year}",
    )
    w.iri(c, RDFS + "seeAlso", f"https://www.francecompetences.fr/recherche/rncp/{cert.code[4:]}/")
    for code in cert.romes:
        w.iri(c, PK + "rome", f"{ID}rome/{code}")
    if cert.bad_rome:
        bad = f"{ID}rome/{cert.bad_rome}"
        w.iri(c, PK + "rome", bad)
        w.a(bad, PK + "RomeCode")
        w.typed(bad, SKOS + "notation", cert.bad_rome, "string")
    for b in range(1, cert.blocks + 1):
        block = cert.block_iri(b)
        w.iri(c, PK + "hasBlock", block)
        w.a(block, PK + "CompetencyBlock")
        w.typed(block, SKOS + "notation", f"{cert.code}BC{b:02d}", "string")
        w.text(block, RDFS + "label", rng.choice(BLOCK_TITLES).format(t=cert.label.lower()))
        w.integer(block, PK + "order", b)
        for n in range(1, cert.competencies_per_block[b - 1] + 1):
            comp = cert.competency_iri(b, n)
            w.iri(block, PK + "hasCompetency", comp)
            w.a(comp, PK + "Competency")
            w.text(
                comp,
                RDFS + "label",
                _statement(rng, cert.label.lower()),
            )
    for n in range(1, cert.activities + 1):
        act = f"{c}/activity-{n}"
        w.iri(c, PK + "hasActivity", act)
        w.a(act, PK + "Activity")
        w.text(
            act,
            RDFS + "label",
            f"{rng.choice(COMPETENCY_VERBS)} {rng.choice(COMPETENCY_OBJECTS).format(t=cert.label.lower())}",
        )
    for route in ROUTES:
        cond = f"{c}/access-{route}"
        w.iri(c, PK + "accessCondition", cond)
        w.a(cond, PK + "AccessCondition")
        w.iri(cond, PK + "route", f"{ID}access-route/{route}")
        is_open = route in ("formation-initiale", "vae", "formation-continue") or rng.random() < 0.6
        w.boolean(cond, PK + "open", is_open)
        if is_open:
            w.text(
                cond,
                PK + "jury",
                "Jury présidé par le responsable de la formation, composé d'enseignants et de professionnels",
            )


def _extra_certification(world: World, report: Report, index: int, pool: list[int]) -> Certification:
    """A professional title of the RNCP export that no generated programme prepares for.

    ``pool``: indexes of the job titles whose ROME code is in the generated ROME graph.
    """
    rng = world.rng("extra-cert", index)
    appellation = world.rome.appellations[pool[rng.randrange(len(pool))]]
    code = appellation[2]
    blocks = rng.randint(2, 4)
    number = world.rncp_number(rng, 1000, 33999)
    cert = Certification(
        code=f"RNCP{number}",
        label=f"Titre professionnel {brochure_title(appellation[1])}",
        level=rng.choice([3, 4, 5, 6]),
        nsf=rng.choice(sorted(NSF_LABELS)),
        romes=[code],
        blocks=blocks,
        competencies_per_block=[rng.randint(2, 5) for _ in range(blocks)],
        activities=rng.randint(2, 4),
        certifier=f"{ID}org/ministere-du-travail",
        certifier_label="Ministère du Travail, du Plein emploi et de l'Insertion",
    )
    if rng.random() < RATE_BAD_ROME * world.error_rate:
        cert.bad_rome = _malformed_rome(rng, code)
        report.plant("bad-rome-code", f"{ID}rome/{cert.bad_rome}")
    return cert


def _vocab(w: QuadWriter, world: World) -> None:
    """Mentions, NSF domains and EQF levels the generated data points to."""
    w.graph(GRAPH_VOCAB)
    g = GRAPH_VOCAB
    w.text(g, DCT + "title", "Listes de codes du graphe de test")
    w.a(f"{ID}mention", SKOS + "ConceptScheme")
    w.text(f"{ID}mention", SKOS + "prefLabel", "Mentions de diplômes")
    for m in world.mentions:
        w.a(m.iri, PK + "Mention")
        w.iri(m.iri, SKOS + "inScheme", f"{ID}mention")
        w.text(m.iri, SKOS + "prefLabel", f"{m.degree_label} {m.name}")
        w.text(m.iri, RDFS + "label", m.name)
    w.a(f"{ID}nsf", SKOS + "ConceptScheme")
    for code, label in sorted(NSF_LABELS.items()):
        c = f"{ID}nsf/{code}"
        w.a(c, SKOS + "Concept")
        w.iri(c, SKOS + "inScheme", f"{ID}nsf")
        w.typed(c, SKOS + "notation", code, "string")
        w.text(c, SKOS + "prefLabel", label)
    for level in (3, 4, 5, 6, 7):
        w.a(f"{EQF}{level}", SKOS + "Concept")
        w.text(f"{EQF}{level}", SKOS + "prefLabel", f"Niveau {level} du CEC")
    w.flush()


def _rome(w: QuadWriter, world: World, budget: int) -> set[str]:
    """The ROME release: every referenced code and job title, then more of the release up to ``budget``."""
    rome = world.rome
    w.graph(GRAPH_ROME)
    start = w.total
    w.text(GRAPH_ROME, DCT + "title", f"ROME 4.0 {rome.version}")
    # the same shape as `progkg import rome` writes (src/progkg/importers/rome.py)
    codes_scheme, apps_scheme = f"{ID}rome/scheme/codes", f"{ID}rome/scheme/appellations"
    w.a(codes_scheme, SKOS + "ConceptScheme")
    w.text(codes_scheme, SKOS + "prefLabel", "ROME 4.0 — fiches métiers (codes ROME)")
    w.a(apps_scheme, SKOS + "ConceptScheme")
    w.text(apps_scheme, SKOS + "prefLabel", "ROME 4.0 — appellations (intitulés d'emploi)")
    code_info = {c: (label, parent) for c, label, parent in rome.codes}
    # parents of referenced codes must be there too (programmes-for-rome walks them)
    needed = set(world.used_codes) | {code_info[c][1] for c in world.used_codes if c in code_info}
    needed_apps = set(world.used_appellations)
    codes_order = [c for c, _, _ in rome.codes if c in needed] + [
        c for c, _, _ in rome.codes if c not in needed
    ]
    emitted: set[str] = set()

    def emit_code(code: str) -> None:
        label, parent = code_info[code]
        iri = f"{ID}rome/{code}"
        w.a(iri, SKOS + "Concept")
        w.a(iri, PK + "RomeCode")
        w.iri(iri, SKOS + "inScheme", codes_scheme)
        w.typed(iri, SKOS + "notation", code, "string")
        w.text(iri, SKOS + "prefLabel", label)
        w.text(iri, RDFS + "label", label)
        if parent != code:
            w.iri(iri, PK + "parentCode", f"{ID}rome/{parent}")
        emitted.add(code)

    def emit_app(index: int) -> None:
        ogr, label, code = rome.appellations[index]
        iri = f"{ID}rome/appellation/{ogr}"
        w.a(iri, SKOS + "Concept")
        w.a(iri, PK + "RomeAppellation")
        w.iri(iri, SKOS + "inScheme", apps_scheme)
        w.typed(iri, SKOS + "notation", ogr, "string")
        w.text(iri, SKOS + "prefLabel", label)
        w.text(iri, RDFS + "label", label)
        w.iri(iri, PK + "romeCode", f"{ID}rome/{code}")

    # what the generated world cites first (with the mobility links between those codes, which
    # mobility-from-rome follows), then more of the release while the budget lasts
    for code in codes_order:
        if code in needed:
            emit_code(code)
    for index in sorted(needed_apps):
        emit_app(index)
    linked: set[tuple[str, str]] = set()
    for src, tgt, rank in rome.mobility:
        if src in needed and tgt in needed:
            _move(w, src, tgt, rank)
            linked.add((src, tgt))
    for code in codes_order:
        if code not in needed and w.total - start < budget * 0.95:
            emit_code(code)
    for index in range(len(rome.appellations)):
        if w.total - start >= budget * 0.97:
            break
        if index not in needed_apps and rome.appellations[index][2] in emitted:
            emit_app(index)
    for src, tgt, rank in rome.mobility:
        if w.total - start >= budget:
            break
        if src in emitted and tgt in emitted and (src, tgt) not in linked:
            _move(w, src, tgt, rank)
    w.flush()
    return emitted


def _move(w: QuadWriter, src: str, tgt: str, rank: int) -> None:
    """A ROME mobility as `progkg import rome` writes it: the link, and the move with its rank."""
    w.iri(f"{ID}rome/{src}", PK + "mobilityTo", f"{ID}rome/{tgt}")
    move = f"{ID}rome/mobility/{src}-{tgt}"
    w.a(move, PK + "Mobility")
    w.iri(move, PK + "mobilitySource", f"{ID}rome/{src}")
    w.iri(move, PK + "mobilityTarget", f"{ID}rome/{tgt}")
    if rank:
        w.integer(move, PK + "order", rank)


def _mappings(w: QuadWriter, world: World) -> None:
    """Reviewed brochure job title → ROME job title mappings, as ``build`` makes them from SSSOM."""
    w.graph(GRAPH_MAPPINGS)
    for job in sorted(world.mapped_jobs):
        ogr = world.rome.appellations[world.mapped_jobs[job]][0]
        w.iri(job, SKOS + "exactMatch", f"{ID}rome/appellation/{ogr}")
    w.flush()


Progress = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def generate(
    size: int,
    seed: int,
    out: Path,
    rome_dir: Path | None | str = "auto",
    progress: Progress = _stderr,
    error_rate: float = 1.0,
) -> Report:
    """Write about ``size`` quads (±2 %) of a national-scale graph to ``out`` (N-Quads).

    ``rome_dir="auto"`` uses ``../shared/data/rome-v460`` when present, else a synthetic ROME;
    ``None`` forces the synthetic one. ``error_rate`` multiplies the rates of planted errors
    (0 plants none; tests raise it to see every kind at small sizes).
    """
    if size < 5000:
        raise ValueError(f"size {size} is too small: the generator needs at least 5000 triples")
    if rome_dir == "auto":
        rome_dir = default_rome_dir()
    mentions = load_mentions()
    rome = load_rome(Path(rome_dir)) if rome_dir else synthetic_rome(mentions)
    world = World(seed, rome, error_rate)
    report = Report(size=size, seed=seed, rome_version=rome.version if rome.real else "synthetic")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    started = time.monotonic()
    rome_full = 8 * len(rome.codes) + 7 * len(rome.appellations) + 5 * len(rome.mobility)
    rome_budget = min(rome_full, int(size * 0.13))
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as fh:
            w = QuadWriter(fh)
            _vocab(w, world)
            taken: set[str] = set()
            index = 0
            programme_budget = int(size * 0.62) if size >= 50000 else int(size * 0.5)
            next_report = 0.1
            while w.total < programme_budget:
                _programme(w, world, report, index, taken)
                index += 1
                if w.total >= next_report * size:
                    progress(
                        f"  {w.total:>10,} triples, {index} programmes ({time.monotonic() - started:.1f} s)"
                    )
                    next_report += 0.1
            # national fiches of the mentions used, the mappings, the ROME release, then more
            # fiches of the RNCP export (professional titles) until the target size is reached
            w.graph(GRAPH_RNCP)
            w.text(GRAPH_RNCP, DCT + "title", "Export du RNCP (France Compétences), généré")
            declared: set[str] = set()
            for cert in world.certifications:
                _certification(w, world, report, cert, declared)
            w.flush()
            _mappings(w, world)
            emitted = _rome(w, world, rome_budget)
            pool = [i for i, a in enumerate(rome.appellations) if a[2] in emitted]
            w.graph(GRAPH_RNCP)
            extra = 0
            while w.total < size:
                _certification(w, world, report, _extra_certification(world, report, extra, pool), declared)
                extra += 1
                w.flush()
            report.bump("extra-certifications", extra)
            w.flush()
            report.triples = w.count
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    report.bump("job-titles", len(world.job_labels))
    report.bump("mapped-job-titles", len(world.mapped_jobs))
    progress(
        f"generated {report.triples:,} triples ({report.counts.get('programmes', 0)} programmes, "
        f"{report.counts.get('parcours', 0)} parcours, ROME {report.rome_version}) "
        f"in {time.monotonic() - started:.1f} s → {out}"
    )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=float, required=True, help="target number of triples (e.g. 1e6)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="N-Quads file to write")
    parser.add_argument(
        "--rome", type=Path, default=None, help="ROME v460 CSV folder (default: ../shared/data)"
    )
    parser.add_argument(
        "--synthetic-rome", action="store_true", help="ignore real ROME data even when present"
    )
    parser.add_argument("--error-rate", type=float, default=1.0, help="multiply planted-error rates")
    parser.add_argument("--manifest", type=Path, default=None, help="write counts and planted errors as JSON")
    args = parser.parse_args(argv)
    rome_dir: Path | None | str = None if args.synthetic_rome else (args.rome or "auto")
    report = generate(int(args.size), args.seed, args.out, rome_dir=rome_dir, error_rate=args.error_rate)
    if args.manifest:
        args.manifest.write_text(
            json.dumps(report.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
