"""`fix_source`: one file's bytes in, the fixed bytes and the list of changes out. Pure: no I/O."""
import ast
import logging
from pathlib import Path
import sys
import warnings
from typing import Iterable, List, Optional, Sequence, Tuple

from stylefix import registry
from stylefix.config import Config, is_test_file
from stylefix.directives import Directives, parse_directives
from stylefix.results import BinaryFile, Change, FixResult, UndecodableSource, UnparseableSource

logger = logging.getLogger(__name__)


def _check_bytes(source: bytes) -> None:
    if b"\0" in source:
        raise BinaryFile("binary file (contains NUL bytes), not Python source")


def _load(names: Iterable[str]) -> List[type]:
    return [registry.SPECS[name].load() for name in names]


def eligible_codemods(
    path: Path, config: Config, directives: Directives, classes: Sequence[type]
) -> Tuple[list, "FileContext"]:  # noqa: F821
    """The codemods that may run on this file: applicable and not skipped (pre-checks not asked yet)."""
    from stylefix.codemod import FileContext

    file = FileContext(path=path, config=config, is_test_file=is_test_file(path, config), directives=directives)
    chosen = [
        codemod for codemod in classes if not directives.skips_file(codemod.NAME) and codemod.applies_to(file)
    ]
    return chosen, file


def _parse(source: bytes):  # noqa: ANN202 - returns libcst.Module; libcst is imported lazily
    import libcst as cst

    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        raise _syntax_error(source, error) from error
    except UnicodeDecodeError as error:
        line = source[: error.start].count(b"\n") + 1
        column = error.start - (source.rfind(b"\n", 0, error.start) + 1) + 1
        raise UndecodableSource(f"cannot decode: {error.reason} ({error.encoding})", line, column) from error
    except (LookupError, SyntaxError) as error:  # unknown coding cookie, bad BOM/cookie combination
        raise UndecodableSource(f"cannot decode: {error}") from error


def cpython_error(source: bytes) -> Optional[UnparseableSource]:
    """The running Python's own verdict: None when `ast` parses the source, else its message and location."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<source>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        return UnparseableSource(f"cannot parse: {error.msg}", error.lineno, error.offset)
    except (ValueError, UnicodeDecodeError, MemoryError, RecursionError) as error:
        return UnparseableSource(f"cannot parse: {error}")
    return None


def newer_syntax(error: UnparseableSource) -> UnparseableSource:
    """LibCST parses it, this Python does not: newer syntax than the running Python, or not Python 3 at all."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    return UnparseableSource(
        f"{error.message} (Python {version} cannot parse this file, so the safety net cannot check it; "
        "run stylefix with a newer Python, or pass --fast)",
        error.line,
        error.column,
    )


def _syntax_error(source: bytes, error: Exception) -> UnparseableSource:
    """CPython's message and location where it has one (it explains far better), else LibCST's first line."""
    cpython = cpython_error(source)
    if cpython is not None:
        return cpython
    message = str(getattr(error, "message", error)).strip().splitlines()[0]
    message = message.split(": expected one of")[0]
    line = getattr(error, "editor_line", None)
    return UnparseableSource(f"cannot parse: {message}", line, getattr(error, "editor_column", None))


def check_syntax(source: bytes, strict: bool) -> None:
    """Report a file no codemod needs to parse if it is not valid Python after all.

    CPython's own parser costs about a tenth of LibCST's. When it refuses, LibCST decides whether the file is
    Python at all; in strict (safe) mode the running Python must parse it too, as the safety net needs that.
    """
    error = cpython_error(source)
    if error is None:
        return
    _parse(source)
    if strict:
        raise newer_syntax(error)


def run_codemods(
    source: bytes, path: Path, config: Config, classes: Sequence[type], strict: bool = True
) -> FixResult:
    """Parse once and run the given codemods, in order, on the same tree."""
    from libcst.codemod import CodemodContext, SkipFile

    from stylefix.codemod import SOURCE_KEY

    _check_bytes(source)
    directives = parse_directives(source, registry.NAMES)
    eligible, file = eligible_codemods(path, config, directives, classes)
    passed = {codemod for codemod in eligible if codemod.precheck(source, file)}
    warnings = tuple(f"{path}:{warning}" for warning in directives.warnings)
    if not passed:
        check_syntax(source, strict)
        return FixResult(source=source, warnings=warnings)
    tree = _parse(source)
    current: Optional[bytes] = source  # what pre-checks look at; None once stale, regenerated only when asked
    changes: List[Change] = []
    for codemod_class in eligible:
        if codemod_class not in passed:
            # An earlier codemod may have written what this one acts on (typing-generics adds imports that
            # sort-imports then has to place): ask its pre-check again about the changed code.
            if not changes:
                continue
            if current is None:
                current = tree.bytes
            if not codemod_class.precheck(current, file):
                continue
        scratch = {} if current is None else {SOURCE_KEY: current}
        context = CodemodContext(filename=str(path), scratch=scratch)
        command = codemod_class(context, file)
        try:
            new_tree = command.transform_module(tree)
        except SkipFile:
            continue
        if command.changes:
            tree = new_tree
            current = None
            changes.extend(command.changes)
        warnings += tuple(f"{path}: {codemod_class.NAME}: {warning}" for warning in context.warnings)
    if not changes:
        return FixResult(source=source, warnings=warnings)
    new_source = tree.bytes
    if new_source == source:
        return FixResult(source=source, warnings=warnings)
    return FixResult(source=new_source, changes=tuple(changes), warnings=warnings)


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
    classes = list(codemods) if codemods is not None else _load(_selected(config, names))
    result = run_codemods(source, path, config, classes, strict=safe)
    if safe and result.changes:
        from stylefix.safety import verify

        def rerun(new_source: bytes, names: Optional[Sequence[str]] = None) -> FixResult:
            chosen = classes if names is None else [codemod for codemod in classes if codemod.NAME in names]
            return run_codemods(new_source, path, config, chosen)

        verify(source, result, path, config, rerun)
    return result


def _selected(config: Config, names: Optional[Sequence[str]]) -> Tuple[str, ...]:
    if names is None:
        return config.enabled
    return registry.ordered([name for name in names if name in registry.SPECS])
