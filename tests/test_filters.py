"""Corpus filters: each rule catches its case and leaves a near miss alone; removed rows are logged
in filtered.jsonl and counted on the card; settings come from align.toml and --filter."""

import itertools
import json
from pathlib import Path

import pytest
from conftest import build_args, run_cli
from fixtures.government_prose import ENGLISH, RUSSIAN

from align.filters import (
    DEFAULTS,
    RULES,
    FilterRun,
    FilterSettingError,
    parse_option,
    resolve,
)

# ------------------------------------------------------------------------------------- rows


def human(en: str, ru: str, score: float = 0.7, doc: str = "d1", number: int = 0) -> dict:
    return {
        "id": f"{doc}-{number:05d}",
        "doc_id": doc,
        "translation": {"en": en, "ru": ru},
        "src_lang": None,
        "origin": "human",
        "model": None,
        "score": score,
        "src_index": [number],
        "tgt_index": [number],
        "mixed": False,
        "spans": [],
    }


def machine(source: str, translation: str, test_model: bool, doc: str = "d1", number: int = 0) -> dict:
    model = {"name": "translate-en_ru", "version": "1", "sha256": "0" * 64, "test_model": test_model}
    return {
        "id": f"{doc}-{number:05d}",
        "doc_id": doc,
        "translation": {"en": source, "ru": translation},
        "src_lang": "en",
        "origin": "machine",
        "model": model,
        "score": None,
        "src_index": [number],
        "tgt_index": [number],
        "mixed": False,
        "spans": [],
    }


def verdicts(rows, **settings) -> list:
    """The rule that removed each row (``None``: kept), under the defaults changed by ``settings``."""
    run = FilterRun(DEFAULTS | {name.replace("_", "-"): value for name, value in settings.items()})
    return [removal and removal["rule"] for _, removal in run.apply(rows)]


LONG_EN = " ".join(f"item {n} was approved by the committee" for n in range(40))  # 240 words
LONG_RU = " ".join(f"пункт {n} был одобрен комиссией" for n in range(40))  # 200 words

# Each rule: rows in order, where the last row is the case the rule catches and the ones before it
# are near misses the defaults must keep (and rows it needs to have seen, for the duplicate rules).
CASES = {
    "too-short": ([human("Moscow", "Москва")], human("—", "Москва")),
    "non-text": (
        [human("I have $300.", "У меня есть 300 долларов.")],
        human("Tel.: +7 (495) 606-36-02, www.example.ru", "Тел.: +7 (495) 606-36-02, www.example.ru"),
    ),
    "too-long": (
        [human(" ".join(LONG_EN.split()[:200]), LONG_RU)],
        human(LONG_EN, LONG_RU),
    ),
    "identical": (
        [human("Rosatom State Corporation", "Госкорпорация «Росатом»")],
        human("COVID-19 vaccination statistics", "Covid 19: vaccination statistics."),
    ),
    "length-ratio": (
        [human(ENGLISH[0], RUSSIAN[0]), human("OK.", "Хорошо, договорились.")],
        human("The Government approved it.", RUSSIAN[0]),
    ),
    "low-score": ([human(ENGLISH[1], RUSSIAN[1], score=0.3)], human(ENGLISH[2], RUSSIAN[2], score=0.2)),
    "language": (
        [
            human(
                "The programme «Цифровая экономика» was approved by the Government in 2019.",
                "Программа «Цифровая экономика» была утверждена Правительством в 2019 году.",
            )
        ],
        human(ENGLISH[3], "Particular attention will be paid to schools and hospitals in remote areas."),
    ),
    "duplicate": (
        [human(ENGLISH[4], RUSSIAN[4], doc="a"), human(ENGLISH[4], RUSSIAN[5], doc="b")],
        human(ENGLISH[4].upper().replace(",", ""), RUSSIAN[4] + "  ", doc="c"),
    ),
    "near-duplicate": (
        [
            human("The meeting was held in Moscow on 5 May.", "Встреча прошла в Москве 5 мая.", doc="a"),
            human("The meeting was held in Kazan on 5 May.", "Встреча прошла в Казани 5 мая.", doc="b"),
        ],
        human("The meeting was held in Moscow on 16 May.", "Встреча прошла в Москве 16 мая.", doc="c"),
    ),
}


