"""Every command as a user runs it: helpful --help, one-line errors, line-count contracts."""

import json

import pytest
from conftest import build_args, run_cli

COMMANDS = [
    ["--help"],
    ["detect", "--help"],
    ["sentences", "--help"],
    ["translate", "--help"],
    ["pair", "--help"],
    ["models", "--help"],
    ["models", "list", "--help"],
    ["models", "install", "--help"],
    ["models", "fetch", "--help"],
    ["models", "make-test-package", "--help"],
    ["build", "--help"],
    ["verify", "--help"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_help_exits_zero_and_explains(args):
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout and len(result.stdout.splitlines()) > 3


def assert_one_line_error(result):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["detect", "missing.txt"],
        ["sentences", "--lang", "en", "missing.txt"],
        ["translate", "--from", "en", "--to", "ru", "missing.txt"],
        ["pair", "missing.txt", "missing2.txt"],
        ["verify", "no-such-corpus"],
        ["models", "install", "missing.argosmodel"],
        build_args("no-such-folder", "out"),
    ],
    ids=lambda args: args[0],
)
def test_missing_inputs_give_one_clear_line(args, tmp_path):
    assert_one_line_error(run_cli(*args, cwd=tmp_path))


def test_translate_without_models_names_the_package(tmp_path):
    (tmp_path / "in.txt").write_text("Hello.\n")
    result = run_cli("translate", "--from", "en", "--to", "ru", "in.txt", cwd=tmp_path)
    assert_one_line_error(result)
    assert "translate-en_ru" in result.stderr and "ALIGN_MODELS" in result.stderr


def test_detect_one_json_line_per_input_line():
    lines = [
        "The forum «Цифровая экономика» opened.",
        "",
        "1234 !!",
        "Привет всем участникам форума Digital Almaty",
        "x" * 10000,
    ]
    result = run_cli("detect", "-", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == len(lines)
    assert [row["lang"] for row in rows] == ["en", "und", "und", "ru", "en"]
    assert rows[0]["mixed"] and rows[3]["mixed"] and not rows[1]["spans"]


def test_sentences_paragraphs_and_wrapped_lines():
    text = "First sentence. Second\nsentence continues here.\n\nNew paragraph without stop"
    result = run_cli("sentences", "--lang", "en", "-", stdin=text)
    assert result.stdout.splitlines() == [
        "First sentence.",
        "Second sentence continues here.",
        "New paragraph without stop",
    ]


def test_translate_keeps_line_count(use_store, tmp_path):
    (tmp_path / "in.txt").write_text("Good afternoon.\n\nThe meeting opened.\n")
    result = run_cli("translate", "--from", "en", "--to", "ru", "--max-decoding-length", "8", "in.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")[:-1]
    assert len(lines) == 3 and lines[1] == "" and lines[0] and lines[2]


def test_pair_prints_vecalign_beads(tmp_path):
    (tmp_path / "en.txt").write_text("The Government met.\nMikhail Mishustin spoke about 2030.\n")
    (tmp_path / "ru.txt").write_text("Правительство собралось.\nМихаил Мишустин говорил о 2030 годе.\n")
    result = run_cli("pair", "--src-lang", "en", "--tgt-lang", "ru", "en.txt", "ru.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [line.rsplit(":", 1)[0] for line in result.stdout.splitlines()] == ["[0]:[0]", "[1]:[1]"]


def test_models_list_and_make_test_package(tmp_path):
    result = run_cli("models", "make-test-package", "--from", "en", "--to", "ru", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "TEST MODEL" in result.stdout
    listing = run_cli("models", "list", env={"ALIGN_MODELS": str(tmp_path)})
    assert listing.returncode == 0 and "translate-en_ru" in listing.stdout and "[TEST MODEL]" in listing.stdout


def test_bad_option_value_is_a_usage_error():
    result = run_cli("translate", "--from", "en", "--to", "ru", "--max-decoding-length", "-3", "x")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_translate_keeps_foreign_spans_by_default(use_store, tmp_path):
    (tmp_path / "in.txt").write_text("The programme «Цифровая экономика» was approved.\n", encoding="utf-8")
    args = ["translate", "--from", "en", "--to", "ru", "--max-decoding-length", "6", "in.txt"]
    kept = run_cli(*args, cwd=tmp_path)
    assert kept.returncode == 0, kept.stderr
    assert "Цифровая экономика" in kept.stdout
