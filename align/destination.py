"""Where a corpus may be written, and how a new corpus replaces the old one.

A build writes a whole folder, so a wrong ``--output`` could cost a user their work. The tool
therefore replaces only what it can prove it made: a missing path, an empty folder, or a corpus it
published earlier (its ``manifest.json`` names this tool). Anything else is refused before any work
is done, and so are outputs that would swallow the input.

Writing happens in a hidden sibling staging folder that is swapped into place in one step, so at no
moment is there a half-written corpus; a lock per output path keeps two builds apart, and staging
folders left by killed builds are removed under that lock.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import AlignError

TOOL = "ruen-align"
MANIFEST = "manifest.json"
STAGING_KINDS = ("building", "old", "rebuild")
"""Hidden siblings ``.<name>.<kind>-<random>`` that only this tool creates."""


class OutputRefused(AlignError):
    """The output path holds something the tool did not make, or would swallow the input."""

    exit_code = 2


class BuildLocked(AlignError):
    """Another build is writing the same corpus."""


def is_our_corpus(folder: Path) -> bool:
    """True when ``folder`` holds a ``manifest.json`` written by this tool."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(manifest, dict) and isinstance(manifest.get("tool"), dict) and manifest["tool"].get("name") == TOOL
    )


def check_output(output: str | os.PathLike, input_dir: Path | None = None) -> Path:
    """The resolved output path, or ``OutputRefused`` with one line saying why.

    Allowed: a path that does not exist (its nearest existing ancestor must be a writable folder),
    an empty folder, or an earlier corpus of ours. Refused: an empty path, a file, a symbolic link,
    any other folder, the input folder itself, and a folder that contains the input.
    """
    if not os.fspath(output).strip():
        raise OutputRefused("the output path is empty; give --output a folder name")
    path = Path(output)
    if path.is_symlink():
        raise OutputRefused(f"{path} is a symbolic link; give the folder it points to, or another name")
    resolved = path.resolve()
    if input_dir is not None:
        source = input_dir.resolve()
        if resolved == source:
            raise OutputRefused(f"{path} is the input folder; the corpus needs a folder of its own")
        if resolved in source.parents:
            raise OutputRefused(f"{path} contains the input folder {input_dir}; choose an output outside it")
    if resolved.exists():
        if not resolved.is_dir():
            raise OutputRefused(f"{path} exists and is not a folder; not replacing it")
        if any(resolved.iterdir()) and not is_our_corpus(resolved):
            raise OutputRefused(
                f"{path} is a folder that does not hold a corpus published by {TOOL} "
                "(no manifest.json of ours); not replacing it — choose another --output"
            )
    ancestor = next(parent for parent in (resolved, *resolved.parents) if parent.exists())
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputRefused(f"cannot write the corpus: {ancestor} is not a writable folder")
    return resolved


def staging_siblings(output: Path, kinds: tuple[str, ...] = STAGING_KINDS) -> list[Path]:
    """Hidden staging folders of ``output``, matched by prefix (names are never glob patterns)."""
    if not output.parent.is_dir():
        return []
    prefixes = tuple(f".{output.name}.{kind}-" for kind in kinds)
    return sorted(
        p for p in output.parent.iterdir() if p.name.startswith(prefixes) and p.is_dir() and not p.is_symlink()
    )


def staging_folder(output: Path, kind: str) -> Path:
    """A fresh hidden sibling of ``output`` for ``kind`` work (created, empty)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{output.name}.{kind}-", dir=output.parent))


def lock_folder() -> Path:
    """Locks live in a private runtime folder, never in the user's cache or beside the corpus."""
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    folder = Path(base) / f"{TOOL}-{os.getuid()}" / "locks"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """Hold a lock on the corpus path for a whole build; refuse at once if it is taken.

    The kernel releases an ``flock`` when its process dies, even by SIGKILL, so a killed build
    never leaves the corpus locked. Holding it, we know no other build of this output runs, so
    staging folders left by killed builds are removed.
    """
    import fcntl

    output = output.resolve()
    name = hashlib.sha256(os.fsencode(output)).hexdigest()[:24]
    handle = open(lock_folder() / f"{name}.lock", "a+")  # noqa: SIM115 -- held (and the lock with it) until the caller is done
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"another build is writing {output} right now; try again when it has finished") from None
        for leftover in staging_siblings(output):
            shutil.rmtree(leftover, ignore_errors=True)
        yield
    finally:
        handle.close()


def swap_into_place(staging: Path, output: Path) -> None:
    """Put ``staging`` where ``output`` is, atomically: at no moment is there no corpus.

    Linux exchanges two directories in one step (``renameat2`` with ``RENAME_EXCHANGE``); where
    that is missing, two renames leave a short window, and the old corpus stays in a ``.old-``
    sibling until the new one is in place.
    """
    os.chmod(staging, 0o755)
    if not output.exists():
        os.replace(staging, output)
        return
    if exchange(staging, output):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous corpus
        return
    retired = staging_folder(output, "old")
    os.replace(output, retired / output.name)
    os.replace(staging, output)
    shutil.rmtree(retired, ignore_errors=True)


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically with Linux's ``renameat2(RENAME_EXCHANGE)``; False if unsupported."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return result == 0