def test_every_rule_has_a_case():
    assert sorted(CASES) == sorted(RULES)


@pytest.mark.parametrize("name", list(CASES))
def test_each_rule_catches_its_case_and_keeps_the_near_misses(name):
    near_misses, caught = CASES[name]
    assert verdicts(near_misses + [caught]) == [None] * len(near_misses) + [name]
    assert name not in verdicts(near_misses + [caught], **{name: False})  # off means off


def test_thresholds_move_with_their_setting():
    thanks = human("Thank you.", "Спасибо.")
    assert verdicts([thanks]) == [None]
    assert verdicts([thanks], too_short=3) == ["too-short"]
    shaky = human(ENGLISH[5], RUSSIAN[5], score=0.5)
    assert verdicts([shaky]) == [None] and verdicts([shaky], low_score=0.6) == ["low-score"]
    loose = human("The Government approved the programme for 2030.", RUSSIAN[0])
    assert verdicts([loose]) == [None] and verdicts([loose], length_ratio=2) == ["length-ratio"]


def test_a_test_models_translation_is_not_judged_but_a_real_models_is():
    """A random-weight model's output is noise by design: judging it would drop every row."""
    noise = "~~~~~~~~ ura\\\\\\ ~~~~"
    assert verdicts([machine(ENGLISH[6], noise, test_model=True)]) == [None]
    assert verdicts([machine(ENGLISH[6], noise, test_model=False)]) == ["non-text"]
    copied = machine(ENGLISH[7], ENGLISH[7], test_model=False)  # a model that gave the source back
    assert verdicts([copied]) == ["identical"]
    assert verdicts([machine(ENGLISH[7], ENGLISH[7], test_model=True)]) == [None]
    english_output = machine(ENGLISH[8], "The first contracts will be signed in March this year.", test_model=False)
    assert verdicts([english_output]) == ["language"]
    # the source side is still judged for a test model's rows
    assert verdicts([machine("2020-2024", "~~~", test_model=True)]) == ["non-text"]


def test_duplicates_keep_the_first_and_name_the_rule():
    rows = [human(ENGLISH[9], RUSSIAN[9], doc="a"), human(ENGLISH[9] + "!", RUSSIAN[9].lower(), doc="b")]
    run = FilterRun(DEFAULTS)
    results = list(run.apply(rows))
    assert results[0][1] is None
    assert results[1][1]["rule"] == "duplicate" and "earlier row" in results[1][1]["reason"]
    assert run.counts()["duplicate"] == 1 and run.kept == 1


def test_filtering_streams_with_memory_of_hashes_only():
    """Rows come out while an endless stream goes in; duplicates are remembered as 64-bit ints."""

    def endless():
        for n in itertools.count():
            yield human(f"Sentence number {n} of the report.", f"Предложение номер {n} отчёта.", number=n % 100000)

    run = FilterRun(DEFAULTS | {"near-duplicate": False})
    taken = list(itertools.islice(run.apply(endless()), 2000))
    assert len(taken) == 2000 and all(removal is None for _, removal in taken)
    assert len(run.seen["duplicate"]) == 2000 and all(
        isinstance(key, int) and key < 2**64 for key in run.seen["duplicate"]
    )


def test_settings_parse_and_refuse():
    assert parse_option("too-short=3") == ("too-short", 3)
    assert parse_option("length_ratio=2.5") == ("length-ratio", 2.5)
    assert parse_option("language=off") == ("language", False)
    assert parse_option("near-duplicate") == ("near-duplicate", True)
    assert parse_option("low-score") == ("low-score", DEFAULTS["low-score"])
    for bad in ("nope=1", "too-short=2.5", "length-ratio=0.5", "identical=3", "non-text=1.5", "low-score=x"):
        with pytest.raises(FilterSettingError):
            parse_option(bad)


