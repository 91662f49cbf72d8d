"""Parsing, at the bottom of the import graph: CPython's `ast`, LibCST, and what their syntax errors become.

Every other module parses through these functions; this one imports nothing of stylefix's above `results` and
`depth`, and LibCST only when a LibCST parse is asked for.
"""
import ast
import sys
from typing import Any, Iterator, Optional, Tuple, Union, cast
import warnings

from stylefix.depth import nesting_error, refused_for_nesting
from stylefix.results import UndecodableSource, UnparseableSource


def parse_python(source: Union[bytes, str]) -> ast.Module:
    """CPython's `ast` of `source` (about a tenth of a LibCST parse); its warnings (invalid escapes) silenced.

    Raises what `compile` raises: SyntaxError, ValueError (NUL bytes), UnicodeDecodeError, MemoryError and
    RecursionError (deep nesting).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = compile(source, "<source>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    return cast(ast.Module, tree)


def python_tree(source: Union[bytes, str]) -> Optional[ast.Module]:
    """CPython's `ast` of `source` (bytes, or text already decoded), or None when the running Python cannot parse
    it."""
    try:
        return parse_python(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None


def cpython_error(source: bytes) -> Optional[UnparseableSource]:
    """The running Python's own verdict: None when `ast` parses the source, else its message and location."""
    try:
        parse_python(source)
    except SyntaxError as error:
        if refused_for_nesting(error):
            return nesting_error(source, error)
        return UnparseableSource(f"cannot parse: {error.msg}", error.lineno, error.offset)
    except (MemoryError, RecursionError) as error:
        return nesting_error(source, error)
    except (ValueError, UnicodeDecodeError) as error:
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


def syntax_error(source: bytes, error: Exception) -> UnparseableSource:
    """CPython's message and location where it has one (it explains far better), else LibCST's first line."""
    cpython = cpython_error(source)
    if cpython is not None:
        return cpython
    message = str(getattr(error, "message", error)).strip().splitlines()[0]
    message = message.split(": expected one of")[0]
    line = getattr(error, "editor_line", None)
    return UnparseableSource(f"cannot parse: {message}", line, getattr(error, "editor_column", None))


# The fields of a CPython statement node that hold statements (or handlers and match cases, which hold them).
STATEMENT_LIST_FIELDS: Tuple[str, ...] = ("body", "orelse", "finalbody", "handlers", "cases")


def statements(node: ast.AST) -> Iterator[ast.AST]:
    """Every statement under `node` of a CPython tree, at any depth, without visiting expressions (imports are
    statements, so this finds every import at a fraction of `ast.walk`'s cost)."""
    for field in STATEMENT_LIST_FIELDS:
        for child in getattr(node, field, None) or ():
            if isinstance(child, ast.stmt):
                yield child
            yield from statements(child)


def parse_module(source: bytes) -> Any:  # a libcst.Module; LibCST is imported only when a file needs it
    """LibCST's tree of `source`; raises UnparseableSource or UndecodableSource."""
    import libcst as cst

    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        raise syntax_error(source, error) from error
    except UnicodeDecodeError as error:
        line = source[: error.start].count(b"\n") + 1
        column = error.start - (source.rfind(b"\n", 0, error.start) + 1) + 1
        raise UndecodableSource(f"cannot decode: {error.reason} ({error.encoding})", line, column) from error
    except (LookupError, SyntaxError) as error:  # unknown coding cookie, bad BOM/cookie combination
        raise UndecodableSource(f"cannot decode: {error}") from error
