"""Stop cleanly, fail early, and say what happened in words a newcomer can act on."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, build_args, run_cli


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_sigterm_stops_a_build_with_one_line_and_nothing_left_behind(tmp_path, test_store):
    output = tmp_path / "corpus"
    env = {**os.environ, "ALIGN_MODELS": str(test_store), "ALIGN_CACHE": str(tmp_path / "cache")}
    process = subprocess.Popen(
        [sys.executable, "-m", "align", *build_args(SEEDS, output, decoding=200)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert wait_for(lambda: (tmp_path / "cache" / "translations-v2.sqlite").exists())  # translating now
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, stderr
    assert stderr.strip().splitlines() == ["align: terminated (SIGTERM); nothing half-written was left behind"]
    assert not output.exists() and leftovers(tmp_path) == []


def test_sigterm_during_verify_rebuild_leaves_no_rebuild_folder(tmp_path, test_store):
    output = tmp_path / "corpus"
    env = {**os.environ, "ALIGN_MODELS": str(test_store), "ALIGN_CACHE": str(tmp_path / "cache")}
    built = run_cli(*build_args(SEEDS, output, decoding=200), env=env)
    assert built.returncode == 0, built.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "align", "verify", str(output), "--rebuild", str(SEEDS)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert wait_for(lambda: leftovers(tmp_path) != [])
    time.sleep(1.0)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, stderr
    assert leftovers(tmp_path) == []


def test_missing_token_for_push_is_found_before_the_build(tmp_path, test_store):
    output = tmp_path / "corpus"
    result = run_cli(
        *build_args(SEEDS, output, "--push", "me/corpus"),
        env={"ALIGN_MODELS": str(test_store), "HF_TOKEN": "", "ALIGN_CACHE": str(tmp_path / "cache")},
    )
    assert result.returncode == 1 and "HF_TOKEN" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not output.exists() and not (tmp_path / "cache").exists()


def test_a_huge_decoding_length_is_capped_and_said(use_store, tmp_path):
    (tmp_path / "in.txt").write_text("Good afternoon.\n")
    result = run_cli(
        "translate", "--from", "en", "--to", "ru", "--max-decoding-length", "100000", "in.txt", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "capped at 1024" in result.stderr and len(result.stdout.splitlines()) == 1


def full_disk_build(tmp_path, test_store, output: Path) -> subprocess.CompletedProcess:
    """A build whose output folder sits on a 256 KiB tmpfs, mounted in a private mount namespace."""
    command = [sys.executable, "-m", "align", *build_args(SEEDS, output, decoding=8)]
    script = f'mount -t tmpfs -o size=256k tmpfs {output.parent} && exec "$@"'
    env = {**os.environ, "ALIGN_MODELS": str(test_store), "ALIGN_CACHE": str(tmp_path / "cache")}
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "build", *command],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def can_mount_tmpfs() -> bool:
    try:
        return (
            subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs tmpfs /mnt"], capture_output=True).returncode
            == 0
        )
    except OSError:
        return False


def test_a_full_disk_is_reported_as_a_full_disk(tmp_path, test_store, monkeypatch, capsys):
    output = tmp_path / "small-disk" / "corpus"
    output.parent.mkdir()
    if can_mount_tmpfs():  # a real full file system
        result = full_disk_build(tmp_path, test_store, output)
        assert result.returncode == 1, result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith("align: error: no space left on the device")
        return
    import errno

    from align.cli import main
    from align.publish.parquet import SplitData

    def no_space(*args, **kwargs):  # where mounting is not allowed: the same error, injected
        raise OSError(errno.ENOSPC, "No space left on device", "data/.train.parquet")

    monkeypatch.setenv("ALIGN_MODELS", str(test_store))
    monkeypatch.setattr(SplitData, "write", no_space)
    code = main(build_args(SEEDS, output, decoding=8))
    assert code == 1 and "no space left on the device" in capsys.readouterr().err
    assert leftovers(output.parent) == [] and not output.exists()


def test_without_models_the_message_names_every_direction_and_nothing_is_written(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "en.txt").write_text("The Government approved the programme in 2021.\n", encoding="utf-8")
    (pages / "ru.txt").write_text("Кошка спит на диване весь день, а собака лает во дворе.\n", encoding="utf-8")
    cache = tmp_path / "cache"
    result = run_cli(
        *build_args(pages, tmp_path / "corpus"),
        env={"ALIGN_MODELS": str(tmp_path / "none"), "ALIGN_CACHE": str(cache)},
    )
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    for words in ("en→ru", "ru→en", "python -m align models fetch", "make-test-package", "MAX_DECODING_LENGTH"):
        assert words in line
    assert not cache.exists() or not any(cache.rglob("*"))
    assert not (tmp_path / "corpus").exists()


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["pair", "-", "-"], 2, "both be standard input"),
        (["translate", "--from", "en", "--to", "en", "x.txt"], 2, "nothing to translate"),
        (["verify", "nope"], 2, "no such folder"),
        (build_args("pages", "out", "--document-timeout", "-1"), 2, "seconds"),
        (build_args("pages", "out", "--license", "CC BY"), 2, "licence id"),
    ],
)
def test_plain_messages_and_the_right_exit_code(tmp_path, args, code, words):
    (tmp_path / "x.txt").write_text("Hello.\n")
    result = run_cli(*args, cwd=tmp_path, stdin="")
    assert result.returncode == code, result.stderr
    assert words in result.stderr.strip().splitlines()[-1] and "Traceback" not in result.stderr


def test_sentences_decodes_legacy_encodings_like_build(tmp_path):
    path = tmp_path / "cp1251.txt"
    path.write_bytes("Правительство утвердило программу. Она рассчитана до 2030 года.\n".encode("cp1251"))
    result = run_cli("sentences", "--lang", "ru", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Правительство утвердило программу.", "Она рассчитана до 2030 года."]
    assert "cp1251" in result.stderr or "windows-1251" in result.stderr


def test_detect_refuses_binary_input_in_one_line(tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    result = run_cli("detect", str(path))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"align: error: {path}: binary file"]


def test_a_slow_document_is_skipped_with_reason_timeout_and_the_build_goes_on(tmp_path, test_store):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "short.txt").write_text("The Government approved the programme.\n", encoding="utf-8")
    # Tens of thousands of distinct sentences: seconds of work for our rules, against a 0.3 s budget.
    sentences = (f"Region {n} reported {n * 7} new schools and {n * 3} clinics this year." for n in range(40_000))
    (pages / "slow.txt").write_text("\n".join(sentences) + "\n", encoding="utf-8")
    output = tmp_path / "corpus"
    result = run_cli(
        *build_args(pages, output, "--document-timeout", "0.3", decoding=4), env={"ALIGN_MODELS": str(test_store)}
    )
    assert result.returncode == 0, result.stderr
    assert "skipped slow.txt: timeout" in result.stderr
    inputs = {entry["path"]: entry for entry in json.loads((output / "manifest.json").read_text())["inputs"]}
    assert inputs["slow.txt"]["status"] == "skipped" and inputs["slow.txt"]["reason"] == "timeout"
    assert inputs["short.txt"]["status"] == "used"


def test_a_document_without_english_or_russian_is_skipped_not_used(tmp_path, test_store):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "good.txt").write_text("The Government approved the programme.\n", encoding="utf-8")
    (pages / "numbers.txt").write_text("12 345 678\n--- 2021 ---\n", encoding="utf-8")
    output = tmp_path / "corpus"
    result = run_cli(*build_args(pages, output, decoding=4), env={"ALIGN_MODELS": str(test_store)})
    assert result.returncode == 0, result.stderr
    inputs = {entry["path"]: entry for entry in json.loads((output / "manifest.json").read_text())["inputs"]}
    assert inputs["numbers.txt"]["status"] == "skipped" and "sentence" in inputs["numbers.txt"]["reason"]


def run_on_terminal(args, env) -> str:
    """Run the CLI with stderr on a pseudo-terminal, as a person at a terminal would; return stderr."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # 120 columns
    process = subprocess.Popen(
        [sys.executable, "-m", "align", *args],
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env={**os.environ, **env},
        cwd=ROOT,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=600)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bars_on_a_terminal_and_silence_when_piped(tmp_path, test_store):
    env = {"ALIGN_MODELS": str(test_store), "ALIGN_CACHE": str(tmp_path / "cache"), "CI": "", "TERM": "xterm"}
    terminal = run_on_terminal(build_args(SEEDS, tmp_path / "a", decoding=16), env)
    assert "read" in terminal and "translate" in terminal and "sent/s" in terminal and "publish" in terminal
    piped = run_cli(
        *build_args(SEEDS, tmp_path / "b", decoding=16), env={**env, "ALIGN_CACHE": str(tmp_path / "cache2")}
    )
    assert piped.returncode == 0 and "\r" not in piped.stderr and "sent/s" not in piped.stderr