def test_align_toml_then_explicit_settings(tmp_path):
    assert resolve(None, tmp_path) == DEFAULTS
    (tmp_path / "align.toml").write_text(
        "[filters]\ntoo-short = 2\nlanguage = false\nlength_ratio = 4\n", encoding="utf-8"
    )
    settings = resolve(None, tmp_path)
    assert settings == DEFAULTS | {"too-short": 2, "language": False, "length-ratio": 4.0}
    assert resolve({"too-short": "off", "language": "on"}, tmp_path) == settings | {
        "too-short": False,
        "language": True,
    }
    (tmp_path / "align.toml").write_text("[filters]\ntoo-short = 'lots'\n", encoding="utf-8")
    with pytest.raises(FilterSettingError, match="align.toml"):
        resolve(None, tmp_path)
    (tmp_path / "align.toml").write_text("[filters\n", encoding="utf-8")
    with pytest.raises(FilterSettingError, match="TOML"):
        resolve(None, tmp_path)


# ------------------------------------------------------------------------------ publishing


def publish_rows(output: Path, rows: list[dict], settings: dict) -> Path:
    from align.publish import CorpusInfo, publish

    documents = [
        {"doc_id": doc, "source": f"{doc}.txt", "url": None} for doc in dict.fromkeys(r["doc_id"] for r in rows)
    ]
    description = {
        "settings": {"license": "other", "filters": settings},
        "models": [],
        "test_model": False,
        "counts": {"documents": len(documents)},
    }
    return publish(output, CorpusInfo("corpus", [], description), documents, rows, filters=FilterRun(settings))


@pytest.fixture
def published(tmp_path) -> Path:
    rows = [human(en, ru, doc="a", number=n) for n, (en, ru) in enumerate(zip(ENGLISH[:6], RUSSIAN[:6]))]
    rows += [human(en, ru, doc="b", number=n) for n, (en, ru) in enumerate(zip(ENGLISH[:3], RUSSIAN[:3]))]  # a copy
    rows += [
        human("www.government.ru", "www.government.ru", doc="b", number=3),
        human(ENGLISH[6], RUSSIAN[6], 0.1, "b", 4),
    ]
    return publish_rows(tmp_path / "corpus", rows, DEFAULTS)


