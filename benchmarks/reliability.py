"""``make reliability``: the command line tried as a hostile new user would, and counted.

Run as ``.venv/bin/python -m benchmarks.reliability`` (``--keep`` keeps the temporary folder and
prints it, ``--only WORD`` runs only the scenarios whose name contains WORD).

Everything happens in one temporary folder: two random-weight test packages (en→ru, ru→en) in the
model store, and ``ALIGN_MODELS``, ``ALIGN_CACHE``, ``HOME``, ``XDG_RUNTIME_DIR`` (build locks) and
``TMPDIR`` all point inside it. Every run is ``python -m align …`` in a subprocess, from the project
root unless a scenario needs a relative path, with ``--max-decoding-length 8``.

A  Fault runs. A run *survives* when its exit status is the documented one (0 done, 1 failed,
   2 refused, 130 SIGINT, 143 SIGTERM), stderr holds no traceback and no ``internal error``, a
   failure's last stderr line starts with ``align:``, every file that existed before the run and
   is not the tool's own output (corpus, cache) is byte-identical afterwards, no hidden staging
   folder (``.<name>.building-*``, ``.rebuild-*``, ``.old-*``, ``.extract-*``, ``.unpack-*``,
   ``.check-*``) is left behind, every corpus folder present afterwards passes
   ``python -m align verify``, and no process the run started is still running 5 s after it
   exited (each run gets its own session, so its pool workers can be found and then ended).
   Some scenarios check one more promise (named in their code).
B  Tamperings of a published corpus and of the stores. One is *caught* when ``verify DIR`` exits 1
   naming what differs, ``models list`` exits 1 with a DAMAGED line naming the file, or
   ``verify --rebuild`` exits 1, as each row says.
C  Every subprocess run of A and B, and how many printed a traceback.

Signal moments are fractions of a measured uninterrupted build, so the run is deterministic up to
the machine's speed. SIGTERM and SIGKILL go to the build's own process (``kill PID``, the OOM
killer), SIGINT to its process group (Ctrl-C at a terminal). Scenarios that time nothing run two at
a time; the timed ones (signals, concurrent builds) run alone afterwards. A corpus byte-identical
to one that already passed ``verify`` is not verified again. Exit status 0 when every scenario
survived or was caught, 1 otherwise.
"""

from __future__ import annotations

import argparse
import bz2
import concurrent.futures
import gzip
import hashlib
import io
import json
import lzma
import os
import random
import re
import shlex
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CAP = ("--max-decoding-length", "8")
TIMEOUT = 300
SIGNAL_FRACTIONS = (0.05, 0.275, 0.5, 0.725, 0.95)
KILL_FRACTIONS = tuple(round(0.05 + 0.9 * i / 19, 3) for i in range(20))
STAGING = re.compile(rb"^\..+\.(?:building|rebuild|old)-|^\.(?:extract|unpack|check)-")
TRACEBACK = "Traceback (most recent call last)"
GRACE = 3.0
"""Seconds a run's other processes get to exit after it has."""
TOOL = "ruen-align"

GOOD = "The Government approved the programme. It runs until 2030.\n"
RUSSIAN = "Правительство утвердило программу развития цифровой экономики до 2030 года.\n" * 3
ENGLISH = "The ministry published its report on regional schools and clinics this week.\n" * 3


# ------------------------------------------------------------------------------------- runs


@dataclass
class Run:
    """One ``python -m align`` subprocess and what it did."""

    args: list
    env: dict
    cwd: Path
    code: int | None  # None: still running after TIMEOUT seconds, killed
    stdout: str
    stderr: str
    wrapper: list = field(default_factory=list)
    orphans: list = field(default_factory=list)
    """Processes of the run's session still running GRACE seconds after it exited (then ended)."""

    @property
    def status(self) -> int | None:
        """The status a shell shows: 128 + N for a death by signal N."""
        return None if self.code is None else (128 - self.code if self.code < 0 else self.code)

    @property
    def last_line(self) -> str:
        lines = self.stderr.strip().splitlines()
        return lines[-1] if lines else ""

    @property
    def traceback(self) -> bool:
        return TRACEBACK in self.stderr or TRACEBACK in self.stdout

    def command(self) -> str:
        unset = [f"-u {name}" for name, value in self.env.items() if value is None]
        env = " ".join(
            ([f"env {' '.join(unset)}"] if unset else [])
            + [f"{name}={shlex.quote(str(value))}" for name, value in self.env.items() if value is not None]
        )
        words = [shell_word(word) for word in (*self.wrapper, "python", "-m", "align", *self.args)]
        where = f"cd {shlex.quote(str(self.cwd))} && " if self.cwd != ROOT else ""
        return where + (env + " " if env else "") + " ".join(words)

    def describe(self) -> list[str]:
        lines = self.stderr.strip().splitlines()
        tail = lines[-3:]
        if TRACEBACK in self.stderr:  # where it starts, the last frame and the exception, then the end
            start = next(i for i, line in enumerate(lines) if TRACEBACK in line)
            end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines) - 1)
            frames = [line for line in lines[start:end] if line.lstrip().startswith("File ")]
            tail = [*lines[max(0, start - 1) : start + 1], *frames[-1:], lines[end], "…", *lines[end + 1 :][-2:]]
        return [
            f"$ {self.command()}",
            f"  exit {self.status}" + ("" if self.code is None or self.code >= 0 else f" (signal {-self.code})"),
            *(f"  stderr: {line[:300]}" for line in tail),
            *(f"  stdout: {line[:300]}" for line in self.stdout.strip().splitlines()[:3] if self.code != 0),
            *(f"  still running: {orphan[:200]}" for orphan in self.orphans[:3]),
        ]


def shell_word(word) -> str:
    if isinstance(word, bytes):
        return "$'" + "".join(chr(b) if 32 <= b < 127 and b not in b"'\\" else f"\\x{b:02x}" for b in word) + "'"
    word = str(word)
    if word.isprintable():
        return shlex.quote(word)
    return "$'" + "".join(c if c.isprintable() and c not in "'\\" else f"\\x{ord(c):02x}" for c in word) + "'"


@dataclass
class Problem:
    why: str
    run: Run | None = None


@dataclass
class Result:
    category: str
    group: str
    name: str
    problems: list[Problem]
    skipped: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def session_processes(session: int) -> dict[int, str]:
    """Live (not zombie) processes of ``session``, with their command lines."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == session:
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            if fields[0] == b"Z" or int(fields[3]) != session:
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                found[int(entry)] = handle.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        except (OSError, IndexError, ValueError):
            continue
    return found


def end_session(session: int, grace: float) -> list[str]:
    """Wait ``grace`` seconds for the session's processes to exit; SIGKILL each survivor by its
    id; return what had to be ended."""
    deadline = time.monotonic() + grace
    while (alive := session_processes(session)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in alive:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return [f"pid {pid}: {command}" for pid, command in sorted(alive.items())]


# --------------------------------------------------------------------------------- files


def signature(path: bytes) -> tuple:
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return ("link", os.readlink(path))
    if stat.S_ISDIR(info.st_mode):
        return ("folder",)
    if stat.S_ISREG(info.st_mode):
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return ("file", digest.hexdigest())
    return ("special", stat.S_IFMT(info.st_mode))


def snapshot(roots: Iterable[Path], skip: Iterable[Path] = ()) -> dict[bytes, tuple]:
    """Every entry below ``roots`` (links not followed, special files not opened) but ``skip``."""
    skipped = [os.fsencode(path) for path in skip]
    found: dict[bytes, tuple] = {}
    for folder in roots:
        root = os.fsencode(folder)
        if not os.path.lexists(root):
            continue
        for top, folders, files in os.walk(root):
            folders[:] = [name for name in folders if not under(os.path.join(top, name), skipped)]
            for name in folders + files:
                path = os.path.join(top, name)
                if not under(path, skipped):
                    found[path] = signature(path)
    return found


def under(path: bytes, prefixes: list[bytes]) -> bool:
    return any(path == prefix or path.startswith(prefix + b"/") for prefix in prefixes)


def tree(folder: Path) -> dict[str, bytes]:
    """Relative path → bytes of every file below ``folder`` (to compare two corpora)."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def ours(folder: bytes) -> bool:
    try:
        with open(os.path.join(folder, b"manifest.json"), "rb") as handle:
            manifest = json.loads(handle.read())
        return manifest.get("tool", {}).get("name") == TOOL
    except (OSError, ValueError, AttributeError):
        return False


