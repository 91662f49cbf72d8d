"""`fix_source`: one file's bytes in, the fixed bytes and the list of changes out. Pure: no I/O."""
from dataclasses import dataclass, replace
import functools
import importlib
import logging
from pathlib import Path
import re
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Type

from stylefix import registry
from stylefix.config import Config, is_test_file
from stylefix.context import FileContext
from stylefix.depth import TooDeeplyNested, check_depth, recursion_room
from stylefix.directives import Directives, parse_directives
from stylefix.parsing import cpython_error, newer_syntax, parse_module
from stylefix.results import BinaryFile, Change, FixResult

logger = logging.getLogger(__name__)


def _check_bytes(source: bytes) -> None:
    if b"\0" in source:
        raise BinaryFile("binary file (contains NUL bytes), not Python source")


@dataclass(frozen=True)
class Gate:
    """A codemod as the engine sees it before parsing: its cheap checks, and how to load the real thing."""

    name: str
    applies_to: Callable[[FileContext], bool]
    precheck: Callable[[bytes, FileContext], bool]
    load: Callable[[], Type[Any]]
    # A second run of this codemod on its own output (after the codemods that follow it) changes nothing, as its
    # pre-check module argues and the suite and corpus check test: the stability check need not run it again.
    stable: bool = False


_GATES: Dict[str, Gate] = {}


def gate_for_class(codemod: Type[Any]) -> Gate:
    return Gate(codemod.NAME, codemod.applies_to, codemod.precheck, lambda: codemod, stable=False)


def gate_for(name: str) -> Gate:
    """The registered codemod's gate; LibCST is imported only when its spec names no pre-check module."""
    gate = _GATES.get(name)
    if gate is None:
        spec = registry.SPECS[name]
        if spec.precheck:
            checks = spec.module(spec.precheck)
            load = functools.lru_cache(maxsize=None)(spec.load)
            gate = Gate(name, checks.applies_to, checks.precheck, load, getattr(checks, "STABLE_BY_CONSTRUCTION", False))
        else:
            gate = gate_for_class(spec.load())
        _GATES[name] = gate
    return gate


def eligible_codemods(
    path: Path, config: Config, directives: Directives, gates: Sequence[Gate]
) -> Tuple[List[Gate], FileContext]:
    """The codemods that may run on this file: applicable and not skipped (pre-checks not asked yet)."""
    file = FileContext(path=path, config=config, is_test_file=is_test_file(path, config), directives=directives)
    chosen = [gate for gate in gates if not directives.skips_file(gate.name) and gate.applies_to(file)]
    return chosen, file


def check_syntax(source: bytes, strict: bool, file: Optional[FileContext] = None) -> None:
    """Report a file no codemod needs to parse if it is not valid Python after all.

    CPython's own parser costs about a tenth of LibCST's. When it refuses, LibCST decides whether the file is
    Python at all; in strict (safe) mode the running Python must parse it too, as the safety net needs that.
    """
    if file is not None and file.python_tree(source) is not None:
        return
    error = cpython_error(source)
    if error is None:
        return
    if isinstance(error, TooDeeplyNested):
        raise error
    check_depth(source, None)
    parse_module(source)
    if strict:
        raise newer_syntax(error)


def guard_depth(source: bytes, file: FileContext) -> None:
    """Refuse, before LibCST sees it, a file nested deeper than LibCST handles safely (stylefix/depth.py)."""
    tree = file.python_tree(source)
    if tree is None:
        error = cpython_error(source)
        if isinstance(error, TooDeeplyNested):
            raise error
    check_depth(source, tree)


# A warning's own location, when it has one: "line: text" or "line:column: text".
WARNING_LOCATION = re.compile(r"(\d+)(?::(\d+))?: (.*)", re.DOTALL)


def located_warning(path: Path, warning: str, codemod: Optional[str] = None) -> str:
    """`path:line:col: [codemod: ]text`; a warning about the whole file is placed at 1:1."""
    match = WARNING_LOCATION.fullmatch(warning)
    line, column, text = (match.group(1), match.group(2) or "1", match.group(3)) if match else ("1", "1", warning)
    return f"{path}:{line}:{column}: " + (f"{codemod}: " if codemod else "") + text


def _has_line_directives(directives: Directives) -> bool:
    return bool(directives.skip_lines or directives.isort)


