"""A folder holding both language versions of pages: paired documents give aligned human rows."""

import json

from conftest import build_args, run_cli
from fixtures.government_prose import ENGLISH, RUSSIAN

from align.pairing import pair_documents, profile, url_key
from align.records import Document


def write_page(path, url, sentences):
    header = f"seed_url: {url}\nfinal_url: {url}\ntitle: Programme\n\n" if url else ""
    path.write_text(header + "\n".join(sentences) + "\n", encoding="utf-8")


def test_url_keys_drop_the_language_marker():
    assert url_key("http://government.ru/en/news/41467/") == url_key("http://government.ru/news/41467/")
    assert url_key("http://en.kremlin.ru/events/president/news/1") == url_key(
        "http://kremlin.ru/events/president/news/1"
    )
    assert url_key("http://government.ru/en/news/1/") != url_key("http://government.ru/news/2/")


def test_content_pairing_needs_shared_anchors():
    english = Document("e1", "e.txt", None, None, "en", "\n".join(ENGLISH))
    russian = Document("r1", "r.txt", None, None, "ru", "\n".join(RUSSIAN))
    unrelated = Document("r2", "x.txt", None, None, "ru", "Кошка спит на диване весь день.\nСобака лает во дворе.")
    pairs = pair_documents([profile(d) for d in (english, unrelated, russian)])
    assert [(p.english, p.russian, p.method) for p in pairs] == [("e1", "r1", "content")]


def test_build_publishes_human_pairs_without_any_model(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    write_page(pages / "programme-en.txt", "http://government.ru/en/news/777/", ENGLISH)
    # The translator joined two sentences with a semicolon: one Russian sentence for two English.
    joined = RUSSIAN[5].rstrip(".") + "; " + RUSSIAN[6][0].lower() + RUSSIAN[6][1:]
    merged = RUSSIAN[:5] + [joined] + RUSSIAN[7:]
    write_page(pages / "programme-ru.txt", "http://government.ru/news/777/", merged)
    write_page(pages / "plain-en.txt", None, ENGLISH[:6])
    write_page(pages / "plain-ru.txt", None, RUSSIAN[:6])
    output = tmp_path / "corpus"
    result = run_cli(*build_args(pages, output), env={"ALIGN_MODELS": str(tmp_path / "none")})
    assert result.returncode == 0, result.stderr

    from datasets import load_dataset

    rows = [row for split in load_dataset(str(output)).values() for row in split]
    assert rows and all(row["origin"] == "human" and row["model"] is None for row in rows)
    assert all(0 < row["score"] <= 1 and row["src_lang"] is None for row in rows)
    merged_row = [row for row in rows if row["src_index"] == [5, 6]]
    assert len(merged_row) == 1 and merged_row[0]["translation"]["ru"] == merged[5]
    assert merged_row[0]["translation"]["en"] == ENGLISH[5] + " " + ENGLISH[6]
    # The plain pages repeat the programme's first five sentence pairs word for word: each pair is
    # published once (the first in input order, from plain-*.txt) and the copy goes to filtered.jsonl.
    filtered = [json.loads(line) for line in (output / "filtered.jsonl").read_text().splitlines()]
    assert [row["rule"] for row in filtered] == ["duplicate"] * 5
    assert [(row["translation"]["en"], row["translation"]["ru"]) for row in filtered] == list(
        zip(ENGLISH[:5], RUSSIAN[:5])
    )
    assert len(rows) == len(merged) + 6 - len(filtered)
    manifest = json.loads((output / "manifest.json").read_text())
    assert sorted(p["method"] for p in manifest["document_pairs"]) == ["content", "url"]
    assert manifest["counts"]["human_pairs"] == len(rows) and manifest["models"] == []
    documents = [json.loads(line) for line in (output / "documents.jsonl").read_text().splitlines()]
    by_id = {d["doc_id"]: d["split"] for d in documents}
    for pair in manifest["document_pairs"]:
        assert by_id[pair["en"]] == by_id[pair["ru"]]
    card = (output / "README.md").read_text()
    assert "| human |" in card and "TEST MODEL" not in card
