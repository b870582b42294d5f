"""Memory of document pairing on a synthetic crawl: the profiles the build keeps, and pairing's peak.

``python -m benchmarks.pairing_memory build/bench-scale/crawl-1000000`` (a crawl ``make bench-scale``
generated). Candidates are accepted without the aligner's confirmation, which needs shard files;
what is measured is what the build's own process holds for pairing, with tracemalloc.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

from align.pairing import pair_documents, profile

from .synthetic import read_crawl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("crawl", type=Path, help="a folder written by benchmarks.synthetic.generate_crawl")
    args = parser.parse_args()
    started = time.perf_counter()
    documents = read_crawl(args.crawl)
    tracemalloc.start()
    profiles = [profile(document) for document in documents]
    del documents
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    candidates = 0

    def accept(found: Sequence[tuple[str, str]]) -> list[float]:
        nonlocal candidates
        candidates += len(found)
        return [1.0] * len(found)

    pairs = pair_documents(profiles, confirm=accept)
    peak = tracemalloc.get_traced_memory()[1]
    print(
        f"{len(profiles):,} profiles: {held / 1e6:.0f} MB; pairing peak above them: {(peak - held) / 1e6:.0f} MB; "
        f"{candidates:,} candidates, {len(pairs):,} pairs; {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
