"""The CTranslate2 engine on the random-weight test package: real code path, meaningless output."""

from pathlib import Path

from align.models import find_package
from align.translate import ArgosTranslator, DecodingSettings, TranslationCache

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def make(use_store, tmp_path, cap=12):
    cache = TranslationCache(tmp_path / "cache.sqlite")
    return ArgosTranslator(find_package("en", "ru"), DecodingSettings(max_decoding_length=cap), cache=cache), cache


def test_one_output_per_input_in_order_with_duplicates(use_store, tmp_path):
    translator, _ = make(use_store, tmp_path)
    sentences = ["Good afternoon, colleagues.", "The forum opened.", "Good afternoon, colleagues.", "A much longer sentence about the digital economy of the country and its platforms."]
    outputs = translator.translate(sentences)
    assert len(outputs) == 4 and outputs[0] == outputs[2]
    assert outputs == [translator.translate([s])[0] for s in sentences]  # batching/sorting keep order


def test_decoding_cap_limits_output_tokens(use_store, tmp_path):
    translator, _ = make(use_store, tmp_path, cap=5)
    output = translator.translate(["The Prime Minister spoke at the plenary session."])[0]
    assert 0 < len(translator.engine.argos.tokenizer.encode(output)) <= 5 * 2  # pieces may re-split on decode


def test_second_run_is_served_from_cache(use_store, tmp_path, monkeypatch):
    translator, cache = make(use_store, tmp_path)
    sentences = ["First sentence.", "Second sentence."]
    first = translator.translate(sentences)
    again, _ = make(use_store, tmp_path)

    def fail(*_):
        raise AssertionError("cache miss: the engine was called again")

    monkeypatch.setattr(again.engine, "_translate_batch", fail)
    assert again.translate(sentences) == first


def test_cache_is_keyed_by_decoding_settings(use_store, tmp_path):
    short, _ = make(use_store, tmp_path, cap=3)
    longer, _ = make(use_store, tmp_path, cap=9)
    sentence = ["The digital economy national project."]
    assert short.translate(sentence) != longer.translate(sentence)


def test_damaged_cache_file_is_rebuilt(tmp_path):
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    cache = TranslationCache(path)
    cache.put_many("scope", {"a": "b"})
    assert cache.get_many("scope", ["a", "c"]) == {"a": "b"}


def test_translation_does_not_depend_on_batch_company(int8_package, tmp_path):
    from align.models import read_package, unpacked_archive

    translator = ArgosTranslator(read_package(unpacked_archive(int8_package)), DecodingSettings(max_decoding_length=24))
    text = (SEEDS / "000_6bbe13705eba2be7.txt").read_text(encoding="utf-8").replace("\n", " ")
    sentences = [s.strip() + "." for s in text.split(".") if s.strip()][:60]
    together = translator.translate(sentences)
    alone = [translator.translate([sentence])[0] for sentence in sentences]
    assert together == alone


def test_equal_length_batches():
    from align.translate import equal_length_batches

    tokens = [["a"] * n for n in (3, 1, 3, 2, 3, 3)]
    assert equal_length_batches(tokens, max_tokens=6) == [[1], [3], [0, 2], [4, 5]]


def test_cache_miss_reaches_the_engine(use_store, tmp_path, monkeypatch):
    """The counterpart of the cache test: with an empty cache the patched engine call is made."""
    translator, _ = make(use_store, tmp_path)
    calls = []
    original = translator.engine._translate_batch
    monkeypatch.setattr(translator.engine, "_translate_batch", lambda *a, **k: calls.append(1) or original(*a, **k))
    translator.translate(["A sentence never seen before."])
    assert calls


def test_output_does_not_depend_on_the_worker_count(int8_package):
    from align.models import read_package, unpacked_archive

    package = read_package(unpacked_archive(int8_package))
    text = (SEEDS / "003_8df5f612af0a12da.txt").read_text(encoding="utf-8").replace("\n", " ")
    sentences = [s.strip() + "." for s in text.split(".") if s.strip()][:40]
    outputs = [
        ArgosTranslator(package, DecodingSettings(max_decoding_length=16), workers=w, threads_per_worker=t).translate(sentences)
        for w, t in ((1, 1), (2, 1), (1, 2))
    ]
    assert outputs[0] == outputs[1] == outputs[2]
