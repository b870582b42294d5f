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
    sentences = [
        "Good afternoon, colleagues.",
        "The forum opened.",
        "Good afternoon, colleagues.",
        "A much longer sentence about the digital economy of the country and its platforms.",
    ]
    outputs = translator.translate(sentences)
    assert len(outputs) == 4 and outputs[0] == outputs[2]
    assert outputs == [translator.translate([s])[0] for s in sentences]  # batching/sorting keep order


def test_decoding_cap_limits_output_tokens(use_store, tmp_path):
    translator, _ = make(use_store, tmp_path, cap=5)
    output = translator.translate(["The Prime Minister spoke at the plenary session."])[0]
    assert 0 < len(translator.engine.tokenizer.encode(output)) <= 5 * 2  # pieces may re-split on decode


def test_second_run_is_served_from_cache(use_store, tmp_path, monkeypatch):
    translator, _ = make(use_store, tmp_path)
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
        ArgosTranslator(package, DecodingSettings(max_decoding_length=16), workers=w, threads_per_worker=t).translate(
            sentences
        )
        for w, t in ((1, 1), (2, 1), (1, 2))
    ]
    assert outputs[0] == outputs[1] == outputs[2]


# ------------------------------------------------------------------ identical to Argos, per sentence


def argos_per_sentence(package_path, sentences, cap, inter_threads=1, intra_threads=0):
    """The reference: Argos's own objects and arguments, one sentence per call.

    ``argostranslate.translate.apply_packaged_translation`` cannot be imported without stanza, so
    its steps are spelled out from its source: ``Package``'s tokenizer, ``translate_batch`` with
    ``max_batch_size=32, batch_type="tokens"``, beam 4, one hypothesis, length penalty 0.2, scores
    returned; decode, drop the target prefix, then one leading space. Nothing of ours is used.
    """
    import ctranslate2

    from align.models import argos_package_module

    package = argos_package_module().Package(package_path)
    model = ctranslate2.Translator(
        str(package_path / "model"), inter_threads=inter_threads, intra_threads=intra_threads
    )
    outputs = []
    for sentence in sentences:
        tokens = [package.tokenizer.encode(sentence)]
        prefix = [[package.target_prefix]] if package.target_prefix != "" else None
        result = model.translate_batch(
            tokens,
            target_prefix=prefix,
            replace_unknowns=True,
            max_batch_size=32,
            batch_type="tokens",
            beam_size=4,
            num_hypotheses=1,
            length_penalty=0.2,
            return_scores=True,
            max_decoding_length=cap,
        )[0]
        value = package.tokenizer.decode(result.hypotheses[0])
        if package.target_prefix != "" and value.startswith(package.target_prefix):
            value = value[len(package.target_prefix) :]
        if len(value) > 0 and value[0] == " ":
            value = value[1:]
        outputs.append(value)
    return outputs


def seed_sentences(count):
    """Sentences of many token lengths, several sharing a length (so batches hold more than one)."""
    text = " ".join(
        (SEEDS / name).read_text(encoding="utf-8").replace("\n", " ")
        for name in sorted(p.name for p in SEEDS.glob("*.txt"))
    )
    sentences = list(dict.fromkeys(s.strip() + "." for s in text.split(".") if len(s.strip()) > 3))
    return sentences[:count]


def test_output_is_argos_per_sentence_output(int8_package):
    """Equal-length batches, queued longest first on two workers, give Argos's bytes on every line."""
    from align.models import read_package, unpacked_archive
    from align.translate import Engine, equal_length_batches

    package = read_package(unpacked_archive(int8_package))
    sentences = seed_sentences(120)
    engine = Engine(package.path, DecodingSettings(max_decoding_length=20), workers=2)
    batches = equal_length_batches([engine.tokenizer.encode(s) for s in sentences], 2048)
    assert len(batches) < len(sentences) and max(map(len, batches)) > 2  # real batching happened
    assert engine.translate(sentences) == argos_per_sentence(package.path, sentences, 20)