def printable(path) -> str:
    return os.fsdecode(path).encode("utf-8", "backslashreplace").decode("utf-8").replace("\n", "\\n")


def flip_byte(path: Path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    offset = len(data) // 2 if offset is None else offset
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def small_pages(folder: Path, text: str = GOOD) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "page.txt").write_text(text, encoding="utf-8")
    return folder


# ------------------------------------------------------------------------------- harness


def interruptible() -> None:
    """Give the run Ctrl-C's default meaning: a harness started in the background (``make
    reliability &``) has SIGINT ignored, and its children would inherit that and never see it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Harness:
    def __init__(self, root: Path, only: str | None):
        self.root = root
        self.only = only
        self.runs: list[Run] = []
        self.results: list[Result] = []
        self.notes: list[str] = []
        self.store = root / "store"
        self.cache = root / "cache"
        self.installed = root / "installed-store"
        self.reference = root / "reference" / "corpus"
        self.previous = root / "previous" / "corpus"
        self.build_seconds = 0.0
        self.setup_runs = 0
        self.passed_verify: set[str] = set()
        self.live: set[Pending] = set()
        self.scenarios: list[Scenario] = []
        for name in ("home", "run", "tmp"):
            (root / name).mkdir()
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("ALIGN_", "HF_", "XDG_"))}
        self.base_env = keep | {
            "HOME": str(root / "home"),
            "ALIGN_MODELS": str(self.store),
            "ALIGN_CACHE": str(self.cache),
            "XDG_RUNTIME_DIR": str(root / "run"),
            "TMPDIR": str(root / "tmp"),
            "ALIGN_PROGRESS": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": str(ROOT),
        }

    # -- running the command line

    def env(self, overrides: dict | None) -> dict:
        env = dict(self.base_env)
        for name, value in (overrides or {}).items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = str(value)
        return env

    def spawn(self, args, env: dict | None = None, cwd: Path = ROOT, wrapper: list | None = None) -> Pending:
        """Start a run in a session of its own, its output going to files (a worker that outlives
        the run may hold a pipe open for ever; it cannot hold up a file)."""
        argv = [*(wrapper or []), sys.executable, "-m", "align", *args]
        # Closed by the Pending that reads them once the run is over.
        out, err = tempfile.TemporaryFile(dir=self.root), tempfile.TemporaryFile(dir=self.root)  # noqa: SIM115
        process = subprocess.Popen(
            argv,
            env=self.env(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
            preexec_fn=interruptible,
        )
        pending = Pending(self, process, (out, err), list(args), dict(env or {}), cwd, list(wrapper or []))
        self.live.add(pending)
        return pending

    def cli(self, *args, env: dict | None = None, cwd: Path = ROOT, wrapper: list | None = None) -> Run:
        return self.spawn(args, env, cwd, wrapper).wait()

    # -- checking a run

    @staticmethod
    def judge(run: Run, expect: Iterable[int]) -> list[Problem]:
        expect = set(expect)
        if run.code is None:
            return [Problem(f"still running after {TIMEOUT} s (killed)", run)]
        problems = []
        if run.status not in expect:
            problems.append(Problem(f"exit {run.status}, documented: {'/'.join(map(str, sorted(expect)))}", run))
        if run.traceback:
            problems.append(Problem("printed a traceback", run))
        if "internal error" in run.stderr:
            problems.append(Problem(f"internal error: {run.last_line[:200]}", run))
        if run.code > 0 and not run.last_line.startswith("align:"):
            problems.append(Problem(f"last stderr line does not start with 'align:': {run.last_line[:160]!r}", run))
        return problems + Harness.orphaned(run)

    @staticmethod
    def orphaned(run: Run) -> list[Problem]:
        if not run.orphans:
            return []
        return [Problem(f"{len(run.orphans)} of its processes still running {GRACE:g} s after it exited", run)]

    def aftermath(self, before: dict, roots: list[Path], own: list[Path], caches: list[Path]) -> list[Problem]:
        """Pre-existing files unchanged, no staging leftovers, every corpus present verifies."""
        after = snapshot(roots, skip=caches)
        owned = [os.fsencode(path) for path in own]
        problems = []
        for path, sig in before.items():
            if under(path, owned) or after.get(path) == sig:
                continue
            what = "removed" if path not in after else "changed"
            problems.append(Problem(f"{what}: {printable(path)} (existed before, not the tool's output)"))
        for path in after:
            if path not in before and STAGING.match(os.path.basename(path)):
                problems.append(Problem(f"left behind: {printable(path)}"))
        for path in sorted(after):
            if after[path] == ("folder",) and ours(path):
                problems += self.verified(Path(os.fsdecode(path)))
        return problems

    def verified(self, corpus: Path) -> list[Problem]:
        digest = hashlib.sha256(repr(sorted(tree(corpus).items())).encode()).hexdigest()
        if digest in self.passed_verify:  # the same bytes passed verify already
            return []
        run = self.cli("verify", str(corpus))
        if run.code == 0 and not run.traceback:
            self.passed_verify.add(digest)
            return []
        return [Problem(f"corpus {printable(corpus)} does not pass verify", run)]

    def fault(
        self,
        args,
        expect,
        ws: Path,
        *,
        env=None,
        cwd=ROOT,
        own=(),
        watch=(),
        wrapper=None,
        check: Callable[[Run], list[str]] | None = None,
    ) -> list[Problem]:
        """Run once and judge it by every rule of category A (``check``: one more promise)."""
        caches = [self.cache, self.root / "tmp", ws / "cache"]
        roots = [ws, self.store, *watch]
        before = snapshot(roots, skip=caches)
        env = {"ALIGN_CACHE": ws / "cache", **(env or {})}  # scenarios run side by side share no cache
        run = self.cli(*args, env=env, cwd=cwd, wrapper=wrapper)
        problems = self.judge(run, expect) + self.aftermath(before, roots, list(own), caches)
        if check and run.code is not None:
            problems += [Problem(why, run) for why in check(run)]
        return problems

    def interrupted(
        self, pending: Pending, moment: float, signum: int, ws: Path, output: Path, previous: dict
    ) -> tuple[Run, list[Problem]]:
        """Send ``signum`` at ``moment`` seconds; judge; the output must be the old or the new corpus."""
        sent = pending.signal_at(moment, signum)
        run = pending.wait()
        expect = {128 + signum} if sent else {0}
        problems = self.orphaned(run) if signum == signal.SIGKILL else self.judge(run, expect)
        now = tree(output)
        if now and now != previous and now != tree(self.reference):
            problems.append(Problem("the output is neither the earlier corpus nor a whole new one", run))
        if not sent:
            self.notes.append(
                f"{ws.name}: the run had finished before the signal at {moment:.2f} s (judged as a whole run)"
            )
        return run, problems

    # -- scenarios

    def scenario(
        self, category: str, group: str, name: str, body: Callable[[Path], list[Problem] | str], timed: bool = False
    ) -> None:
        """Register a scenario; ``timed`` ones run alone, after the others."""
        if not self.only or self.only in f"{group} {name}":
            self.scenarios.append(Scenario(len(self.scenarios) + 1, category, group, name, body, timed))

    def run_all(self, parallel: int) -> None:
        """Untimed scenarios ``parallel`` at a time, then the timed ones alone; results in plan order."""
        untimed = [s for s in self.scenarios if not s.timed]
        timed = [s for s in self.scenarios if s.timed]
        with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
            done = dict(zip([s.number for s in untimed], pool.map(self.execute, untimed), strict=True))
        if timed:
            self.measure()  # now, not at setup: the machine's load may have changed since
        done |= {s.number: self.execute(s) for s in timed}
        self.results = [done[s.number] for s in self.scenarios]

    def measure(self) -> None:
        """Time one uninterrupted cold-cache build of seeds/ (signal moments are fractions of it),
        and check it publishes the reference bytes."""
        output = self.root / "timing" / "corpus"
        started = time.monotonic()
        timing = self.cli(*self.build_args(SEEDS, output), env={"ALIGN_CACHE": self.root / "cache-timing"})
        self.build_seconds = time.monotonic() - started
        must(timing, "timing build")
        if tree(output) != tree(self.reference):
            raise SystemExit("the timing build of seeds/ differs from the reference build; nothing timed can be judged")
        self.runs = [run for run in self.runs if run is not timing]  # not a scenario's run

    def execute(self, scenario: Scenario) -> Result:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", scenario.name).strip("-")[:40]
        folder = self.root / "ws" / f"{scenario.number:03d}-{slug}"
        folder.mkdir(parents=True)
        try:
            outcome = scenario.body(folder)
        except Exception as error:  # a harness bug must not hide the other results
            outcome = [Problem(f"harness error: {type(error).__name__}: {error}")]
        result = Result(
            scenario.category,
            scenario.group,
            scenario.name,
            [] if isinstance(outcome, str) else outcome,
            skipped=outcome if isinstance(outcome, str) else "",
        )
        mark = "skip" if result.skipped else ("ok" if result.ok else "FAIL")
        print(f"  {mark:4} {scenario.category} {scenario.group}: {scenario.name}", file=sys.stderr, flush=True)
        return result

    def build_args(self, input_dir, output, *extra) -> list:
        return ["build", "--input", str(input_dir), "--output", str(output), *CAP, *extra]


@dataclass
class Scenario:
    number: int
    category: str
    group: str
    name: str
    body: Callable[[Path], list[Problem] | str]
    timed: bool


class Pending:
    """A started run, for scenarios that signal it or run another beside it."""

    def __init__(self, harness, process, files, args, env, cwd, wrapper):
        self.harness, self.process, self.files = harness, process, files
        self.args, self.env, self.cwd, self.wrapper = args, env, cwd, wrapper
        self.started = time.monotonic()

    def signal_at(self, seconds: float, signum: int) -> bool:
        """Send ``signum`` ``seconds`` after the start, unless the run has ended; SIGINT goes to the
        whole process group, as Ctrl-C does."""
        time.sleep(max(0.0, self.started + seconds - time.monotonic()))
        if self.process.poll() is not None:
            return False
        if signum == signal.SIGINT:
            os.killpg(self.process.pid, signum)
        else:
            self.process.send_signal(signum)
        return True

    def wait(self) -> Run:
        try:
            code = self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            end_session(self.process.pid, 0)
            self.process.kill()
            self.process.wait()
            code = None
        orphans = end_session(self.process.pid, GRACE)
        self.harness.live.discard(self)
        out, err = (self._read(handle) for handle in self.files)
        run = Run(self.args, self.env, self.cwd, code, out, err, self.wrapper, orphans)
        self.harness.runs.append(run)
        return run

    @staticmethod
    def _read(handle) -> str:
        handle.seek(0)
        text = handle.read().decode("utf-8", "replace")
        handle.close()
        return text


# ------------------------------------------------------------------------------------ setup


def setup(h: Harness) -> None:
    """Test packages, an installed store, the reference corpus and the build time to time signals by."""
    from align.models import make_test_package

    for source, target in (("en", "ru"), ("ru", "en")):
        make_test_package(source, target, h.store, SEEDS)
    for archive in sorted(h.store.glob("*.argosmodel")):
        must(h.cli("models", "install", str(archive), env={"ALIGN_MODELS": h.installed}), "models install")
    seconds, trees = [], []
    for n in (1, 2):  # two cold-cache builds: the time to derive signal moments from, and a check of determinism
        output = h.root / f"reference-{n}" / "corpus"
        started = time.monotonic()
        must(
            h.cli(*h.build_args(SEEDS, output), env={"ALIGN_CACHE": h.root / f"cache-reference-{n}"}), "reference build"
        )
        seconds.append(time.monotonic() - started)
        trees.append(tree(output))
    if trees[0] != trees[1]:
        raise SystemExit("setup: two uninterrupted builds of seeds/ differ; nothing else can be judged")
    (h.root / "reference-1").rename(h.reference.parent)
    h.build_seconds = sum(seconds) / len(seconds)
    subset = h.root / "previous-input"
    subset.mkdir()
    for path in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(path, subset)
    must(h.cli(*h.build_args(subset, h.previous)), "previous-corpus build")
    for corpus in (h.reference, h.previous):
        if h.verified(corpus):
            raise SystemExit(f"setup: {corpus} does not pass verify")
    h.setup_runs = len(h.runs)


def must(run: Run, what: str) -> None:
    if run.code != 0:
        raise SystemExit(f"setup: {what} failed:\n" + "\n".join(run.describe()))


# ------------------------------------------------------------------------ A: bad inputs


def gzip_bomb() -> bytes:
    """256 MiB of zeros in about 260 KB: four times the largest document the tool reads."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    return b"".join([*(packer.compress(chunk) for _ in range(256)), packer.flush()])