def test_filtered_rows_are_logged_and_counted_on_the_card(published):
    from align.publish import card_claims
    from align.verify import verify_corpus

    filtered = [json.loads(line) for line in (published / "filtered.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(row["doc_id"], row["src_index"], row["rule"]) for row in filtered] == [
        ("b", [0], "duplicate"),
        ("b", [1], "duplicate"),
        ("b", [2], "duplicate"),
        ("b", [3], "non-text"),
        ("b", [4], "low-score"),
    ]
    assert all(row["reason"] and row["translation"]["en"] for row in filtered)
    manifest = json.loads((published / "manifest.json").read_text())
    expected = {name: 0 for name in RULES} | {"duplicate": 3, "non-text": 1, "low-score": 1}
    assert manifest["filters"]["removed"] == expected
    assert manifest["counts"]["pairs"] == 6 and manifest["counts"]["filtered"] == 5
    assert "filtered.jsonl" in manifest["outputs"]
    card = (published / "README.md").read_text()
    assert card_claims(card)["filters"] == expected
    assert "Rows made: 11; removed by the filters below: 5; published: 6." in card
    assert verify_corpus(published).ok


@pytest.mark.parametrize("tamper", ["drop-a-filtered-row", "card-count", "manifest-count"])
def test_verify_checks_the_filter_counts(published, tamper):
    from align.hashing import sha256_file
    from align.verify import verify_corpus

    if tamper == "drop-a-filtered-row":
        path = published / "filtered.jsonl"
        path.write_text("".join(path.read_text().splitlines(keepends=True)[1:]))
    elif tamper == "card-count":
        card = published / "README.md"
        card.write_text(card.read_text().replace("| `non-text` | 0.4 | 1 |", "| `non-text` | 0.4 | 0 |"))
    else:
        manifest = json.loads((published / "manifest.json").read_text())
        manifest["filters"]["removed"]["low-score"] = 0
        (published / "manifest.json").write_text(json.dumps(manifest))
    manifest = json.loads((published / "manifest.json").read_text())
    manifest["outputs"] = {name: sha256_file(published / name) for name in manifest["outputs"]}
    (published / "manifest.json").write_text(json.dumps(manifest))
    result = verify_corpus(published)
    assert not result.ok and result.claims and not result.changed


def test_everything_filtered_publishes_nothing(tmp_path):
    from align.publish import NothingPublished

    with pytest.raises(NothingPublished, match="filters removed all 1 rows"):
        publish_rows(tmp_path / "corpus", [human("—", "—")], DEFAULTS)
    assert not (tmp_path / "corpus").exists() and not list(tmp_path.iterdir())


# ----------------------------------------------------------------------------------- build


def bilingual_pages(folder: Path) -> Path:
    """Two page pairs by URL; the second repeats the first's opening sentences word for word."""
    folder.mkdir()
    for name, url, sentences in (
        ("a-en.txt", "http://government.ru/en/news/1/", ENGLISH),
        ("a-ru.txt", "http://government.ru/news/1/", RUSSIAN),
        ("b-en.txt", "http://government.ru/en/news/2/", ENGLISH[:4]),
        ("b-ru.txt", "http://government.ru/news/2/", RUSSIAN[:4]),
    ):
        (folder / name).write_text(f"url: {url}\ntitle: News\n\n" + "\n".join(sentences) + "\n", encoding="utf-8")
    return folder


def test_build_takes_settings_from_align_toml_and_the_command_line(tmp_path):
    pages = bilingual_pages(tmp_path / "pages")
    (pages / "align.toml").write_text("[filters]\nduplicate = false\nnear-duplicate = false\n", encoding="utf-8")
    env = {"ALIGN_MODELS": str(tmp_path / "none")}

    def build(output: Path, *options: str) -> tuple[dict, list[dict]]:
        result = run_cli(*build_args(pages, output, "--workers", "1", *options), env=env)
        assert result.returncode == 0, result.stderr
        manifest = json.loads((output / "manifest.json").read_text())
        lines = (output / "filtered.jsonl").read_text(encoding="utf-8").splitlines()
        return manifest, [json.loads(line) for line in lines]

    manifest, filtered = build(tmp_path / "from-toml")
    assert "align.toml" not in {entry["path"] for entry in manifest["inputs"]}  # settings, not a document
    assert manifest["settings"]["filters"] == DEFAULTS | {"duplicate": False, "near-duplicate": False}
    assert filtered == [] and manifest["counts"]["human_pairs"] == len(ENGLISH) + 4

    manifest, filtered = build(tmp_path / "from-cli", "--filter", "duplicate", "--filter", "too-long=300")
    assert manifest["settings"]["filters"] == DEFAULTS | {"near-duplicate": False, "too-long": 300}
    assert [(row["rule"], row["translation"]["en"]) for row in filtered] == [("duplicate", en) for en in ENGLISH[:4]]
    assert manifest["counts"]["human_pairs"] == len(ENGLISH)
    assert run_cli("verify", str(tmp_path / "from-cli")).returncode == 0


def test_bad_settings_stop_the_build_before_any_work(tmp_path):
    pages = bilingual_pages(tmp_path / "pages")
    output = tmp_path / "corpus"
    result = run_cli(*build_args(pages, output, "--filter", "length-ratio=fast"))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1 and "length-ratio" in result.stderr
    (pages / "align.toml").write_text("[filters]\nsmart = true\n", encoding="utf-8")
    result = run_cli(*build_args(pages, output), env={"ALIGN_MODELS": str(tmp_path / "none")})
    assert result.returncode == 2 and "unknown filter 'smart'" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not output.exists()


def test_build_help_lists_every_rule_with_its_default():
    result = run_cli("build", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for name, found in RULES.items():
        default = (
            {True: "on", False: "off"}.get(found.default, f"{found.default:g}")
            if isinstance(found.default, bool)
            else f"{found.default:g}"
        )
        assert f"{name} (default {default}):" in text


def test_defaults_keep_every_real_translation_pair():
    """The 500 English–Russian Tatoeba dev pairs, as aligned rows: real translations, many of them
    short (where length ratios and language guesses are least sure); the defaults must keep all."""
    from benchmarks.data import TATOEBA, parallel_pairs

    if not (TATOEBA / "ru-en.dev.tsv").is_file():
        pytest.skip(f"evaluation data not found at {TATOEBA} (set ALIGN_EVAL_DIR)")
    rows = [human(en, ru, number=n) for n, (en, ru) in enumerate(parallel_pairs())]
    run = FilterRun(DEFAULTS)
    removed = [(row["translation"], removal) for row, removal in run.apply(rows) if removal]
    assert removed == [] and run.kept == len(rows) == 500
