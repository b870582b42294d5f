"""Devices: CUDA when CTranslate2 sees a GPU, a GPU per Ray translation actor, and the device on record.

There is no GPU here: the CUDA device count is stubbed.
"""

import json
from pathlib import Path

import pytest
from conftest import build_args, run_cli

from align.executors import LocalExecutor, actor_options
from align.translate import select_device
from benchmarks.synthetic import generate_crawl


@pytest.fixture
def gpus(monkeypatch):
    """Set how many CUDA devices CTranslate2 reports."""
    import ctranslate2

    def set_count(count: int) -> None:
        monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: count)

    return set_count


def test_auto_is_cuda_when_ctranslate2_sees_a_gpu(gpus):
    gpus(1)
    assert select_device("auto") == "cuda"
    assert LocalExecutor(1).select_device("auto") == "cuda"
    gpus(0)
    assert select_device("auto") == "cpu"
    assert LocalExecutor(1).select_device("auto") == "cpu"


def test_an_explicit_device_is_kept(gpus):
    gpus(1)
    assert select_device("cpu") == "cpu"
    gpus(0)
    assert select_device("cuda") == "cuda"


def test_ray_actors_ask_for_a_gpu_only_on_cuda(gpus):
    gpus(1)
    assert actor_options(select_device("auto")).get("num_gpus") == 1
    gpus(0)
    assert actor_options(select_device("auto")).get("num_gpus", 0) == 0
    assert actor_options("cuda")["num_gpus"] == 1
    assert actor_options("cpu").get("num_gpus", 0) == 0
    # Idle actors hold no CPU of Ray's accounting, so the map steps beside them always get one.
    assert actor_options("cpu").get("num_cpus") == 0 and actor_options("cuda").get("num_cpus") == 0


@pytest.fixture(scope="module")
def cpu_corpus(test_store, tmp_path_factory) -> tuple[Path, Path, Path]:
    """A small corpus built on the CPU: (corpus, its input, the model store)."""
    crawl = tmp_path_factory.mktemp("device-crawl")
    generate_crawl(crawl, english=5, russian=5, bilingual_by_url=2, bilingual_by_content=0, sentences=(4, 6), seed=7)
    output = tmp_path_factory.mktemp("device-corpora") / "corpus"
    result = run_cli(
        *build_args(crawl, output, "--workers", "1", decoding=8),
        env={"ALIGN_MODELS": str(test_store), "ALIGN_CACHE": str(output.parent / "cache")},
    )
    assert result.returncode == 0, result.stderr
    return output, crawl, test_store


def test_a_cpu_build_records_its_device_and_compute_type(cpu_corpus):
    corpus, _, _ = cpu_corpus
    translation = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["translation"]
    assert set(translation) == {"device", "compute_type"}
    assert translation["device"] == "cpu"
    assert isinstance(translation["compute_type"], str) and translation["compute_type"]


def test_a_rebuild_on_another_device_names_the_devices(cpu_corpus, tmp_path):
    corpus, crawl, store = cpu_corpus
    copy = tmp_path / corpus.name
    import shutil

    shutil.copytree(corpus, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    compute_type = manifest["translation"]["compute_type"]
    manifest["translation"]["device"] = "cuda"
    (copy / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    result = run_cli(
        "verify",
        str(copy),
        "--rebuild",
        str(crawl),
        env={"ALIGN_MODELS": str(store), "ALIGN_CACHE": str(tmp_path / "cache")},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"note: built on cuda/{compute_type}, rebuilt on cpu/{compute_type}" in result.stdout
    # Only the manifest's claim about the device differs: every data file was rebuilt byte for byte.
    assert [line for line in result.stdout.splitlines() if line.startswith("differs:")] == [
        "differs: manifest.json (inputs, models, lock file or settings)"
    ]
