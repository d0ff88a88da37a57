"""The privacy gate: an export is refused when the graph holds personal data.

Why a gate and not a shape: brochures name staff, and a transcription slip, an import of a
richer release or a hand-edited file can bring a name, a personal mailbox or a mobile number
into the graph. Publishing is the moment it must be caught, whatever the source, so
``progkg export`` runs this check on everything it is about to write (data and description)
and writes nothing when it finds something (exit 1, naming the nodes).

The rule (docs/design.md, Privacy; docs/export.md):

* No person: no node typed ``foaf:Person``, ``schema:Person`` or ``vcard:Individual`` (or a
  subclass the graph declares), and no person-name property (``foaf:givenName``,
  ``schema:familyName``, ``vcard:given-name`` …) anywhere.
* E-mail addresses (``schema:email``, ``foaf:mbox``, ``vcard:hasEmail``, any ``mailto:`` IRI)
  and phone numbers (``schema:telephone``, ``schema:faxNumber``, ``foaf:phone``,
  ``vcard:hasTelephone``) only on a functional node: a contact point (``pk:ContactPoint``,
  ``schema:ContactPoint``, ``vcard:Organization`` / ``vcard:Kind`` that is not an individual)
  or an organisation (``pk:Organisation``, ``org:Organization``, ``schema:Organization`` and
  their subclasses). A node that is also typed as a person is not functional.
* A mailbox whose local part reads like a person's — two or more alphabetic words joined by
  ``.``, ``-`` or ``_`` (``jean.dupont``, ``j.dupont``, ``marie-claire.martin``) with none of
  them a service word (``scolarite``, ``alternance``, ``contact``, ``master``…) — is refused
  wherever it appears, free text included. A single-word local part (``jdupont``) cannot be
  told from a service name (``scpo``) and passes: the curated data must not hold one.
* A phone number written in free text (a description, a note) is refused outside a functional
  node; a French mobile number (06, 07, +33 6, +33 7) is refused everywhere.

How it stays fast at national scale (1e6 triples): typed nodes and the lines of the contact and
name properties come from the export's single indexing pass over the sorted N-Triples lines;
free text is searched with ``bytes.find`` for ``@``, ``+`` and numbers opening with ``0`` (C
speed), each hit checked with a small pattern. A regular expression over the whole 200 MB text
took 3–7 s; this takes about one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from progkg.errors import EXIT_NO, ProgkgError

if TYPE_CHECKING:
    from progkg.export import Snapshot

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"
SCHEMA_HTTP = "http://schema.org/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
ORG = "http://www.w3.org/ns/org#"
PK = "https://w3id.org/progkg/ontology#"


def _both_schemas(*names: str) -> set[str]:
    return {SCHEMA + n for n in names} | {SCHEMA_HTTP + n for n in names}


PERSON_CLASSES = {FOAF + "Person", VCARD + "Individual"} | _both_schemas("Person")
NAME_PROPERTIES = (
    {
        FOAF + n
        for n in ("givenName", "familyName", "firstName", "lastName", "surname", "family_name", "givenname")
    }
    | {VCARD + "given-name", VCARD + "family-name", VCARD + "additional-name"}
    | _both_schemas("givenName", "familyName", "additionalName")
)
FUNCTIONAL_CLASSES = (
    {PK + "ContactPoint", PK + "Organisation", VCARD + "Organization", VCARD + "Group", VCARD + "Kind"}
    | {ORG + n for n in ("Organization", "FormalOrganization", "OrganizationalUnit")}
    | {FOAF + "Organization"}
    | _both_schemas(
        "ContactPoint", "Organization", "EducationalOrganization", "CollegeOrUniversity", "School",
        "GovernmentOrganization", "NGO", "Corporation", "Consortium", "ResearchOrganization",
    )
)  # fmt: skip
EMAIL_PROPERTIES = {FOAF + "mbox", VCARD + "hasEmail", VCARD + "email"} | _both_schemas("email")
PHONE_PROPERTIES = {FOAF + "phone", VCARD + "hasTelephone", VCARD + "tel"} | _both_schemas(
    "telephone", "faxNumber"
)

#: Words that make a mailbox functional (a service, a role, a programme), compared in lower case.
SERVICE_WORDS = {
    "accueil", "admin", "administration", "admission", "admissions", "alternance", "alumni", "apprentissage",
    "bibliotheque", "bu", "bureau", "candidature", "candidatures", "career", "careers", "carrieres", "cfa",
    "com", "communication", "contact", "contacts", "departement", "dept", "direction", "doctorat", "drh",
    "ecole", "emploi", "equipe", "etudes", "etudiant", "etudiants", "faculte", "fc", "formation",
    "formations", "help", "helpdesk", "iae", "info", "infos", "information", "informations", "inscription",
    "inscriptions", "insertion", "international", "job", "jobs", "licence", "master", "masters", "media",
    "mission", "noreply", "no-reply", "office", "orientation", "pole", "presse", "press", "recrutement",
    "recruitment", "relations", "ri", "rh", "scol", "scolarite", "secretariat", "service", "services",
    "stage", "stages", "student", "students", "support", "team", "ufr", "vae", "webmaster",
    "dpo", "rgpd", "cnil",
}  # fmt: skip
_SERVICE_STEMS = (
    "secr",
    "scol",
    "admi",
    "inscri",
    "candid",
    "forma",
    "commun",
    "relation",
    "internat",
    "orient",
)

#: An "@" that is not a language tag ("…"@fr-ca followed by a space) and is followed by a domain.
_AT = re.compile(rb"@(?![a-zA-Z]{2,3}(?:-[A-Za-z0-9]+)* )(?=[A-Za-z0-9])")
_AT_CONTEXT = re.compile(rb"([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
_PHONE = re.compile(
    rb"(?<![\d+])(?:(?:\+|00)\s?\d{1,3}\s?(?:\(0\)\s?)?\d(?:[\s.-]?\d{2}){4}|0[1-9](?:[\s.-]?\d{2}){4})(?!\d)"
)


@dataclass(frozen=True, order=True)
class Finding:
    """One reason to refuse: the node at fault and what is wrong, in words."""

    node: str
    reason: str


# --- Reading the graph ------------------------------------------------------------------------------


def _token(iri: str) -> bytes:
    return f"<{iri}>".encode()


#: The predicates whose lines the gate reads (gathered in the export's single pass over the lines).
SELECTED = frozenset(_token(p) for p in {SUBCLASS} | NAME_PROPERTIES | EMAIL_PROPERTIES | PHONE_PROPERTIES)


def _parse(line: bytes) -> ox.Triple | None:
    try:
        return next(iter(ox.parse(line, format=ox.RdfFormat.N_TRIPLES)), None)
    except SyntaxError:
        return None


def _name(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def _closure(classes: set[str], below: dict[bytes, set[bytes]]) -> set[bytes]:
    """The tokens of ``classes`` and of every class the graph declares below them."""
    out = {_token(c) for c in classes}
    todo = list(out)
    while todo:
        for sub in below.get(todo.pop(), ()):
            if sub not in out:
                out.add(sub)
                todo.append(sub)
    return out


# --- The rule --------------------------------------------------------------------------------------


def looks_personal(local_part: str) -> bool:
    """True for a mailbox local part that reads like ``firstname.lastname`` (see the module doc)."""
    tokens = [t for t in re.split(r"[._-]+", local_part.lower()) if t]
    if len(tokens) < 2:
        return False
    if any(t in SERVICE_WORDS or t.startswith(_SERVICE_STEMS) for t in tokens):
        return False
    return all(t.isascii() and t.isalpha() for t in tokens)


def is_mobile(number: str) -> bool:
    """A French mobile number (06, 07, +33 6, +33 7), which belongs to a person, not a service."""
    digits = re.sub(r"\D", "", number.replace("(0)", ""))
    if digits.startswith("33"):
        digits = "0" + digits[2:]
    return len(digits) == 10 and digits[:2] in ("06", "07")


def _emails_in(text: str) -> list[tuple[str, str]]:
    return [(m.group(1).decode(), m.group(2).decode()) for m in _AT_CONTEXT.finditer(text.encode("utf-8"))]


def check(snap: Snapshot) -> list[Finding]:
    """Every reason to refuse publishing ``snap`` (sorted lines of the graph, see progkg.export)."""
    index = snap.index(SELECTED)
    below: dict[bytes, set[bytes]] = {}
    for line in index.selected[_token(SUBCLASS)]:
        sub, _, rest = line.split(b" ", 2)
        sup = rest[:-3]
        if sub.startswith(b"<") and sup.startswith(b"<"):
            below.setdefault(sup, set()).add(sub)
    persons = _closure(PERSON_CLASSES, below)
    functional = _closure(FUNCTIONAL_CLASSES, below)
    findings: set[Finding] = set()

    def is_functional(subject: ox.NamedNode | ox.BlankNode) -> bool:
        types = set(index.types.get(str(subject).encode("utf-8"), ()))
        return bool(types & functional) and not (types & persons)

    for subject, classes in index.types.items():
        for cls in classes:
            if cls in persons:
                node = subject[1:-1].decode("utf-8") if subject.startswith(b"<") else subject.decode("utf-8")
                findings.add(Finding(node, f"is a person ({_short(cls[1:-1].decode('utf-8'))})"))
    for prop in sorted(NAME_PROPERTIES):
        for line in index.selected[_token(prop)]:
            t = _parse(line)
            if t is not None:
                findings.add(Finding(_name(t.subject), f"holds a person's name ({_short(prop)})"))

    handled: set[bytes] = set()
    for prop in sorted(EMAIL_PROPERTIES | PHONE_PROPERTIES):
        kind = "e-mail address" if prop in EMAIL_PROPERTIES else "phone number"
        for line in index.selected[_token(prop)]:
            t = _parse(line)
            if t is None:
                continue
            handled.add(line)
            value = t.object.value
            if not is_functional(t.subject):
                findings.add(
                    Finding(
                        _name(t.subject),
                        f"has the {kind} {value!r} ({_short(prop)}) but is not a functional contact "
                        "(a pk:ContactPoint, schema:ContactPoint, vcard:Organization or an organisation)",
                    )
                )
            if kind == "e-mail address":
                local = value.removeprefix("mailto:").split("@", 1)[0]
                if looks_personal(local):
                    findings.add(
                        Finding(
                            _name(t.subject), f"has the e-mail address {value!r}, which reads like a person's"
                        )
                    )
            elif is_mobile(value):
                findings.add(
                    Finding(_name(t.subject), f"has the mobile phone number {value!r}, which is personal")
                )

    # Free text and other properties: addresses and numbers wherever they are written.
    for line in _candidate_lines(snap.union_bytes):
        if line in handled:
            continue
        t = _parse(line)
        if t is None:
            continue
        obj = t.object
        if isinstance(obj, ox.NamedNode):
            if obj.value.startswith("mailto:"):
                address = obj.value[len("mailto:") :]
                if not is_functional(t.subject):
                    findings.add(
                        Finding(
                            _name(t.subject),
                            f"links the mailbox {obj.value!r} but is not a functional contact",
                        )
                    )
                if looks_personal(address.split("@", 1)[0]):
                    findings.add(
                        Finding(
                            _name(t.subject), f"links the mailbox {obj.value!r}, which reads like a person's"
                        )
                    )
            continue
        if not isinstance(obj, ox.Literal):
            continue
        for local, domain in _emails_in(obj.value):
            if looks_personal(local):
                findings.add(
                    Finding(
                        _name(t.subject),
                        f"mentions the e-mail address '{local}@{domain}', which reads like a person's",
                    )
                )
        for match in _PHONE.finditer(obj.value.encode("utf-8")):
            number = match.group(0).decode()
            if is_mobile(number):
                findings.add(
                    Finding(
                        _name(t.subject), f"mentions the mobile phone number {number!r}, which is personal"
                    )
                )
            elif not is_functional(t.subject):
                findings.add(
                    Finding(
                        _name(t.subject),
                        f"mentions the phone number {number!r} in {_short(t.predicate.value)}; phone "
                        "numbers belong on a functional contact (pk:ContactPoint with schema:telephone)",
                    )
                )
    return sorted(findings)


def _candidate_lines(nt: bytes) -> list[bytes]:
    """Lines that may hold an e-mail address or a phone number, found with ``bytes.find``.

    An address is an ``@`` between a local-part character and a domain character (a language
    tag follows a closing quote: ``"…"@fr``). A phone number opens with ``0`` (French, or
    ``00`` international) or ``+``; each such place is checked with the phone pattern.
    """
    starts: set[int] = set()
    for match in _AT.finditer(nt):
        pos = match.start()
        if pos > 0 and nt[pos - 1] not in (34, 32, 10):
            starts.add(nt.rfind(b"\n", 0, pos) + 1)
    search = _PHONE.search
    for needle in (b" 0", b'"0', b"+"):  # "+33 (0)1 …" is found by its "+"
        pos = nt.find(needle)
        while pos >= 0:
            if nt[pos + 2 : pos + 3].isdigit() and search(nt, pos, pos + 32):
                starts.add(nt.rfind(b"\n", 0, pos) + 1)
            pos = nt.find(needle, pos + 1)
    out = []
    for start in sorted(starts):
        end = nt.find(b"\n", start)
        out.append(nt[start : (len(nt) if end < 0 else end + 1)])
    return out


def _short(iri: str) -> str:
    for prefix, ns in (
        ("foaf", FOAF),
        ("schema", SCHEMA),
        ("schema", SCHEMA_HTTP),
        ("vcard", VCARD),
        ("pk", PK),
    ):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def enforce(findings: list[Finding], where: str | None = None, limit: int = 50) -> None:
    """Raise :class:`ProgkgError` with exit code 1 naming the offending nodes, if there are any."""
    if not findings:
        return
    origin = f" (in {where})" if where else ""
    lines = [f"  {f.node}: {f.reason}" for f in findings[:limit]]
    if len(findings) > limit:
        lines.append(f"  … and {len(findings) - limit} more")
    raise ProgkgError(
        f"export refused{origin}: the graph holds personal data, and nothing was written "
        "(docs/design.md, Privacy):\n" + "\n".join(lines) + "\n"
        "Keep the role (a pk:ContactPoint with schema:contactType) and a functional mailbox or "
        "office number instead of a person.",
        exit_code=EXIT_NO,
    )
