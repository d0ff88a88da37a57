"""Questions in the user's own words (issue 12): each example of the issue, through the command
line, on the embedded store and on a real Oxigraph server after `progkg push`.

A parameter names something; it is resolved to the IRIs of what it names before the saved
query runs, the same way on both, and stderr says what was matched.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import pushed_server
from test_queries import build_with_rome

from progkg import paths, textkeys
from progkg.cli import main
from progkg.serve import OxigraphServer

REPO = Path(__file__).resolve().parents[1]
RES = paths.resources(REPO)


@pytest.fixture(scope="module")
def rome_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_with_rome(tmp_path_factory.mktemp("words-build"))


@pytest.fixture(scope="module")
def server(rome_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with pushed_server(rome_build, tmp_path_factory.mktemp("words-oxigraph")) as srv:
        yield srv


def cli(
    args: list[str], build: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> tuple[int, str, str]:
    monkeypatch.setenv("PROGKG_BUILD", str(build))
    monkeypatch.chdir(REPO)
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def rows(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


WHERE = ["embedded", "endpoint"]


@pytest.fixture(params=WHERE)
def ask(request, rome_build: Path, capsys, monkeypatch):
    """Run `progkg query NAME -p …` embedded or on the server; (exit code, rows, stderr)."""

    def run(name: str, *params: str, extra: tuple[str, ...] = ()) -> tuple[int, list[dict[str, str]], str]:
        args = ["query", name, "--format", "csv", *extra]
        for p in params:
            args += ["-p", p]
        if request.param == "endpoint":
            args += ["--endpoint", request.getfixturevalue("server").query_url]
        code, out, err = cli(args, rome_build, capsys, monkeypatch)
        return code, rows(out) if out else [], err

    return run


# --- the search keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("charge de communication", "Chargé / Chargée de communication"),
        ("chargée de communication", "Chargés de communication"),
        ("Lobbyistes", "lobbyiste"),
        ("Metiers de la recherche", "Métiers de la recherche"),
        ("directrice", "Directeur"),
        ("conseillère territoriale", "conseiller territorial"),
        ("territoriaux", "territoriale"),
        ("l’administration", "l'administration"),
        ("politiques européennes", "European Policies"),
        ("recherche science politique", "Métiers de la recherche en science politique"),
    ],
)
def test_what_readers_ignore_the_keys_ignore(a: str, b: str) -> None:
    assert set(textkeys.word_keys(a)) <= set(textkeys.word_keys(b)) or set(textkeys.word_keys(b)) <= set(
        textkeys.word_keys(a)
    )


def test_words_that_differ_stay_apart() -> None:
    assert textkeys.word_keys("communication") != textkeys.word_keys("communiste")
    assert textkeys.word_keys("communal") != textkeys.word_keys("communication")
    assert textkeys.word_keys("de la des") == []


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("K1802", ["k1802"]),
        ("k1802", ["k1802"]),
        ("RNCP24759", ["rncp24759"]),
        ("rncp 24759", ["rncp24759"]),
        ("24759", ["rncp24759", "rs24759", "24759"]),
        ("management", []),
    ],
)
def test_codes_in_any_spelling(text: str, keys: list[str]) -> None:
    assert textkeys.code_keys(text) == keys


def test_the_stemmer_folds_the_rome_doublets(tmp_path: Path) -> None:
    """The measurement behind the stemmer: both halves of ROME's "Directeur / Directrice de …"
    job titles give the same keys for at least 99 % of the 10,884 doublets of v460."""
    from conftest import shared_data_or_skip

    path = shared_data_or_skip() / "rome-v460" / "unix_referentiel_appellation_v460_utf8.csv"
    pairs = []
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            label = row["libelle_appellation_long"]
            if " / " in label:
                masculine, feminine = label.split(" / ", 1)
                m = textkeys.fold(masculine).split()
                pairs.append((m, textkeys.fold(feminine).split()[: len(m)]))
    same = sum([textkeys.stem(w) for w in m] == [textkeys.stem(w) for w in f] for m, f in pairs)
    assert len(pairs) > 10_000
    assert same / len(pairs) >= 0.99


# --- the examples of the issue, embedded and remote ----------------------------------------------


def test_job_titles_in_any_gender_number_accent_or_case(ask) -> None:
    answers = []
    for spelling in (
        "charge de communication",
        "Chargé de communication",
        "chargée de communication",
        "CHARGÉS DE COMMUNICATION",
    ):
        code, found, err = ask("programmes-for-job", f"job={spelling}")
        assert code == 0, err
        answers.append(found)
        assert err.startswith("job: "), err
    assert all(a == answers[0] for a in answers)
    titles = {t for r in answers[0] for t in r["jobTitle"].split(" ; ")}
    assert "chargés de communication dans les ONG" in titles
    assert "Chargé de communication (interne et externe)" in titles
    assert "Chargé de communication dans une collectivité" in titles


def test_lobbyistes_is_lobbyiste(ask) -> None:
    plural, singular = ask("programmes-for-job", "job=Lobbyistes"), ask("programmes-for-job", "job=lobbyiste")
    assert plural[0] == singular[0] == 0
    assert plural[1] == singular[1]
    # the brochure's title (named route) and, with ROME, its job title Lobbyiste (ROME route)
    assert "lobbyiste" in {r["jobTitle"] for r in plural[1]}


def test_a_parcours_named_only_in_english_and_without_accents(ask) -> None:
    code, found, err = ask("jobs-for-parcours", "parcours=politiques europeennes")
    assert code == 0, err
    assert {r["parcours"].split(" (")[0] for r in found} == {"European Policies and Project Management"}
    assert "lobbyiste" in {r["jobTitle"] for r in found}
    code, found, _ = ask("jobs-for-parcours", "parcours=Metiers de la recherche")
    assert code == 0 and {r["parcours"].split(" (")[0] for r in found} == {
        "Métiers de la recherche en science politique"
    }


def test_a_programme_by_its_rncp_code(ask) -> None:
    for spelling in ("RNCP24759", "rncp24759", "24759"):
        code, found, err = ask("access-routes", f"programme={spelling}")
        assert code == 0, err
        assert found and {r["certification"] for r in found} == {"RNCP24759"}, spelling
        assert "(by code)" in err


def test_a_programme_word_names_programmes_not_their_parcours(ask) -> None:
    code, found, err = ask("access-routes", "programme=management")
    assert code == 0, err
    assert {r["programme"] for r in found} == {
        "Master mention Management de l'innovation (Université de Lille, IAE Lille)"
    }


def test_found_but_nothing_known_is_not_nothing_found(ask) -> None:
    code, found, err = ask("competencies-of-parcours", "parcours=communication institutionnelle")
    assert code == 0 and found == []
    assert "parcours: 1 match — M2 Communication institutionnelle et politique des territoires" in err
    assert "but the graph holds no such facts about it" in err


def test_nothing_found_names_the_parameter_and_close_names(ask) -> None:
    code, found, err = ask("competencies-of-parcours", "parcours=comunication institutionel")
    assert code == 2 and found == []
    assert err.startswith(
        "progkg: error: parameter parcours: no parcours matches 'comunication institutionel'"
    )
    assert "close: " in err and "Communication institutionnelle et politique des territoires" in err
    assert err.count("\n") == 1


def test_mobility_starts_from_the_code_asked_in_rome_order(ask) -> None:
    code, found, err = ask("mobility-from-rome", "rome=m1403")
    assert code == 0, err
    assert [(r["romeCode"], r["targetCode"], r["rank"]) for r in found] == [
        ("M1403", "M1422", "1"),
        ("M1403", "K1802", "2"),
    ]
    # E1103's own moves: none in the fixture; its sub-code E1112's only when asked, never to E1103.
    code, found, _ = ask("mobility-from-rome", "rome=E1103")
    assert code == 0 and found == []
    code, found, _ = ask("mobility-from-rome", "rome=E1103", "subcodes=yes")
    assert code == 0 and {(r["romeCode"], r["targetCode"]) for r in found} == {("E1112", "K1404")}


def test_similar_parcours_says_what_is_shared_and_ranks_a_shared_job_first(ask) -> None:
    code, found, err = ask("similar-parcours", "parcours=communication institutionnelle")
    assert code == 0, err
    assert found, "the Paris 1 M2 shares job titles with Lille parcours"
    first = found[0]
    assert int(first["sharedJobs"]) >= 1 and "job: " in first["shared"]
    sector_only = [r for r in found if r["sharedJobs"] == "0" and r["sharedSectors"] != "0"]
    for row in sector_only:
        assert float(row["score"]) < float(first["score"])
    scores = [float(r["score"]) for r in found]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
    assert not any(r["other"] == r["parcours"] for r in found)


def test_quiet_silences_what_was_matched(ask) -> None:
    code, found, err = ask("jobs-for-parcours", "parcours=politiques europeennes", extra=("--quiet",))
    assert code == 0 and found and err == ""


def test_an_iri_or_curie_is_taken_as_it_is(ask) -> None:
    by_curie = ask("jobs-for-rome", "rome=id:rome/E1103")
    by_code = ask("jobs-for-rome", "rome=E1103")
    assert by_curie[0] == by_code[0] == 0
    assert by_curie[1] == by_code[1] and by_curie[1]
    by_iri = ask("jobs-for-rome", "rome=<https://w3id.org/progkg/id/rome/E1103>")
    assert by_iri[1] == by_code[1]


def test_the_same_matches_embedded_and_remote(
    rome_build: Path, server: OxigraphServer, capsys, monkeypatch
) -> None:
    for params in (["job=charge de communication"], ["job=zzz qqq"], ["job=lobyiste"]):
        args = ["query", "programmes-for-job", "--format", "csv"] + [x for p in params for x in ("-p", p)]
        here = cli(args, rome_build, capsys, monkeypatch)
        there = cli([*args, "--endpoint", server.query_url], rome_build, capsys, monkeypatch)
        assert here == there, params


def test_the_list_shows_what_each_parameter_names(rome_build: Path, capsys, monkeypatch) -> None:
    code, out, _ = cli(["query", "--list"], rome_build, capsys, monkeypatch)
    assert code == 0
    assert "parcours (parcours)" in out and "job (job)" in out and "rncp (certification)" in out
    assert "about (any)" in out and "rome (rome)" in out
    code, out, _ = cli(["query", "--help"], rome_build, capsys, monkeypatch)
    assert code == 0 and "Each parameter names something" in out


def test_derived_search_data_stays_out_of_the_export(rome_build: Path, capsys, monkeypatch) -> None:
    code, out, _ = cli(["export", "--format", "nquads"], rome_build, capsys, monkeypatch)
    assert code == 0 and out
    assert "graph/derived/" not in out and "progkg/derived#" not in out


def test_a_store_without_the_search_index_says_so(rome_build: Path) -> None:
    """A store loaded from the dump or the export (no derived graphs), or built by an older
    progkg: the message says why nothing can be resolved and what to do."""
    import pyoxigraph as ox

    from progkg.errors import ProgkgError
    from progkg.queries import load_query, run_query

    store = ox.Store()
    store.bulk_load(path=str(rome_build / "progkg.nq"), format=ox.RdfFormat.N_QUADS)
    with pytest.raises(ProgkgError, match=r"holds no search index .* `progkg build` .* `progkg push`"):
        run_query(load_query(RES, "jobs-for-parcours"), {"parcours": "European Policies"}, store=store)
