"""A build never destroys what the tool did not make, and never publishes a bad result over a good one."""

import json
import shutil
from pathlib import Path

import pytest
from conftest import build_args, run_cli


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def small_input(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "page.txt").write_text("The Government approved the programme. It runs until 2030.\n", encoding="utf-8")
    return folder


def build(input_dir, output, tmp_path, *extra, store=None):
    env = {"ALIGN_CACHE": str(tmp_path / "cache")}
    if store:
        env["ALIGN_MODELS"] = str(store)
    return run_cli(*build_args(input_dir, output, *extra, decoding=4), env=env, cwd=tmp_path)


def assert_refused(result, *words):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("align: error: "), result.stderr
    for word in words:
        assert word in lines[0]


def test_a_folder_the_tool_did_not_make_is_refused_before_any_work(tmp_path, test_store):
    pages = small_input(tmp_path / "pages")
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.tex").write_text("years of work")
    result = build(pages, mine, tmp_path, store=test_store)
    assert_refused(result, "not replacing it")
    assert snapshot(mine) == {"chapter1.tex": b"years of work"}
    assert not (tmp_path / "cache").exists()  # refused before anything was read, loaded or cached
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_an_existing_file_is_refused_and_left_where_it_was(tmp_path, test_store):
    pages = small_input(tmp_path / "pages")
    target = tmp_path / "results.csv"
    target.write_text("a,b\n1,2\n")
    assert_refused(build(pages, target, tmp_path, store=test_store), "not a folder")
    assert target.read_text() == "a,b\n1,2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pages", "results.csv"]


@pytest.mark.parametrize("output", ["pages", ".", "", "pages/.."], ids=["input", "dot", "empty", "parent"])
def test_the_input_the_checkout_and_an_empty_name_are_refused(tmp_path, test_store, output):
    pages = small_input(tmp_path / "pages")
    before = snapshot(tmp_path)
    result = build(pages, output, tmp_path, store=test_store)
    assert_refused(result)
    assert snapshot(tmp_path) == before


def test_an_empty_folder_and_an_earlier_corpus_are_replaced(tmp_path, test_store):
    pages = small_input(tmp_path / "pages")
    output = tmp_path / "corpus"
    output.mkdir()
    assert build(pages, output, tmp_path, store=test_store).returncode == 0
    (pages / "more.txt").write_text("A second page was added to the crawl today.\n", encoding="utf-8")
    again = build(pages, output, tmp_path, store=test_store)
    assert again.returncode == 0, again.stderr
    manifest = json.loads((output / "manifest.json").read_text())
    assert manifest["counts"]["documents"] == 2


def test_output_inside_the_input_is_never_read_back_as_input(tmp_path, test_store):
    pages = small_input(tmp_path / "pages")
    output = pages / "corpus"
    counts = []
    for _ in range(3):
        result = build(pages, output, tmp_path, store=test_store)
        assert result.returncode == 0, result.stderr
        counts.append(json.loads((output / "manifest.json").read_text())["counts"]["pairs"])
    assert counts[0] == counts[1] == counts[2] == 2


def test_an_earlier_corpus_elsewhere_in_the_input_is_not_input(tmp_path, test_store):
    pages = small_input(tmp_path / "pages")
    first = tmp_path / "first"
    assert build(pages, first, tmp_path, store=test_store).returncode == 0
    shutil.copytree(first, pages / "old-corpus")
    result = build(pages, tmp_path / "second", tmp_path, store=test_store)
    assert result.returncode == 0, result.stderr
    inputs = json.loads((tmp_path / "second" / "manifest.json").read_text())["inputs"]
    assert [entry["path"] for entry in inputs] == ["page.txt"]


@pytest.mark.parametrize("name", ["*", "c?rpus", "[abc]"])
def test_glob_characters_in_the_output_name_touch_no_other_staging_folder(tmp_path, test_store, name):
    pages = small_input(tmp_path / "pages")
    other = tmp_path / ".other.building-abc123"
    other.mkdir()
    (other / "half-written.parquet").write_bytes(b"another build's work")
    result = build(pages, tmp_path / name, tmp_path, store=test_store)
    assert result.returncode == 0, result.stderr
    assert (other / "half-written.parquet").read_bytes() == b"another build's work"
    assert (tmp_path / name / "manifest.json").is_file()


def test_a_build_with_nothing_to_publish_fails_and_keeps_the_earlier_corpus(tmp_path, test_store):
    pages = small_input(tmp_path / "pages")
    output = tmp_path / "corpus"
    assert build(pages, output, tmp_path, store=test_store).returncode == 0
    before = snapshot(output)
    ukrainian = tmp_path / "ukrainian"
    ukrainian.mkdir()
    (ukrainian / "page.txt").write_text("Уряд затвердив програму розвитку цифрової економіки.\n", encoding="utf-8")
    result = build(ukrainian, output, tmp_path, store=test_store)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert snapshot(output) == before


def test_no_translator_means_nothing_to_publish_not_an_empty_corpus(tmp_path):
    from align.pipeline import BuildError
    from align.pipeline import build as run_build

    pages = small_input(tmp_path / "pages")
    with pytest.raises(BuildError, match="nothing to publish"):
        run_build(pages, tmp_path / "corpus", translators={}, report=lambda line: None)
    assert not (tmp_path / "corpus").exists()


def test_an_unwritable_output_parent_is_found_before_any_work(tmp_path, test_store):
    pages = small_input(tmp_path / "pages")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = build(pages, blocker / "corpus", tmp_path, store=test_store)
    assert_refused(result, "not a writable folder")
    assert not (tmp_path / "cache").exists()


def test_a_symbolic_link_as_output_is_refused(tmp_path, test_store):
    pages = small_input(tmp_path / "pages")
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert_refused(build(pages, tmp_path / "link", tmp_path, store=test_store), "symbolic link")