def run_codemods(
    source: bytes, path: Path, config: Config, gates: Sequence[Gate], strict: bool = True
) -> FixResult:
    """Parse once and run the given codemods, in order, on the same tree."""
    _check_bytes(source)
    directives = parse_directives(source, registry.NAMES)
    eligible, file = eligible_codemods(path, config, directives, gates)
    passed = {gate.name for gate in eligible if gate.precheck(source, file)}
    warnings = tuple(located_warning(path, warning) for warning in directives.warnings)
    if not passed:
        check_syntax(source, strict, file)
        return FixResult(source=source, warnings=warnings)
    from stylefix.codemod import POSITIONS_KEY, SOURCE_KEY, CodemodContext

    guard_depth(source, file)
    tree = parse_module(source)
    current: Optional[bytes] = source  # what pre-checks look at; None once stale, regenerated only when asked
    changes: List[Change] = []
    # The tree each codemod that changed something was given, with its changes (positioned in that tree's code).
    stages: List[Tuple[object, List[Change]]] = []
    positions: Dict[object, Any] = {}  # shared by the codemods of this run (stylefix/positions.py)
    for gate in eligible:
        if current is None and _has_line_directives(directives):
            # Directives are found by line; once an earlier codemod added or removed lines, find them again.
            current = tree.bytes
            directives = parse_directives(current, registry.NAMES)
            file = replace(file, directives=directives)
        if gate.name not in passed:
            # An earlier codemod may have written what this one acts on (typing-generics adds imports that
            # sort-imports then has to place): ask its pre-check again about the changed code.
            if not changes:
                continue
            if current is None:
                current = tree.bytes
            if not gate.precheck(current, file):
                continue
        codemod_class = gate.load()
        scratch: Dict[str, Any] = {POSITIONS_KEY: positions}
        if current is not None:
            scratch[SOURCE_KEY] = current
        context = CodemodContext(filename=str(path), scratch=scratch)
        command = codemod_class(context, file)
        new_tree = command.transform_module(tree)
        if command.changes:
            stages.append((tree, command.changes))
            tree = new_tree
            current = None
            changes.extend(command.changes)
        warnings += tuple(located_warning(path, warning, codemod_class.NAME) for warning in context.warnings)
        located = getattr(command, "located_warnings", ())
        warnings += tuple(f"{path}:{line}:{column}: {codemod_class.NAME}: {message}" for line, column, message in located)
    if not changes:
        return FixResult(source=source, warnings=warnings)
    new_source = tree.bytes
    if new_source == source:
        return FixResult(source=source, warnings=warnings)
    if len(stages) > 1:
        changes = _positioned_in_source(source, stages)
    return FixResult(source=new_source, changes=tuple(changes), warnings=warnings)


def _positioned_in_source(source: bytes, stages: Sequence[Tuple[object, List[Change]]]) -> List[Change]:
    """Every change positioned in the file as read, not in the code the codemods before it wrote."""
    from stylefix.spans import map_changes

    first = stages[0][0]
    try:
        texts = [source.decode(first.encoding).lstrip("\ufeff")]  # type: ignore[attr-defined]
    except (LookupError, UnicodeDecodeError):
        texts = [first.code]  # type: ignore[attr-defined]
    changes = list(stages[0][1])
    for tree, stage_changes in stages[1:]:
        texts.append(tree.code)  # type: ignore[attr-defined]
        changes.extend(map_changes(stage_changes, texts))
    return changes


def fix_source(
    source: bytes,
    path: Path,
    config: Config,
    names: Optional[Sequence[str]] = None,
    safe: bool = True,
    codemods: Optional[Sequence[type]] = None,
) -> FixResult:
    """The fixed source and its changes; raises StylefixError subclasses for files that cannot be processed.

    `names` narrows the enabled codemods (e.g. only sort-imports for "organize imports"); `codemods` replaces
    them with other classes altogether (tests feed deliberately faulty codemods through the safety net).
    """
    if codemods is not None:
        gates = [gate_for_class(codemod) for codemod in codemods]
    else:
        gates = [gate_for(name) for name in _selected(config, names)]
    with recursion_room():
        result = run_codemods(source, path, config, gates, strict=safe)
        if safe and result.changes:
            from stylefix.safety import verify

            def rerun(new_source: bytes, names: Optional[Sequence[str]] = None) -> FixResult:
                """The codemods again: the named ones, else those not stable by construction (the stability
                check); their pre-checks decide whether the output is parsed again at all."""
                if names is None:
                    chosen = [gate for gate in gates if not gate.stable]
                else:
                    chosen = [gate for gate in gates if gate.name in names]
                return run_codemods(new_source, path, config, chosen)

            verify(source, result, path, config, rerun)
    return result


def _selected(config: Config, names: Optional[Sequence[str]]) -> Tuple[str, ...]:
    if names is None:
        return config.enabled
    return registry.ordered([name for name in names if name in registry.SPECS])
