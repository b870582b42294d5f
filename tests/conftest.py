"""Shared fixtures: an isolated cache and model store, and two random-weight test packages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EVAL = ROOT.parent / "shared" / "eval"

# A suite started in the background (`make test &`, `nohup`) inherits an ignored SIGINT, and so
# would every command the tests start (an ignored signal stays ignored across exec): the tests of
# Ctrl-C need it to mean what it means at a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True, scope="session")
def isolated_home(tmp_path_factory):
    """No test reads or writes the user's caches: ALIGN_CACHE and ALIGN_MODELS point to temp dirs."""
    saved = {name: os.environ.get(name) for name in ("ALIGN_CACHE", "ALIGN_MODELS")}
    os.environ["ALIGN_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    os.environ["ALIGN_MODELS"] = str(tmp_path_factory.mktemp("empty-store"))
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def test_store(tmp_path_factory) -> Path:
    """A model store holding en→ru and ru→en random-weight test packages."""
    from align.models import make_test_package

    store = tmp_path_factory.mktemp("test-store")
    make_test_package("en", "ru", store, SEEDS)
    make_test_package("ru", "en", store, SEEDS)
    return store


@pytest.fixture
def use_store(test_store, monkeypatch) -> Path:
    monkeypatch.setenv("ALIGN_MODELS", str(test_store))
    return test_store


def build_args(input_dir: Path | str, output: Path | str, *options: str, decoding: int | None = None) -> list[str]:
    """One spelling of the common ``build`` command line, so tests show only what they vary."""
    cap = ["--max-decoding-length", str(decoding)] if decoding is not None else []
    return ["build", "--input", str(input_dir), "--output", str(output), *cap, *options]


def run_cli(*args: str, stdin: str | None = None, env: dict | None = None, cwd: Path = ROOT):
    """Run ``python -m align`` in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "align", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


@pytest.fixture(scope="session")
def int8_package(tmp_path_factory) -> Path:
    """A small int8 package: quantised arithmetic is where batch padding changes results."""
    from align.models import TestModelShape, make_test_package

    store = tmp_path_factory.mktemp("int8-store")
    shape = TestModelShape(layers=2, width=128, heads=4, ffn=256, vocab=1000, quantization="int8")
    return make_test_package("en", "ru", store, SEEDS, shape)
