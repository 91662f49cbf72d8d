"""The mapping `typing-generics` applies (read from the typing module's own alias table) and a check of raw
bytes for anything it could rewrite. Free of LibCST, so that files with nothing to rewrite cost no import."""
import ast
import logging
import re
import typing
from typing import Dict, FrozenSet, Iterator, List, Optional, Set, Tuple

from stylefix.context import FileContext

logger = logging.getLogger(__name__)

# A second run changes nothing (the safety net need not run it again): every reference it rewrites becomes a
# `typing` name, which maps to no alias, and every union in a typing context becomes Optional/Union in the same
# pass; what it leaves (with a warning) it leaves on every run. Only sort-imports acts on the imports it adds,
# and sort-imports runs after it and is checked again.
STABLE_BY_CONSTRUCTION = True

# Modules whose classes the typing aliases stand for; the typing module also aliases `re.Pattern`/`re.Match`,
# which are not collection generics and stay out of scope.
ALIASED_MODULES: FrozenSet[str] = frozenset({"builtins", "collections", "collections.abc", "contextlib"})


def typing_aliases() -> Dict[str, str]:
    """Qualified name of each aliased class -> the typing alias for it, read from the typing module's own table.

    Only subscriptable aliases count (`typing.Hashable`/`Sized`/`ByteString` take no parameters).
    """
    aliases: Dict[str, str] = {}
    for name, value in vars(typing).items():
        origin = getattr(value, "__origin__", None)
        if not isinstance(origin, type) or getattr(value, "_name", None) != name:
            continue
        if origin.__module__ not in ALIASED_MODULES or getattr(value, "_nparams", 1) == 0:
            continue
        aliases.setdefault(f"{origin.__module__}.{origin.__qualname__}", name)
    return dict(sorted(aliases.items()))


def typing_arities() -> Dict[str, int]:
    """Typing alias -> how many arguments it takes (-1: any, for Tuple), from the typing module itself."""
    return {name: getattr(getattr(typing, name), "_nparams", -1) for name in typing_aliases().values()}


TYPING_ALIASES: Dict[str, str] = typing_aliases()
# Argument counts every supported Python (3.10 on) accepts for the aliases whose arity changed between versions,
# which one typing module cannot tell: Python 3.13 (PEP 696) gave Generator and AsyncGenerator defaults for
# their last parameters and ContextManager/AsyncContextManager a second, defaulted one. `collections.abc`
# classes accept any count, so `Generator[None]` is valid there and stays as it is.
PORTABLE_ARITIES: Dict[str, FrozenSet[int]] = {
    "Generator": frozenset({3}),
    "AsyncGenerator": frozenset({2}),
    "ContextManager": frozenset({1}),
    "AsyncContextManager": frozenset({1}),
}
ARITIES: Dict[str, FrozenSet[int]] = {
    name: PORTABLE_ARITIES.get(name, frozenset({count}) if count >= 0 else frozenset())
    for name, count in typing_arities().items()
}
BUILTIN_NAMES: FrozenSet[str] = frozenset(
    qualified.split(".", 1)[1] for qualified in TYPING_ALIASES if qualified.startswith("builtins.")
)
# Last component of every aliased class: a cheap syntactic filter before any scope analysis.
ALIASED_SHORT_NAMES: FrozenSet[str] = frozenset(qualified.rsplit(".", 1)[1] for qualified in TYPING_ALIASES)
NON_BUILTIN_SHORT_NAMES: FrozenSet[str] = frozenset(
    qualified.rsplit(".", 1)[1] for qualified in TYPING_ALIASES if not qualified.startswith("builtins.")
)
_BUILTIN_ALTERNATION = "|".join(sorted(BUILTIN_NAMES))
# A builtin name followed by `[` (whitespace, comments and line continuations allowed in between).
BUILTIN_SUBSCRIPT_RE = re.compile(rf"\b(?:{_BUILTIN_ALTERNATION})(?:\s|\\\r?\n|#[^\r\n]*)*\[".encode())
BUILTIN_WORD_RE = re.compile(rf"\b(?:{_BUILTIN_ALTERNATION})\b".encode())
MODULE_MARKERS: Tuple[bytes, ...] = (b"collections", b"contextlib", b"builtins")