def zipped(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


def write(name, data: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    def make(pages: Path) -> None:
        with open(os.path.join(os.fsencode(pages), os.fsencode(name)), "wb") as f:
            f.write(data() if callable(data) else data)

    return make


def seventy_megabytes(pages: Path) -> None:
    line = b"A long line of words that never ends here, and then it goes on. "
    with open(pages / "huge.txt", "wb") as handle:
        for _ in range(70_000_000 // len(line) + 1):
            handle.write(line)


def link_out(pages: Path) -> None:
    secret = pages.parent / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("Secret minutes of the board meeting were never meant for publishing.\n")
    (pages / "secret.txt").symlink_to(secret)


def fifo(pages: Path) -> None:
    os.mkfifo(pages / "pipe.txt")


RANDOM = random.Random(20240601)
BINARY = b"\x89PNG\r\n\x1a\n" + bytes(RANDOM.randrange(256) for _ in range(4096))

BAD_INPUTS: list[tuple[str, Callable[[Path], None]]] = [
    ("binary file", write("photo.png", BINARY)),
    ("empty file", write("empty.txt", b"")),
    ("NUL bytes", write("nul.txt", b"The forum\x00 opened\x00\x00 on Monday.\n")),
    ("invalid UTF-8", write("broken.txt", b"The meeting ended. " * 10 + b"\xff\xfe\xfd more text.\n")),
    ("cp1251", write("cp1251.txt", RUSSIAN.encode("cp1251"))),
    ("koi8-r", write("koi8r.txt", RUSSIAN.encode("koi8_r"))),
    ("UTF-16 with BOM", write("utf16.txt", (ENGLISH + RUSSIAN).encode("utf-16"))),
    ("UTF-16 LE without BOM", write("utf16le.txt", (ENGLISH + RUSSIAN).encode("utf-16-le"))),
    ("UTF-16 BE without BOM", write("utf16be.txt", (RUSSIAN + ENGLISH).encode("utf-16-be"))),
    ("UTF-32", write("utf32.txt", (ENGLISH + RUSSIAN).encode("utf-32"))),
    ("gzip text", write("page.txt.gz", lambda: gzip.compress(RUSSIAN.encode(), mtime=0))),
    ("bz2 text", write("page.txt.bz2", lambda: bz2.compress(ENGLISH.encode()))),
    ("xz text", write("page.txt.xz", lambda: lzma.compress(RUSSIAN.encode()))),
    ("corrupt gzip", write("cut.txt.gz", lambda: gzip.compress((ENGLISH * 20).encode(), mtime=0)[:60])),
    ("gzip bomb", write("bomb.txt.gz", gzip_bomb)),
    ("zip archive", write("pages.zip", lambda: zipped("page.txt", ENGLISH))),
    ("a 70 MB file", seventy_megabytes),
    ("non-UTF-8 file name", write(b"caf\xe9-\xff.txt", ENGLISH.encode())),
    ("newline in a file name", write("two\nlines.txt", RUSSIAN.encode())),
    ("symlink out of the input folder", link_out),
    ("FIFO", fifo),
]


def bad_input(h: Harness, make: Callable[[Path], None]) -> Callable[[Path], list[Problem]]:
    def body(ws: Path) -> list[Problem]:
        pages = small_pages(ws / "pages")
        make(pages)
        output = ws / "corpus"

        def secret_stays_out(run: Run) -> list[str]:
            documents = output / "documents.jsonl"
            leaked = documents.is_file() and "Secret minutes" in documents.read_text(encoding="utf-8")
            return ["a file outside the input folder was published"] if leaked else []

        return h.fault(h.build_args(pages, output), {0}, ws, own=[output], check=secret_stays_out)

    return body


def no_readable_documents(h: Harness) -> Callable[[Path], list[Problem]]:
    def body(ws: Path) -> list[Problem]:
        pages = ws / "pages"
        pages.mkdir()
        for name, make in BAD_INPUTS:
            if name in ("binary file", "empty file", "corrupt gzip", "zip archive", "FIFO"):
                make(pages)
        return h.fault(h.build_args(pages, ws / "corpus"), {1}, ws, own=[ws / "corpus"])

    return body


def input_not_a_folder(h: Harness, exists: bool) -> Callable[[Path], list[Problem]]:
    def body(ws: Path) -> list[Problem]:
        target = ws / "page.txt"
        if exists:
            target.write_text(GOOD)
        # Documented only as "1 failed, 2 refused (bad arguments)": either is accepted here.
        return h.fault(h.build_args(target, ws / "corpus"), {1, 2}, ws, own=[ws / "corpus"])

    return body


# ----------------------------------------------------------------------- A: bad outputs


def refused_output(h: Harness, prepare: Callable[[Path], str], relative: bool = False):
    """``prepare`` makes what stands at the output path and returns the ``--output`` argument."""

    def body(ws: Path) -> list[Problem]:
        pages = small_pages(ws / "pages")
        output = prepare(ws)
        input_arg = "pages" if relative else pages
        return h.fault(h.build_args(input_arg, output), {2}, ws, cwd=ws if relative else ROOT)

    return body


def thesis(ws: Path) -> str:
    (ws / "thesis").mkdir()
    (ws / "thesis" / "chapter1.tex").write_text("years of work")
    return str(ws / "thesis")


def existing_file(ws: Path) -> str:
    (ws / "results.csv").write_text("a,b\n1,2\n")
    return str(ws / "results.csv")


def symlink(ws: Path) -> str:
    (ws / "real").mkdir()
    (ws / "link").symlink_to(ws / "real")
    return str(ws / "link")


def parent_is_a_file(ws: Path) -> str:
    (ws / "blocker").write_text("x")
    return str(ws / "blocker" / "corpus")


REFUSED_OUTPUTS = [
    ("an unrelated folder with files", thesis, False),
    ("the input folder", lambda ws: str(ws / "pages"), False),
    ("a parent of the input", lambda ws: str(ws), False),
    ("'.' (holding the input)", lambda ws: ".", True),
    ("the empty string", lambda ws: "", True),
    ("an existing file", existing_file, False),
    ("a symbolic link", symlink, False),
    ("a parent that is a file", parent_is_a_file, False),
]


def glob_name(h: Harness, name: str, lookalike: str) -> Callable[[Path], list[Problem]]:
    """An output named like a glob pattern beside a folder the pattern matches and another
    build's staging folder: neither may be touched."""

    def body(ws: Path) -> list[Problem]:
        small_pages(ws / "pages")
        (ws / lookalike).mkdir()
        (ws / lookalike / "notes.txt").write_text("mine")
        other = ws / f".{lookalike}.building-abc123"
        other.mkdir()
        (other / "half-written.parquet").write_bytes(b"another build's work")

        def published(run: Run) -> list[str]:
            return [] if (ws / name / "manifest.json").is_file() else [f"no corpus at {name!r}"]

        return h.fault(h.build_args("pages", name), {0}, ws, cwd=ws, own=[ws / name], check=published)

    return body


def output_inside_input(h: Harness) -> Callable[[Path], list[Problem]]:
    def body(ws: Path) -> list[Problem]:
        pages = small_pages(ws / "pages")
        output = pages / "corpus"
        problems, counts = [], []
        for _ in range(3):
            problems += h.fault(h.build_args(pages, output), {0}, ws, own=[output])
            manifest = output / "manifest.json"
            counts.append(json.loads(manifest.read_text())["counts"]["pairs"] if manifest.is_file() else None)
        if len(set(counts)) != 1:
            problems.append(Problem(f"pair counts over three builds: {counts}", h.runs[-1]))
        return problems

    return body


# ------------------------------------------------------------------------ A: bad models


def repack(source: Path, target: Path, top: str | None = None, extra: dict | None = None, **metadata) -> Path:
    """A copy of an archive with another top folder, metadata fields, or extra members."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            old_top, _, rest = info.filename.partition("/")
            data = original.read(info)
            if rest == "metadata.json":
                data = json.dumps(json.loads(data) | metadata).encode()
            copy.writestr(f"{top or old_top}/{rest}", data)
        for name, data in (extra or {}).items():
            copy.writestr(name, data)
    return target


def installed_copy(h: Harness, ws: Path) -> Path:
    return Path(shutil.copytree(h.installed, ws / "store", symlinks=True))


def en_ru_archive(h: Harness) -> Path:
    return h.store / "translate-en_ru-test.argosmodel"


def model_fault(
    h: Harness,
    prepare: Callable[[Path], tuple[list, dict]],
    expect: set[int],
    check: Callable[[Path], list[str]] | None = None,
) -> Callable[[Path], list[Problem]]:
    """``prepare(ws)`` returns the arguments (after ``python -m align``) and environment."""

    def body(ws: Path) -> list[Problem]:
        pages = small_pages(ws / "pages", GOOD + RUSSIAN)
        args, env = prepare(ws)
        args = [str(pages) if a == "PAGES" else a for a in args]
        return h.fault(args, expect, ws, env=env, own=[ws / "corpus"], check=(lambda run: check(ws)) if check else None)

    return body


def build_with_store(store: Callable[[Path], Path]) -> Callable[[Path], tuple[list, dict]]:
    def prepare(ws: Path) -> tuple[list, dict]:
        return ["build", "--input", "PAGES", "--output", str(ws / "corpus"), *CAP], {"ALIGN_MODELS": store(ws)}

    return prepare


def empty_store(ws: Path) -> Path:
    (ws / "empty-store").mkdir()
    return ws / "empty-store"


def garbage_store(ws: Path) -> Path:
    (ws / "garbage").mkdir()
    (ws / "garbage" / "translate-en_ru-1.0.argosmodel").write_bytes(BINARY)
    return ws / "garbage"


def no_output(ws: Path) -> list[str]:
    return ["a corpus was written"] if (ws / "corpus").exists() else []


def nothing_escaped(ws: Path) -> list[str]:
    """Nothing new beside the store: no escaped file, nothing added to the victim folder."""
    escaped = [f"written outside the store: {p}" for p in ws.rglob("escaped*")]
    victim = sorted(p.name for p in (ws / "a" / "victim").iterdir())
    return escaped + ([] if victim == ["precious.txt"] else [f"the folder beside the store now holds {victim}"])


def model_faults(h: Harness) -> list[tuple[str, Callable[[Path], tuple[list, dict]], set[int], Callable | None]]:
    def tampered_store(change: Callable[[Path], None]) -> Callable[[Path], Path]:
        def make(ws: Path) -> Path:
            store = installed_copy(h, ws)
            change(store / "translate-en_ru-0.0.1-test")
            return store

        return make

    def relabel(folder: Path) -> None:
        metadata = json.loads((folder / "metadata.json").read_text())
        (folder / "metadata.json").write_text(json.dumps(metadata | {"from_code": "ru", "to_code": "en"}))

    def install(make_archive: Callable[[Path], Path]) -> Callable[[Path], tuple[list, dict]]:
        def prepare(ws: Path) -> tuple[list, dict]:
            # translate-en_ru-1/../../victim, from the store ws/a/store, lands on ws/a/victim
            (ws / "a" / "victim").mkdir(parents=True)
            (ws / "a" / "victim" / "precious.txt").write_text("keep me")
            return ["models", "install", str(make_archive(ws))], {"ALIGN_MODELS": ws / "a" / "store"}

        return prepare

    def garbage_archive(ws: Path) -> Path:
        (ws / "translate-en_ru-1.0.argosmodel").write_bytes(BINARY)
        return ws / "translate-en_ru-1.0.argosmodel"

    def climbing_version(ws: Path) -> Path:
        return repack(en_ru_archive(h), ws / "evil.argosmodel", package_version="1/../../victim")

    def dotdot_member(ws: Path) -> Path:
        return repack(
            en_ru_archive(h),
            ws / "dotdot.argosmodel",
            extra={"translate-en_ru-test/../../escaped.txt": b"out of the store"},
        )

    def make_test_package_onto_txt(ws: Path) -> tuple[list, dict]:
        (ws / "notes.txt").write_text("my notes")
        return ["models", "make-test-package", "--from", "en", "--to", "ru", str(ws / "notes.txt")], {}

    def list_store(store: Callable[[Path], Path]) -> Callable[[Path], tuple[list, dict]]:
        return lambda ws: (["models", "list"], {"ALIGN_MODELS": store(ws)})

    return [
        ("build, no models installed", build_with_store(empty_store), {1}, no_output),
        ("build, ALIGN_MODELS missing", build_with_store(lambda ws: ws / "nowhere"), {1, 2}, no_output),
        ("models list, ALIGN_MODELS missing", list_store(lambda ws: ws / "nowhere"), {2}, None),
        ("build, garbage archive in the store", build_with_store(garbage_store), {1}, no_output),
        ("models list, garbage archive in the store", list_store(garbage_store), {1}, None),
        ("models install of a garbage archive", install(garbage_archive), {1}, None),
        (
            "build, flipped byte in installed model.bin",
            build_with_store(tampered_store(lambda f: flip_byte(f / "model" / "model.bin"))),
            {1},
            no_output,
        ),
        ("build, metadata.json relabelling the direction", build_with_store(tampered_store(relabel)), {1}, no_output),
        ("models install, package_version 1/../../victim", install(climbing_version), {1}, nothing_escaped),
        ("models install, archive with '..' paths", install(dotdot_member), {1}, nothing_escaped),
        ("make-test-package onto an existing .txt", make_test_package_onto_txt, {2}, None),
    ]


# --------------------------------------------------------------------------- A: signals


def signalled_build(h: Harness, signum: int, fraction: float, with_previous: bool):
    def body(ws: Path) -> list[Problem]:
        output = ws / "corpus"
        if with_previous:
            shutil.copytree(h.previous, output)
        previous = tree(output)
        roots, caches = [ws, h.store, SEEDS], [ws / "cache"]
        before = snapshot(roots, skip=caches)
        pending = h.spawn(h.build_args(SEEDS, output), env={"ALIGN_CACHE": ws / "cache"})
        _run, problems = h.interrupted(pending, fraction * h.build_seconds, signum, ws, output, previous)
        return problems + h.aftermath(before, roots, [output], caches)

    return body


def sigterm_during_rebuild(h: Harness) -> Callable[[Path], list[Problem]]:
    def body(ws: Path) -> list[Problem]:
        corpus = Path(shutil.copytree(h.reference, ws / "corpus"))
        roots, caches = [ws, h.store, SEEDS], [ws / "cache"]
        before = snapshot(roots, skip=caches)
        pending = h.spawn(["verify", str(corpus), "--rebuild", str(SEEDS)], env={"ALIGN_CACHE": ws / "cache"})
        deadline = time.monotonic() + 60
        while not any(p.name.startswith(".corpus.rebuild-") for p in ws.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.02)
        moment = time.monotonic() - pending.started + 0.5 * h.build_seconds  # halfway through the rebuild
        sent = pending.signal_at(moment, signal.SIGTERM)
        run = pending.wait()
        problems = h.judge(run, {143} if sent else {0})
        return problems + h.aftermath(before, roots, [], caches)  # the corpus is not this command's output

    return body


def killed_then_rerun(h: Harness, fraction: float, with_previous: bool) -> Callable[[Path], list[Problem]]:
    def body(ws: Path) -> list[Problem]:
        output = ws / "corpus"
        if with_previous:
            shutil.copytree(h.previous, output)
        previous = tree(output)
        env = {"ALIGN_CACHE": ws / "cache"}
        roots, caches = [ws, h.store, SEEDS], [ws / "cache"]
        before = snapshot(roots, skip=caches)
        pending = h.spawn(h.build_args(SEEDS, output), env=env)
        _killed, problems = h.interrupted(pending, fraction * h.build_seconds, signal.SIGKILL, ws, output, previous)
        rerun = h.cli(*h.build_args(SEEDS, output), env=env)
        problems += h.judge(rerun, {0})
        if tree(output) != tree(h.reference):
            problems.append(Problem("the rerun did not publish the bytes of an uninterrupted build", rerun))
        return problems + h.aftermath(before, roots, [output], caches)

    return body


# ------------------------------------------------------------------------ A: environment


def tmpfs_refused(ws: Path) -> str | None:
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=256k tmpfs {shlex.quote(str(ws))}"],
        capture_output=True,
        text=True,
    )
    return None if probe.returncode == 0 else (probe.stderr.strip() or f"exit {probe.returncode}")


def full_disk(h: Harness) -> Callable[[Path], list[Problem] | str]:
    def body(ws: Path) -> list[Problem] | str:
        disk = ws / "small-disk"
        disk.mkdir()
        try:
            refused = tmpfs_refused(disk)
        except OSError as error:
            refused = str(error)
        if refused:
            return f"unshare/mount refused: {refused}"
        listing = ws / "listing"
        script = (
            'd=$1; l=$2; shift 2; mount -t tmpfs -o size=256k tmpfs "$d" || exit 97; '
            '"$@"; rc=$?; ls -A "$d" > "$l"; exit $rc'
        )
        wrapper = ["unshare", "-m", "sh", "-c", script, "sh", str(disk), str(listing)]

        def said_full(run: Run) -> list[str]:
            problems = []
            if not run.last_line.startswith("align: error: no space left on the device"):
                problems.append("the last line does not say the disk is full")
            left = listing.read_text().split() if listing.is_file() else ["(no listing)"]
            problems += [f"left on the full disk: {name}" for name in left]
            return problems

        return h.fault(
            h.build_args(SEEDS, disk / "corpus"),
            {1},
            ws,
            wrapper=wrapper,
            watch=[SEEDS],
            own=[listing],
            check=said_full,
        )

    return body


def unwritable_home(h: Harness, args: list) -> Callable[[Path], list[Problem]]:
    def body(ws: Path) -> list[Problem]:
        (ws / "home-is-a-file").write_text("")
        (ws / "in.txt").write_text("Good afternoon.\n")
        env = {"HOME": ws / "home-is-a-file" / "home", "ALIGN_CACHE": None}

        def answered(run: Run) -> list[str]:
            return [] if run.stdout.strip() else ["printed nothing on stdout"]

        return h.fault(args, {0}, ws, env=env, cwd=ws, check=answered)

    return body


def concurrent_builds(h: Harness) -> Callable[[Path], list[Problem]]:
    def body(ws: Path) -> list[Problem]:
        output = ws / "corpus"
        env = {"ALIGN_CACHE": ws / "cache"}
        roots, caches = [ws, h.store, SEEDS], [ws / "cache"]
        before = snapshot(roots, skip=caches)
        first = h.spawn(h.build_args(SEEDS, output), env=env)
        time.sleep(0.3 * h.build_seconds)
        second = h.cli(*h.build_args(SEEDS, output), env=env)
        first_run = first.wait()
        problems = h.judge(first_run, {0, 1}) + h.judge(second, {0, 1})
        codes = sorted(r.status for r in (first_run, second) if r.status is not None)
        refused = [r for r in (first_run, second) if r.status == 1]
        if codes != [0, 1] or "another build is writing" not in refused[0].stderr:
            problems.append(
                Problem(f"exits {codes}: expected one build done and one refused as 'another build is writing'", second)
            )
        if tree(output) != tree(h.reference):
            problems.append(Problem("the published corpus is not that of an uninterrupted build", first_run))
        return problems + h.aftermath(before, roots, [output], caches)

    return body


def push_without_token(h: Harness) -> Callable[[Path], list[Problem]]:
    def body(ws: Path) -> list[Problem]:
        pages = small_pages(ws / "pages")

        def early(run: Run) -> list[str]:
            problems = [] if "HF_TOKEN" in run.last_line else ["the message does not name HF_TOKEN"]
            return problems + (["built before refusing"] if (ws / "corpus").exists() else [])

        return h.fault(
            h.build_args(pages, ws / "corpus", "--push", "me/corpus"),
            {1},
            ws,
            env={"HF_TOKEN": ""},
            own=[ws / "corpus"],
            check=early,
        )

    return body


HUGE = str(10**12)
UNKNOWN_OPTION = [
    ["detect", "x.txt"],
    ["sentences", "--lang", "en", "x.txt"],
    ["translate", "--from", "en", "--to", "ru", "x.txt"],
    ["pair", "x.txt", "x.txt"],
    ["models", "list"],
    ["models", "install", "x.txt"],
    ["models", "fetch"],
    ["models", "make-test-package", "--from", "en", "--to", "ru", "out"],
    ["build", "--input", "pages"],
    ["verify", "out"],
]
BAD_ARGUMENTS: list[tuple[str, list, set[int], str]] = [
    # name, arguments (run in a folder holding x.txt and pages/), documented exit, words in stderr
    ("pair - -", ["pair", "-", "-"], {2}, "standard input"),
    ("translate --from en --to en", ["translate", "--from", "en", "--to", "en", "x.txt"], {2}, "nothing to translate"),
    ("verify /nope", ["verify", "/nope"], {2}, "no such folder"),
    (
        "translate --max-decoding-length -5",
        ["translate", "--from", "en", "--to", "ru", "--max-decoding-length", "-5", "x.txt"],
        {2},
        "positive",
    ),
    (
        "build --max-decoding-length 0",
        ["build", "--input", "pages", "--output", "out", "--max-decoding-length", "0"],
        {2},
        "positive",
    ),
    ("pair --max-decoding-length -1", ["pair", "--max-decoding-length", "-1", "x.txt", "x.txt"], {2}, "positive"),
    (
        "translate --max-decoding-length 10^12",
        ["translate", "--from", "en", "--to", "ru", "--max-decoding-length", HUGE, "x.txt"],
        {0},
        "capped",
    ),
    (
        "build --max-decoding-length 10^12",
        ["build", "--input", "pages", "--output", "out", "--max-decoding-length", HUGE],
        {0},
        "capped",
    ),
    (
        "build --document-timeout -1",
        ["build", "--input", "pages", "--output", "out", "--document-timeout", "-1"],
        {2},
        "seconds",
    ),
    ("build --license 'CC BY'", ["build", "--input", "pages", "--output", "out", "--license", "CC BY"], {2}, "licence"),
    ("sentences --lang de", ["sentences", "--lang", "de", "x.txt"], {2}, "invalid choice"),
    ("no command", [], {2}, "required"),
    ("unknown command", ["frobnicate"], {2}, "invalid choice"),
    ("models without an action", ["models"], {2}, "required"),
    *(
        (f"{' '.join(a[:2] if a[0] == 'models' else a[:1])} --bogus", [*a, "--bogus"], {2}, "--bogus")
        for a in UNKNOWN_OPTION
    ),
]


def bad_arguments(h: Harness, args: list, expect: set[int], words: str) -> Callable[[Path], list[Problem]]:
    def body(ws: Path) -> list[Problem]:
        (ws / "x.txt").write_text("Good afternoon.\n")
        small_pages(ws / "pages")

        def said(run: Run) -> list[str]:
            return [] if words in run.stderr else [f"stderr does not say {words!r}"]

        return h.fault(args, expect, ws, cwd=ws, own=[ws / "out"], check=said)

    return body


# ------------------------------------------------------------------------- B: tamperings


def clean(run: Run) -> list[Problem]:
    """A tampering is caught by a message, not by a crash."""
    if run.traceback:
        return [Problem("printed a traceback", run)]
    return [Problem(f"internal error: {run.last_line[:200]}", run)] if "internal error" in run.stderr else []


def rehash(corpus: Path) -> None:
    """What a careful forger does after editing: make every hash in the manifest match again."""
    manifest = json.loads((corpus / "manifest.json").read_text())
    manifest["outputs"] = {
        name: hashlib.sha256((corpus / name).read_bytes()).hexdigest()
        for name in manifest["outputs"]
        if (corpus / name).exists()
    }
    (corpus / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def edit_manifest(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def tamper(corpus: Path) -> None:
        manifest = json.loads((corpus / "manifest.json").read_text())
        change(manifest)
        (corpus / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n")

    return tamper


def edit_card(pattern: str, replace: Callable[[re.Match], str]) -> Callable[[Path], None]:
    def tamper(corpus: Path) -> None:
        card = (corpus / "README.md").read_text(encoding="utf-8")
        edited = re.sub(pattern, replace, card, count=1, flags=re.MULTILINE)
        if edited == card:
            raise RuntimeError(f"nothing on the card matches {pattern!r}: the tampering needs updating")
        (corpus / "README.md").write_text(edited, encoding="utf-8")

    return tamper


def first_split(manifest: dict) -> dict:
    return manifest["splits"][sorted(manifest["splits"])[0]]


def shift_origins(manifest: dict) -> None:
    origins = first_split(manifest)["origins"]
    origin = sorted(origins)[0]
    origins[origin] -= 1
    origins["human" if origin != "human" else "machine"] = (
        origins.get("human" if origin != "human" else "machine", 0) + 1
    )


def plus_one(match: re.Match) -> str:
    return match.group(1) + str(int(match.group(2)) + 1) + match.group(3)


FORGERIES: list[tuple[str, Callable[[Path], None]]] = [
    ("test_model flag", edit_manifest(lambda m: m.update(test_model=not m["test_model"]))),
    ("pair count", edit_manifest(lambda m: m["counts"].update(pairs=m["counts"]["pairs"] + 1))),
    ("per-split row count", edit_manifest(lambda m: first_split(m).update(rows=first_split(m)["rows"] + 1))),
    ("per-origin counts (same total)", edit_manifest(shift_origins)),
    ("a setting", edit_manifest(lambda m: m["settings"].update(max_decoding_length=64))),
    ("a model sha256", edit_manifest(lambda m: m["models"][0].update(sha256="0" * 64))),
    ("documents count", edit_manifest(lambda m: m["counts"].update(documents=m["counts"]["documents"] + 1))),
    (
        "card: test-model banner removed",
        edit_card(r"^\*\*This corpus was built with a random-weight TEST MODEL.*\n", lambda m: ""),
    ),
    ("card: row table edited", edit_card(r"^(\| \w+ \| \w+ \| )(\d+)( \|)$", plus_one)),
    ("card: dataset_info edited", edit_card(r"^(\s*num_examples: )(\d+)()$", plus_one)),
    ("card: settings block edited", edit_card(r'^(\s*"max_decoding_length": )(\d+)(,?)$', plus_one)),
    ("LICENSE removed", lambda corpus: (corpus / "LICENSE").unlink()),
]


def emptied(relative: str) -> Callable[[Path], object]:
    return lambda corpus: (corpus / relative).write_bytes(b"")


def flipped(relative: str) -> Callable[[Path], None]:
    return lambda corpus: flip_byte(corpus / relative)


def verify_catches(h: Harness, tamper: Callable[[Path], object], forge: bool, wanted: str):
    """Tamper with a copy of the reference corpus (``forge``: then recompute every hash) and
    require ``verify`` to exit 1 saying ``wanted`` (``changed: FILE``, ``claim:``)."""

    def body(ws: Path) -> list[Problem]:
        corpus = Path(shutil.copytree(h.reference, ws / "corpus"))
        tamper(corpus)
        if forge:
            rehash(corpus)
        run = h.cli("verify", str(corpus))
        problems = [] if run.code == 1 else [Problem(f"verify exit {run.status}, expected 1", run)]
        if wanted not in run.stdout + run.stderr:
            problems.append(Problem(f"verify does not say {wanted!r}", run))
        return problems + clean(run)

    return body


def consistent_setting(corpus: Path) -> None:
    edit_manifest(lambda m: m["settings"].update(max_decoding_length=16))(corpus)
    edit_card(r'^(\s*"max_decoding_length": )(\d+)(,?)$', lambda m: m.group(1) + "16" + m.group(3))(corpus)


def rebuild_catches(h: Harness) -> Callable[[Path], list[Problem]]:
    """A setting changed alike in manifest and card, every hash recomputed: only a rebuild can tell."""

    def body(ws: Path) -> list[Problem]:
        corpus = Path(shutil.copytree(h.reference, ws / "corpus"))
        consistent_setting(corpus)
        rehash(corpus)
        run = h.cli("verify", str(corpus), "--rebuild", str(SEEDS), env={"ALIGN_CACHE": ws / "cache"})
        problems = (
            [] if run.code == 1 and "differs:" in run.stdout else [Problem(f"verify --rebuild exit {run.status}", run)]
        )
        return problems + clean(run)

    return body


def cache_file(folder: Path) -> Path:
    (found,) = sorted(folder.glob("*.sqlite"))
    return found


def edited_cache(h: Harness, with_checksum: bool) -> Callable[[Path], list[Problem]]:
    def body(ws: Path) -> list[Problem]:
        cache = Path(shutil.copytree(h.root / "cache-reference-1", ws / "cache"))
        with sqlite3.connect(cache_file(cache)) as connection:
            if with_checksum:  # a forger who knows the checksum recipe
                from align.translate import TranslationCache

                key, _ = connection.execute("SELECT key, target FROM translations ORDER BY key LIMIT 1").fetchone()
                connection.execute(
                    "UPDATE translations SET target = ?, checksum = ? WHERE key = ?",
                    ("подделка", TranslationCache.checksum(key, "подделка"), key),
                )
            else:
                connection.execute("UPDATE translations SET target = 'подделка'")
        connection.close()
        output = ws / "corpus"
        env = {"ALIGN_CACHE": cache}
        built = h.cli(*h.build_args(SEEDS, output), env=env)
        problems = h.judge(built, {0})
        if not with_checksum:
            if tree(output) != tree(h.reference):
                problems.append(
                    Problem("an edited cache entry was served: the corpus differs from a clean build", built)
                )
            return problems
        if tree(output) == tree(h.reference):
            return problems + [Problem("the forged entry had no effect: the tampering was not exercised", built)]
        run = h.cli("verify", str(output), "--rebuild", str(SEEDS), env=env)
        if run.code != 1 or "differs:" not in run.stdout:
            problems.append(Problem(f"verify --rebuild exit {run.status}: it vouched for a forged translation", run))
        return problems + clean(run)

    return body


def store_tampering(h: Harness, change: Callable[[Path], None], names: str) -> Callable[[Path], list[Problem]]:
    def body(ws: Path) -> list[Problem]:
        store = installed_copy(h, ws)
        change(store / "translate-en_ru-0.0.1-test")
        run = h.cli("models", "list", env={"ALIGN_MODELS": store})
        damaged = [line for line in run.stdout.splitlines() if line.startswith("DAMAGED")]
        problems = [] if run.code == 1 else [Problem(f"models list exit {run.status}, expected 1", run)]
        if not any(names in line for line in damaged):
            problems.append(Problem(f"no DAMAGED line naming {names}", run))
        return problems + clean(run)

    return body


def edit_description(folder: Path) -> None:
    metadata = json.loads((folder / "metadata.json").read_text())
    (folder / "metadata.json").write_text(json.dumps(metadata | {"description": "A real model, trust me."}, indent=2))


STORE_TAMPERINGS = [
    ("installed model.bin flipped", lambda f: flip_byte(f / "model" / "model.bin"), "model/model.bin changed"),
    ("installed metadata.json edited", edit_description, "metadata.json changed"),
    (
        "a file added to an installed package",
        lambda f: (f / "model" / "extra.bin").write_bytes(b"\0"),
        "model/extra.bin added",
    ),
    ("a file removed from an installed package", lambda f: (f / "README.md").unlink(), "README.md missing"),
]


# ----------------------------------------------------------------------------- the plan


def plan(h: Harness) -> None:
    A, B = "A", "B"
    for name, make in BAD_INPUTS:
        h.scenario(A, "bad inputs", name, bad_input(h, make))
    h.scenario(A, "bad inputs", "a folder with no readable documents", no_readable_documents(h))
    h.scenario(A, "bad inputs", "an input that is a file", input_not_a_folder(h, exists=True))
    h.scenario(A, "bad inputs", "a missing input", input_not_a_folder(h, exists=False))

    for name, make_output, relative_argument in REFUSED_OUTPUTS:
        h.scenario(A, "bad outputs", name, refused_output(h, make_output, relative_argument))
    for name, lookalike in (("*", "corpus"), ("c?rpus", "corpus"), ("[abc]", "a")):
        h.scenario(A, "bad outputs", f"output named {name!r}", glob_name(h, name, lookalike))
    h.scenario(A, "bad outputs", "output inside the input, built three times", output_inside_input(h))

    for name, prepare, expect, check in model_faults(h):
        h.scenario(A, "bad models", name, model_fault(h, prepare, expect, check))

    for signum, label in ((signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT")):
        for n, fraction in enumerate(SIGNAL_FRACTIONS):
            previous = n % 2 == 1
            name = f"{label} at {fraction:.0%} of a build" + (" over an earlier corpus" if previous else "")
            h.scenario(A, "signals", name, signalled_build(h, signum, fraction, previous), timed=True)
    h.scenario(A, "signals", "SIGTERM during verify --rebuild", sigterm_during_rebuild(h), timed=True)
    for n, fraction in enumerate(KILL_FRACTIONS):
        previous = n % 2 == 1
        name = f"SIGKILL at {fraction:.1%} of a build, then rerun" + (" (earlier corpus)" if previous else "")
        h.scenario(A, "signals", name, killed_then_rerun(h, fraction, previous), timed=True)

    h.scenario(A, "environment", "full disk (256 KiB tmpfs output)", full_disk(h))
    h.scenario(A, "environment", "unwritable HOME: models list", unwritable_home(h, ["models", "list"]))
    h.scenario(
        A,
        "environment",
        "unwritable HOME: translate --no-cache",
        unwritable_home(h, ["translate", "--from", "en", "--to", "ru", "--no-cache", *CAP, "in.txt"]),
    )
    h.scenario(A, "environment", "two concurrent builds into one output", concurrent_builds(h), timed=True)
    h.scenario(A, "environment", "--push without HF_TOKEN", push_without_token(h))

    for name, args, expect, words in BAD_ARGUMENTS:
        h.scenario(A, "bad arguments", name, bad_arguments(h, args, expect, words))

    for path in sorted(p for p in h.reference.rglob("*") if p.is_file()):
        relative = path.relative_to(h.reference).as_posix()
        wanted = "manifest.json" if relative == "manifest.json" else f"changed: {relative}"
        h.scenario(B, "flipped byte", relative, verify_catches(h, flipped(relative), False, wanted))
    for name, tamper in FORGERIES:
        h.scenario(B, "forged claims", name, verify_catches(h, tamper, True, "claim:"))
    for path in sorted(p for p in h.reference.rglob("*") if p.is_file() and p.parent.name in ("data", "exports")):
        relative = path.relative_to(h.reference).as_posix()
        h.scenario(B, "forged claims", f"{relative} emptied", verify_catches(h, emptied(relative), True, "claim:"))
    h.scenario(
        B, "forged claims", "documents.jsonl emptied", verify_catches(h, emptied("documents.jsonl"), True, "claim:")
    )
    h.scenario(B, "forged claims", "a setting edited alike in manifest and card (verify --rebuild)", rebuild_catches(h))
    h.scenario(B, "stores", "cache entries edited (checksums left)", edited_cache(h, with_checksum=False))
    h.scenario(
        B, "stores", "cache entry edited, checksum recomputed (verify --rebuild)", edited_cache(h, with_checksum=True)
    )
    for name, change, names in STORE_TAMPERINGS:
        h.scenario(B, "stores", name, store_tampering(h, change, names))


# ---------------------------------------------------------------------------- the report


def checkout() -> str:
    """The commit measured, and whether align/ had uncommitted changes."""
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "align"], capture_output=True, text=True
        )
    except OSError:
        return "not a git checkout"
    if head.returncode != 0:
        return "not a git checkout"
    return f"commit {head.stdout.strip()}" + (" with uncommitted changes in align/" if dirty.stdout.strip() else "")


def report(h: Harness, seconds: float) -> bool:
    print(
        f"\nruen-align reliability ({checkout()}): {os.cpu_count()} cores, uninterrupted build of seeds/ "
        f"{h.build_seconds:.1f} s, signal moments at fractions of it\n"
    )
    print(f"{'category':<44}{'tried':>7}{'survived/caught':>17}")
    groups: dict[tuple[str, str], list[Result]] = {}
    for result in h.results:
        if not result.skipped:
            groups.setdefault((result.category, result.group), []).append(result)
    titles = {"A": "A  fault runs (survived)", "B": "B  tamperings (caught)"}
    for category in "AB":
        mine = [r for r in h.results if r.category == category and not r.skipped]
        print(f"{titles[category]:<44}{len(mine):>7}{sum(r.ok for r in mine):>17}")
        for (cat, group), results in groups.items():
            if cat == category:
                print(f"{'     ' + group:<44}{len(results):>7}{sum(r.ok for r in results):>17}")
    runs = h.runs[h.setup_runs :]
    without = sum(not run.traceback for run in runs)
    print(f"{'C  CLI runs without a traceback':<44}{len(runs):>7}{without:>17}")
    for result in h.results:
        if result.skipped:
            print(f"\nskipped: {result.category} {result.group}: {result.name} — {result.skipped}")
    failed = [r for r in h.results if not r.ok]
    if failed:
        print(f"\nfailed ({len(failed)}):")
        for result in failed:
            print(f"  {result.category} {result.group}: {result.name} — {result.problems[0].why}")
        print(
            "\ndetails (environment of every run: HOME, ALIGN_CACHE, ALIGN_MODELS, XDG_RUNTIME_DIR, TMPDIR "
            f"inside {h.root}; ALIGN_PROGRESS=0):"
        )
        for result in failed:
            print(f"\n  [{result.category} {result.group}: {result.name}]")
            shown: list[int] = []
            for problem in result.problems:
                print(f"    - {problem.why}")
                if problem.run is not None and id(problem.run) not in shown:
                    shown.append(id(problem.run))
                    print("\n".join("      " + line for line in problem.run.describe()))
    if h.notes:
        print("\nnotes:\n" + "\n".join(f"  {note}" for note in h.notes))
    minutes, rest = divmod(round(seconds), 60)
    print(f"\nwall time {minutes} min {rest:02d} s")
    return not failed and without == len(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reliability", description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (printed at the end)")
    parser.add_argument("--only", metavar="WORD", help="run only the scenarios whose group or name contains WORD")
    args = parser.parse_args(argv)
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="align-reliability-"))
    h = Harness(root, args.only)
    try:
        print(f"setting up in {root} …", file=sys.stderr, flush=True)
        try:
            setup(h)
        except (ImportError, OSError, RuntimeError, ValueError) as error:  # align/ mid-edit, say
            raise SystemExit(f"setup failed: {type(error).__name__}: {error}") from None
        plan(h)
        h.run_all(parallel=max(1, min(2, os.cpu_count() or 1)))
        ok = report(h, time.monotonic() - started)
    finally:
        for pending in list(h.live):  # interrupted: end what is still running, by session
            end_session(pending.process.pid, 0)
            pending.process.kill()
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
