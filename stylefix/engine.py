"""`fix_source`: one file's bytes in, the fixed bytes and the list of changes out. Pure: no I/O."""
import logging
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple, Type

from stylefix import registry
from stylefix.config import Config, is_test_file
from stylefix.directives import Directives, parse_directives
from stylefix.results import BinaryFile, Change, FixResult, UndecodableSource, UnparseableSource

logger = logging.getLogger(__name__)


def _check_bytes(source: bytes) -> None:
    if b"\0" in source:
        raise BinaryFile("binary file (contains NUL bytes), not Python source")


def _load(names: Iterable[str]) -> List[Type["StylefixCodemod"]]:  # noqa: F821 - resolved lazily
    return [registry.SPECS[name].load() for name in names]


def eligible_codemods(
    path: Path, config: Config, directives: Directives, names: Optional[Sequence[str]] = None
) -> Tuple[list, "FileContext"]:  # noqa: F821
    """The codemods that may run on this file: enabled, applicable and not skipped (pre-checks not asked yet)."""
    from stylefix.codemod import FileContext

    file = FileContext(path=path, config=config, is_test_file=is_test_file(path, config), directives=directives)
    chosen = []
    for codemod in _load(names if names is not None else config.enabled):
        if directives.skips_file(codemod.NAME) or not codemod.applies_to(file):
            continue
        chosen.append(codemod)
    return chosen, file


def active_codemods(
    source: bytes, path: Path, config: Config, directives: Directives, names: Optional[Sequence[str]] = None
) -> Tuple[list, "FileContext"]:  # noqa: F821
    """The codemods that can change this file: enabled, applicable, not skipped, and passing their pre-check."""
    eligible, file = eligible_codemods(path, config, directives, names)
    return [codemod for codemod in eligible if codemod.precheck(source, file)], file


def _parse(source: bytes):  # noqa: ANN202 - returns libcst.Module; libcst is imported lazily
    import libcst as cst

    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        message = str(error.message).strip().splitlines()[0] if error.message else "invalid syntax"
        raise UnparseableSource(f"cannot parse: {message}", error.raw_line, error.raw_column + 1) from error
    except UnicodeDecodeError as error:
        line = source[: error.start].count(b"\n") + 1
        raise UndecodableSource(f"cannot decode: {error.reason} ({error.encoding})", line, 0) from error
    except (LookupError, SyntaxError) as error:  # unknown coding cookie, bad BOM/cookie combination
        raise UndecodableSource(f"cannot decode: {error}") from error


def run_codemods(source: bytes, path: Path, config: Config, names: Optional[Sequence[str]] = None) -> FixResult:
    """Parse once and run the chosen codemods in registry order on the same tree."""
    from libcst.codemod import CodemodContext, SkipFile

    _check_bytes(source)
    directives = parse_directives(source, registry.NAMES)
    eligible, file = eligible_codemods(path, config, directives, names)
    passed = [codemod for codemod in eligible if codemod.precheck(source, file)]
    warnings = tuple(f"{path}:{warning}" for warning in directives.warnings)
    if not passed:
        return FixResult(source=source, warnings=warnings)
    tree = _parse(source)
    changes: List[Change] = []
    for codemod_class in eligible:
        # A pre-check vouches only for the bytes it saw: once an earlier codemod has changed the tree (e.g. added
        # an import), every later codemod runs, so the result is already stable under a second run.
        if codemod_class not in passed and not changes:
            continue
        context = CodemodContext(filename=str(path))
        command = codemod_class(context, file)
        try:
            new_tree = command.transform_module(tree)
        except SkipFile:
            continue
        if command.changes:
            tree = new_tree
            changes.extend(command.changes)
        warnings += tuple(f"{path}: {codemod_class.NAME}: {warning}" for warning in context.warnings)
    if not changes:
        return FixResult(source=source, warnings=warnings)
    new_source = tree.bytes
    if new_source == source:
        return FixResult(source=source, warnings=warnings)
    return FixResult(source=new_source, changes=tuple(changes), warnings=warnings)


def fix_source(
    source: bytes, path: Path, config: Config, names: Optional[Sequence[str]] = None, safe: bool = True
) -> FixResult:
    """The fixed source and its changes; raises StylefixError subclasses for files that cannot be processed."""
    result = run_codemods(source, path, config, names)
    if safe and result.changes:
        from stylefix.safety import verify

        verify(source, result, path, config, names)
    return result