# --- the mapping and the pre-check -------------------------------------------------------------------------


def mapping_table() -> str:
    """The mapping as text, for `stylefix explain`."""
    rows = [f"    {qualified.replace('builtins.', '')} -> {name}" for qualified, name in TYPING_ALIASES.items()]
    return "\n".join(rows)


def source_may_change(source: bytes, bare: bool, unions: bool) -> bool:
    """False only when the bytes contain none of the constructs this codemod rewrites."""
    if BUILTIN_SUBSCRIPT_RE.search(source) or any(marker in source for marker in MODULE_MARKERS):
        return True
    if unions and b"|" in source:
        return True
    return bare and BUILTIN_WORD_RE.search(source) is not None


def applies_to(file: FileContext) -> bool:
    return True


def precheck(source: bytes, file: FileContext) -> bool:
    """False only when nothing in a typing context could be rewritten.

    The byte screen passes on any `|`, any mention of collections/contextlib/builtins and any `list[`, runtime
    code included; CPython's own parser (a tenth of LibCST's cost) then tells whether any of it sits in an
    annotation, an explicit alias or a cast/TypeVar/NewType call. Source CPython cannot parse goes to LibCST.
    """
    options = file.config.options("typing-generics")
    if not source_may_change(source, options.bare, options.unions):
        return False
    tree = file.python_tree(source)
    if tree is None:
        return True
    return typing_contexts_may_change(tree, source, options.bare, options.unions)


# Calls whose arguments are typing contexts; all their arguments are looked at (a superset of what is rewritten).
TYPING_CALLS: FrozenSet[str] = frozenset({"cast", "TypeVar", "NewType"})
STATEMENT_LIST_FIELDS: Tuple[str, ...] = ("body", "orelse", "finalbody", "handlers", "cases")
REWRITABLE_MODULES: Tuple[str, ...] = ("collections", "_collections_abc", "contextlib", "builtins")


def _statements(node: ast.AST) -> Iterator[ast.AST]:
    for field_name in STATEMENT_LIST_FIELDS:
        for child in getattr(node, field_name, None) or ():
            yield child
            yield from _statements(child)


def _last_name(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _typing_contexts(tree: ast.Module, source: bytes) -> Tuple[List[ast.AST], Set[str]]:
    """Every expression in a typing context, and the names imported from the modules whose classes are aliased."""
    contexts: List[Optional[ast.AST]] = []  # None for a missing annotation or value, dropped at the end
    imported: Set[str] = set()
    for statement in _statements(tree):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = statement.args
            for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                contexts.append(argument.annotation)
            for star in (arguments.vararg, arguments.kwarg):
                contexts.append(star.annotation if star is not None else None)
            contexts.append(statement.returns)
        elif isinstance(statement, ast.AnnAssign):
            contexts.extend([statement.annotation, statement.value])
        elif isinstance(statement, ast.ImportFrom) and (statement.module or "").startswith(REWRITABLE_MODULES):
            imported.update(alias.asname or alias.name for alias in statement.names)
    if any(name.encode() in source for name in TYPING_CALLS):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _last_name(node.func) in TYPING_CALLS:
                contexts.extend([*node.args, *(keyword.value for keyword in node.keywords)])
    return [context for context in contexts if context is not None], imported


def typing_contexts_may_change(tree: ast.Module, source: bytes, bare: bool, unions: bool) -> bool:
    contexts, imported = _typing_contexts(tree, source)
    subscripted = ALIASED_SHORT_NAMES | imported
    pending = list(contexts)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr) and unions:
            return True
        if isinstance(node, ast.Subscript) and _last_name(node.value) in subscripted:
            return True
        name = _last_name(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
        if name is not None and (name in NON_BUILTIN_SHORT_NAMES or name in imported or (bare and name in BUILTIN_NAMES)):
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                pending.append(ast.parse(node.value.strip(), mode="eval").body)
            except (SyntaxError, ValueError):
                return True
            continue
        pending.extend(ast.iter_child_nodes(node))
    return False
