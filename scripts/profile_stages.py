"""Where the time goes, per stage: `profile_stages.py DIR...` runs the engine's stages on every file in one
process and prints seconds per stage (pre-checks, parse, each codemod, codegen, safety net) as a share of a
LibCST parse. Used to write the "where the time goes" part of docs/benchmarks.md.
"""
from collections import defaultdict
from pathlib import Path
import sys
import time
from typing import Dict, List

import libcst as cst
from libcst.codemod import CodemodContext

from stylefix import registry
from stylefix.codemod import SOURCE_KEY
from stylefix.config import load_config
from stylefix.directives import parse_directives
from stylefix.discovery import discover, project_modules
from stylefix.engine import eligible_codemods, fix_source, gate_for
from stylefix.results import StylefixError


def main(paths: List[Path]) -> None:
    config = load_config(paths[0])
    config = config.__class__(**{**config.__dict__, "project_modules": project_modules(config)})
    files = discover(paths, config).files
    seconds: Dict[str, float] = defaultdict(float)
    counts: Dict[str, int] = defaultdict(int)
    gates = [gate_for(name) for name in config.enabled]
    lines = 0
    for path in files:
        source = path.read_bytes()
        lines += source.count(b"\n")
        started = time.perf_counter()
        directives = parse_directives(source, registry.NAMES)
        eligible, file = eligible_codemods(path, config, directives, gates)
        passed = [gate for gate in eligible if gate.precheck(source, file)]
        seconds["pre-checks"] += time.perf_counter() - started
        started = time.perf_counter()
        try:
            tree = cst.parse_module(source)
        except Exception:
            continue
        seconds["parse (every file)"] += time.perf_counter() - started
        if not passed:
            continue
        counts["parsed"] += 1
        changed = False
        for gate in passed:
            codemod = gate.load()
            started = time.perf_counter()
            # As the engine does: the parsed bytes go along until a codemod changes the tree.
            scratch = {} if changed else {SOURCE_KEY: source}
            command = codemod(CodemodContext(filename=str(path), scratch=scratch), file)
            new_tree = command.transform_module(tree)
            seconds[codemod.NAME] += time.perf_counter() - started
            counts[codemod.NAME] += 1
            if command.changes:
                tree, changed = new_tree, True
        started = time.perf_counter()
        tree.bytes  # codegen, timed
        seconds["codegen"] += time.perf_counter() - started
        if changed:
            counts["changed"] += 1
            started = time.perf_counter()
            try:
                fix_source(source, path, config)
            except StylefixError:
                pass
            seconds["whole fix_source with safety net (changed files)"] += time.perf_counter() - started
    parse = seconds["parse (every file)"] or 1.0
    print(f"{len(files)} files, {lines} lines, {counts['parsed']} need parsing, {counts['changed']} change")
    for stage, value in sorted(seconds.items(), key=lambda item: -item[1]):
        runs = f" ({counts[stage]} files)" if stage in counts else ""
        print(f"{stage:52} {value:8.2f} s  {value / parse:5.2f}x parse{runs}")


if __name__ == "__main__":
    main([Path(argument) for argument in sys.argv[1:]])
