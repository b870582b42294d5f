"""Reproducible Russian-English translation-and-alignment toolkit.

The public API, one call per stage (``align.api``; ``python -m align`` makes the same calls)::

    from align import sentences, detect, normalise, align_sentences, Translator, build, verify

    sentences("Mr. Smith arrived. He sat down.", "en")    # ['Mr. Smith arrived.', 'He sat down.']
    detect(["The report «О бюджете» was published."])     # [Detection(lang='en', spans=(…))]
    text, removals = normalise(page)                      # clean text, and what went and why
    align_sentences(english, russian, "en", "ru")         # [Bead(src=(0,), tgt=(0,), score=…)]
    Translator.from_store("en", "ru").translate(english)  # an installed Argos package
    build("pages", "corpora/pages-en-ru")                 # the whole pipeline
    verify("corpora/pages-en-ru").ok                      # files and claims against the manifest

Each stage is also a module with a small typed API (``records`` holds the dataclasses that travel
between them). Names are loaded on first use, so ``import align`` costs nothing measurable: the
command line's start-up time depends on it.
"""

import sys

__version__ = "0.1.0"

__all__ = [
    "AlignError",
    "Bead",
    "Detection",
    "Dictionary",
    "Lexicon",
    "Normalised",
    "Removal",
    "Span",
    "Translator",
    "Verification",
    "__version__",
    "align_sentences",
    "build",
    "detect",
    "normalise",
    "sentences",
    "verify",
]

_HOME = {
    "sentences": ".api",
    "detect": ".api",
    "normalise": ".api",
    "Normalised": ".api",
    "align_sentences": ".api",
    "Translator": ".api",
    "build": ".api",
    "verify": ".api",
    "AlignError": ".errors",
    "Bead": ".aligner",
    "Dictionary": ".aligner",
    "Detection": ".langid",
    "Lexicon": ".lexicon",
    "Removal": ".records",
    "Span": ".records",
    "Verification": ".verify",
}
"""Where each public name lives; ``__getattr__`` imports it from there on first use."""

TYPE_CHECKING = False
if TYPE_CHECKING:  # what type checkers and editors see; at run time ``__getattr__`` loads these
    from .aligner import Bead, Dictionary
    from .api import Normalised, Translator, align_sentences, build, detect, normalise, sentences, verify
    from .errors import AlignError
    from .langid import Detection
    from .lexicon import Lexicon
    from .records import Removal, Span
    from .verify import Verification


def __getattr__(name: str) -> object:
    """Import a public name from its module the first time it is asked for."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(type(sys)):  # type: ignore[misc]
    """The ``align`` module object, which keeps its public functions when a submodule of the same
    name is imported. ``import align.normalise`` (or ``align.verify``) would otherwise make
    ``align.normalise`` the module and the function unreachable as ``align.normalise``. The
    modules are still imported the usual way: ``from align.normalise import normalise_text``."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _HOME and isinstance(value, type(sys)):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
