"""Compare typing-generics' binding analysis with LibCST's ScopeProvider on real files.

`python -m scripts.typing_generics_bindings_check DIR...` (default: the benchmark corpus). For every file with a
typing context that may change it compares, node by node, the verdicts the codemod asks for (the qualified name
of every name and attribute in a typing context, the import binding behind it, whether each typing name is free,
what each module-level import's references are), counts the files where the analysis was unsure (the codemod
then asks ScopeProvider) and times both analyses. Exits 1 on any disagreement.
"""
from pathlib import Path
import sys
import time
from typing import Dict, List, Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider

from scripts.corpus import fetch, python_files
from stylefix.codemods.typing_generics.bindings import Unsure
from stylefix.codemods.typing_generics.bindings_check import disagreements
from stylefix.codemods.typing_generics.bindings_walk import analyse


def main(directories: Sequence[Path]) -> int:
    counts: Dict[str, int] = {"files": 0, "candidates": 0, "unsure": 0, "disagreements": 0}
    seconds: Dict[str, float] = {"parse": 0.0, "bindings": 0.0, "ScopeProvider": 0.0}
    for directory in directories:
        for path in python_files(directory):
            counts["files"] += 1
            started = time.perf_counter()
            try:
                tree = cst.parse_module(path.read_bytes())
            except Exception:  # noqa: BLE001 - a file LibCST refuses is no comparison
                continue
            seconds["parse"] += time.perf_counter() - started
            started = time.perf_counter()
            fast = analyse(tree)
            seconds["bindings"] += time.perf_counter() - started
            started = time.perf_counter()
            wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
            slow = wrapper.resolve(ScopeProvider)
            seconds["ScopeProvider"] += time.perf_counter() - started
            found: List[str] = []
            unsure = disagreements(tree, fast, slow, found)
            counts["candidates"] += 1
            counts["unsure"] += bool(unsure)
            counts["disagreements"] += bool(found)
            for problem in found[:5]:
                print(f"{path}: {problem}")
    print(", ".join(f"{key}: {value}" for key, value in counts.items()))
    parse = seconds["parse"] or 1.0
    print(", ".join(f"{key}: {value:.2f} s ({value / parse:.2f}x parse)" for key, value in seconds.items()))
    return 1 if counts["disagreements"] else 0


if __name__ == "__main__":
    arguments = [Path(argument) for argument in sys.argv[1:]]
    sys.exit(main(arguments or [release.directory for release in fetch()]))
