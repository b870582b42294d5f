"""The text commands on whatever a crawl holds: a result or one clear line, never a traceback."""

import contextlib
import io
import os
import tempfile
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from align.cli import main

PROPERTIES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "cp1251", "koi8_r"]
text_lines = st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80), max_size=12)
file_names = st.binary(min_size=1, max_size=40).filter(
    lambda b: b"/" not in b and b"\0" not in b and b not in (b".", b"..")
)


def run(args: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    stream = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    saved = os.sys.stdin
    os.sys.stdin = stream
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    finally:
        os.sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


def assert_result_or_one_clear_line(code: int, err: str) -> None:
    assert "Traceback" not in err and "internal error" not in err, err
    lines = err.strip().splitlines()
    if code != 0:
        assert code in (1, 2) and lines and lines[-1].startswith("align: error: ")
    assert all(line.startswith("align: ") for line in lines), err


@PROPERTIES
@given(st.binary(max_size=2000), st.sampled_from(["detect", "sentences"]))
def test_random_bytes_on_stdin(data, command):
    args = [command, "-"] if command == "detect" else [command, "--lang", "en", "-"]
    code, _, err = run(args, data)
    assert_result_or_one_clear_line(code, err)


@PROPERTIES
@given(text_lines, st.sampled_from(ENCODINGS))
def test_text_in_any_encoding_keeps_one_detection_per_line(lines, encoding):
    text = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    code, out, err = run(["detect", "-"], data)
    assert_result_or_one_clear_line(code, err)
    if code == 0 and encoding == "utf-8":
        expected = len(text.split("\n")) if text else 0
        assert len(out.splitlines()) == expected - (1 if text.endswith("\n") else 0)


@PROPERTIES
@given(file_names, st.binary(max_size=300))
def test_any_file_name_is_read_or_refused_in_one_printable_line(name, data):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(os.fsencode(folder), name)
        with open(path, "wb") as handle:
            handle.write(data)
        code, _, err = run(["sentences", "--lang", "ru", os.fsdecode(path)])
    assert_result_or_one_clear_line(code, err)
    # Printable: no raw control character or undecodable byte of the name reached the message.
    assert all(ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cs") for ch in err), repr(err)