def test_output_is_argos_output_with_a_target_prefix(int8_package, tmp_path):
    """Multilingual Argos packages force the target language with a prefix token (one of the
    model's own pieces) that Argos then strips: our batches must carry and strip it the same way."""
    import json
    import shutil

    from align.models import read_package, unpacked_archive
    from align.translate import Engine, argos_codec

    folder = tmp_path / "prefixed"
    shutil.copytree(read_package(unpacked_archive(int8_package)).path, folder)
    piece = argos_codec(folder)[0].encode("Russian")[0]
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    metadata["target_prefix"] = piece
    (folder / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    sentences = seed_sentences(30)
    engine = Engine(folder, DecodingSettings(max_decoding_length=12), workers=2)
    assert engine.target_prefix == piece
    assert engine.translate(sentences) == argos_per_sentence(folder, sentences, 12)


def test_tokenizer_is_chosen_as_argos_chooses_it(int8_package):
    from align.models import argos_package_module, read_package, unpacked_archive
    from align.translate import argos_codec

    path = read_package(unpacked_archive(int8_package)).path
    tokenizer, prefix = argos_codec(path)
    theirs = argos_package_module().Package(path)
    assert type(tokenizer).__name__ == type(theirs.tokenizer).__name__ and prefix == theirs.target_prefix
    for sentence in seed_sentences(20):
        assert tokenizer.encode(sentence) == theirs.tokenizer.encode(sentence)


def test_batches_are_full_and_even_under_the_token_cap():
    from align.translate import equal_length_batches

    tokens = [["a"] * 10] * 60 + [["b"] * 300] * 9 + [["c"] * 3]
    batches = equal_length_batches(tokens, max_tokens=2048)
    assert sorted(i for batch in batches for i in batch) == list(range(70))  # each sentence once
    assert all(len({len(tokens[i]) for i in batch}) == 1 for batch in batches)  # one length a batch
    sizes = sorted((len(tokens[batch[0]]), len(batch)) for batch in batches)
    assert sizes == [(3, 1), (10, 60), (300, 4), (300, 5)]  # 2048 // 300 = 6 a batch: 9 → 4 + 5


def test_longest_first_puts_the_costliest_batch_first():
    from align.translate import longest_first

    tokens = [["x"] * 5, ["x"] * 40, ["x"] * 5, ["x"] * 5, ["x"] * 12]
    batches = [[0, 2, 3], [1], [4]]
    ordered = longest_first(batches, tokens)
    assert ordered[0] == [1] and sorted(ordered) == sorted(batches)


def test_interrupted_run_resumes_without_translating_finished_batches(use_store, tmp_path):
    """A run killed after its first committed batch: the next run sends only the rest."""
    sentences = seed_sentences(40)
    translator, _ = make(use_store, tmp_path)
    real = translator.engine.translate_batches

    def killed_after_first(todo):
        for item in real(todo):
            yield item
            raise KeyboardInterrupt

    translator.engine.translate_batches = killed_after_first
    try:
        translator.translate(sentences)
    except KeyboardInterrupt:
        pass
    committed = len(translator.cache.get_many(translator.scope, sentences))
    assert 0 < committed < len(sentences)
    again, _ = make(use_store, tmp_path)
    sent = []
    real_again = again.engine.translate_batches
    again.engine.translate_batches = lambda todo: (sent.extend(todo), real_again(todo))[1]
    outputs = again.translate(sentences)
    assert len(sent) == len(sentences) - committed
    fresh, _ = make(use_store, tmp_path / "fresh")
    assert outputs == fresh.translate(sentences)


HEAVY_FOR_TRANSLATE = (
    "align.pipeline",
    "align.steps",
    "align.aligner",
    "tqdm",
    "numpy",
    "pyarrow",
    "datasets",
    "trafilatura",
    "argostranslate.package",
)


def test_translate_command_imports_nothing_it_does_not_use(use_store, tmp_path):
    """Start-up is most of a short run: the translate path must not import the build, the aligner,
    Parquet or Argos's package manager. Checked in a fresh interpreter, with and without spans kept."""
    import subprocess
    import sys

    source = tmp_path / "in.txt"
    source.write_text("The forum opened.\nA second line.\n", encoding="utf-8")
    probe = (
        "import sys, contextlib, io\n"
        "from align.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(sys.argv[1:])\n"
        f"heavy = [m for m in {HEAVY_FOR_TRANSLATE!r} if m in sys.modules]\n"
        "print(code, *heavy)\n"
    )
    for extra in ([], ["--no-keep-foreign"]):
        args = [
            "translate",
            "--from",
            "en",
            "--to",
            "ru",
            "--max-decoding-length",
            "4",
            "--no-cache",
            *extra,
            str(source),
        ]
        result = subprocess.run(
            [sys.executable, "-c", probe, *args],
            check=False,
            capture_output=True,
            text=True,
            timeout=300,
            env={**__import__("os").environ, "ALIGN_PROGRESS": "0"},
        )
        assert result.stdout.split() == ["0"], (extra, result.stdout, result.stderr[-2000:])
