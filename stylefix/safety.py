"""The safety net: before anything is written or printed, check that a codemod did only what it may.

1. The output parses.
2. The standard-library `ast` of input and output are equal after normalising exactly the changes the codemods
   are allowed to make. What each codemod may change is its own rule (`codemods/<name>/equivalence.py`, an
   `EquivalenceRule`): node hooks that write its changes in one canonical form on both trees, the import modules
   it may add or drop, and whether a run of imports is compared as a set. Renames are compared through the
   (old, new) pairs the changes carry.
3. The result is stable: running the codemods again on the output changes nothing.

The rules are written against the `ast` module, independently of the LibCST codemods they check.
"""
import ast
from collections import Counter
import functools
import logging
from pathlib import Path
import re
import typing
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple, Type, TypeGuard, Union, cast

from stylefix import registry
from stylefix.config import Config
from stylefix.equivalence import EquivalenceRule, Hook, Side, merged_hooks
from stylefix.parsing import cpython_error, newer_syntax, python_tree
from stylefix.results import Change, FixResult, InternalError, StylefixError, UnparseableSource

logger = logging.getLogger(__name__)

RenamePairs = FrozenSet[Tuple[str, str]]


@functools.lru_cache(maxsize=None)
def rules() -> Tuple[EquivalenceRule, ...]:
    """Every registered codemod's rule: the net is as permissive as all the codemods together, whichever ran."""
    found: List[EquivalenceRule] = []
    for spec in registry.CODEMODS:
        if spec.equivalence:
            found.append(spec.module(spec.equivalence).RULE)
    return tuple(found)


@functools.lru_cache(maxsize=None)
def added_import_modules() -> FrozenSet[str]:
    """Modules whose names a codemod may add to the imports."""
    return frozenset().union(*(rule.added_imports for rule in rules()))


@functools.lru_cache(maxsize=None)
def removed_import_modules() -> FrozenSet[str]:
    """Modules whose imports a codemod may drop."""
    return frozenset().union(*(rule.removed_imports for rule in rules()))


@functools.lru_cache(maxsize=None)
def _flexible() -> FrozenSet[str]:
    return added_import_modules() | removed_import_modules()


@functools.lru_cache(maxsize=None)
def _runs_as_sets() -> bool:
    return any(rule.import_runs_as_sets for rule in rules())


# --- imports -----------------------------------------------------------------------------------------------

Binding = Tuple[str, Optional[str], Optional[str], int]  # (module, name, alias, level)


def _bindings(statement: Union[ast.Import, ast.ImportFrom]) -> List[Binding]:
    if isinstance(statement, ast.Import):
        return [(alias.name, None, alias.asname, 0) for alias in statement.names]
    return [(statement.module or "", alias.name, alias.asname, statement.level) for alias in statement.names]


def _is_import(statement: ast.AST) -> TypeGuard[Union[ast.Import, ast.ImportFrom]]:
    return isinstance(statement, (ast.Import, ast.ImportFrom))


def _import_runs(body: List[ast.stmt]) -> List[Any]:
    """The body with each run of consecutive imports replaced by a Counter of its bindings."""
    result: List[Any] = []
    for statement in body:
        if _is_import(statement):
            if result and isinstance(result[-1], Counter):
                result[-1].update(_bindings(statement))
            else:
                result.append(Counter(_bindings(statement)))
        else:
            result.append(statement)
    return result


def _total(items: List[Any]) -> typing.Counter[Binding]:
    total: typing.Counter[Binding] = Counter()
    for item in items:
        if isinstance(item, Counter):
            total.update(item)
    return total


def _only(run: typing.Counter[Binding], modules: FrozenSet[str]) -> bool:
    return all(binding[0] in modules and binding[3] == 0 for binding in run)


def _compare_runs(before: typing.Counter[Binding], after: typing.Counter[Binding]) -> Optional[str]:
    removable, addable = removed_import_modules(), added_import_modules()
    for binding in before:
        if binding not in after and binding[0] not in removable:
            return f"import of {_describe(binding)} was dropped"
    for binding, count in after.items():
        if binding not in before and binding[0] not in addable:
            return f"import of {_describe(binding)} was added"
        if binding in before and count > before[binding]:
            return f"import of {_describe(binding)} was duplicated"
    return None


def _describe(binding: Binding) -> str:
    module, name, alias, level = binding
    text = "." * level + module + (f".{name}" if name else "")
    return text + (f" as {alias}" if alias else "")


# --- normalising ------------------------------------------------------------------------------------------


class _Normaliser(ast.NodeTransformer):
    """One post-order pass that writes every allowed change in one canonical form: the rules' hooks for each node
    type, after the node's children; with `collapse`, each run of imports becomes one marker holding its bindings
    (those of modules whose imports may come and go left out), so two normalised trees can be compared in one
    `ast.dump`. Every import binding seen, wherever it is, is counted in `bindings`.
    """

    def __init__(self, hooks: Dict[Type[ast.AST], Sequence[Hook]], collapse: bool = False) -> None:
        self.hooks = hooks
        self.collapse = collapse
        self.flexible = _flexible()
        self.bindings: typing.Counter[Binding] = Counter()

    def visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self.bindings.update(_bindings(node))
            return node
        self.generic_visit(node)
        if self.collapse:
            for field, value in ast.iter_fields(node):
                if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                    setattr(node, field, _collapsed(value, self.flexible))
        for hook in self.hooks.get(type(node), ()):
            node = hook(node) or node
        return node


def _collapsed(body: List[ast.stmt], flexible: FrozenSet[str]) -> List[ast.stmt]:
    """The body with each run of imports replaced by one marker of its (non-flexible) bindings."""
    result: List[ast.stmt] = []
    for item in _import_runs(body):
        if isinstance(item, Counter):
            kept = sorted(repr(binding) for binding in _without(item, flexible))
            if kept:
                result.append(ast.Expr(value=ast.Constant(value="imports: " + "; ".join(kept))))
        else:
            result.append(item)
    return result


# --- comparison --------------------------------------------------------------------------------------------


def _normaliser(tree: ast.Module, changes: Sequence[Change], after: bool, detailed: bool) -> _Normaliser:
    side = Side(tree, changes, after, detailed)
    return _Normaliser(merged_hooks(rules(), side), collapse=not detailed and _runs_as_sets())


def _normalise(tree: ast.Module, changes: Sequence[Change], after: bool) -> ast.Module:
    """Normalised in place for the detailed walk: callers hand in a tree parsed for this comparison alone."""
    return cast(ast.Module, _normaliser(tree, changes, after, detailed=True).visit(tree))


def _bodies(node: ast.AST) -> List[Tuple[str, List[ast.stmt]]]:
    return [
        (field, value)
        for field, value in ast.iter_fields(node)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt)
    ]


def _line(node: Any) -> int:
    return getattr(node, "lineno", 0)


def compare_bodies(before: List[ast.stmt], after: List[ast.stmt], renamed: RenamePairs = frozenset()) -> Optional[str]:
    """None when equal up to the allowed changes, else what differs (with the input's line)."""
    if not _runs_as_sets():
        old_runs: List[Any] = list(before)
        new_runs: List[Any] = list(after)
    else:
        old_runs, new_runs = _import_runs(before), _import_runs(after)
    problem = _compare_runs(_total(old_runs), _total(new_runs))
    if problem:
        return problem
    # Imports of modules a codemod may add or drop (merged into a run, or as a run of their own): runs made only
    # of those may appear or vanish; the totals above already caught real drops and adds.
    flexible = _flexible()
    old = [item for item in old_runs if not (isinstance(item, Counter) and _only(item, flexible))]
    new = [item for item in new_runs if not (isinstance(item, Counter) and _only(item, flexible))]
    old_code = [item for item in old if not isinstance(item, Counter)]
    new_code = [item for item in new if not isinstance(item, Counter)]
    if len(old_code) != len(new_code):
        first = before[0] if before else None
        return f"the statements from line {_line(first)} on are not the same ({len(old_code)} before, {len(new_code)} after)"
    for old_item, new_item in zip(old_code, new_code):
        problem = compare_nodes(old_item, new_item, renamed)
        if problem:
            return problem
    if len(old) != len(new):
        return _moved_across(old, new)
    for old_item, new_item in zip(old, new):
        if isinstance(old_item, Counter) != isinstance(new_item, Counter):
            return _moved_across(old, new)
        if isinstance(old_item, Counter):
            problem = _compare_runs(_without(old_item, flexible), _without(new_item, flexible))
            if problem:
                return problem
    return None


def _without(run: typing.Counter[Binding], modules: FrozenSet[str]) -> typing.Counter[Binding]:
    return Counter({binding: count for binding, count in run.items() if binding[0] not in modules or binding[3]})


def _moved_across(old: List[Any], new: List[Any]) -> str:
    for old_item, new_item in zip(old, new):
        if isinstance(old_item, Counter) != isinstance(new_item, Counter):
            where = old_item if not isinstance(old_item, Counter) else new_item
            return f"imports moved across the statement at line {_line(where)}"
    return "imports moved across other statements"


def compare_nodes(before: ast.AST, after: ast.AST, renamed: RenamePairs = frozenset()) -> Optional[str]:
    if type(before) is not type(after):
        return f"line {_line(before)}: a {type(before).__name__} became a {type(after).__name__}"
    old_bodies = dict(_bodies(before))
    new_bodies = dict(_bodies(after))
    for field in set(old_bodies) | set(new_bodies):
        problem = compare_bodies(old_bodies.get(field, []), new_bodies.get(field, []), renamed)
        if problem:
            return problem
    for field, value in ast.iter_fields(before):
        if field in old_bodies or field in new_bodies:
            continue
        other = getattr(after, field, None)
        if field == "name" and isinstance(before, (ast.FunctionDef, ast.AsyncFunctionDef)) and (value, other) in renamed:
            continue
        if _holds_bodies(value) and isinstance(other, list) and len(other) == len(value):
            # except handlers and match cases: nodes of their own that own statement bodies
            for old_item, new_item in zip(value, other):
                problem = compare_nodes(old_item, new_item, renamed)
                if problem:
                    return problem
            continue
        if ast.dump(_wrap(value)) != ast.dump(_wrap(other)):
            return f"line {_line(before)}: the {type(before).__name__} changed ({field})"
    return None


def _holds_bodies(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], (ast.excepthandler, ast.match_case))


def _wrap(value: Any) -> ast.AST:
    if isinstance(value, ast.AST):
        return value
    if isinstance(value, list):
        return ast.List(elts=cast(List[ast.expr], [_wrap(item) for item in value]), ctx=ast.Load())
    return ast.Constant(value=value)


def rename_pairs(changes: Sequence[Change]) -> RenamePairs:
    """(old, new) for every definition a codemod renamed."""
    return frozenset(change.rename for change in changes if change.rename is not None)


def renames_from(changes: Sequence[Change]) -> Dict[str, str]:
    """new name -> old name, for every definition a codemod renamed."""
    return {new: old for old, new in rename_pairs(changes)}


def equivalence_problem(
    source: bytes, output: bytes, changes: Sequence[Change], before: Optional[ast.Module] = None
) -> Optional[str]:
    """What differs beyond the allowed changes, or None. Input that CPython cannot parse is not compared.

    `before` is the input's tree when the caller already parsed it (it is normalised in place). Equal trees are
    recognised in one comparison of normalised dumps; only a difference pays for the statement-by-statement
    walk that says where it is (and settles the cases the quick form cannot, such as a new name of a renamed
    test that was already taken elsewhere).
    """
    before = before or python_tree(source)
    if before is None:
        return None
    after = python_tree(output)
    if after is None:
        return "output does not parse"
    try:
        old_normaliser = _normaliser(before, changes, after=False, detailed=False)
        new_normaliser = _normaliser(after, changes, after=True, detailed=False)
        old, new = old_normaliser.visit(before), new_normaliser.visit(after)
        problem = _compare_runs(old_normaliser.bindings, new_normaliser.bindings)
        if problem:
            return problem
        if ast.dump(old) == ast.dump(new):
            return None
        old_tree, new_tree = cast(ast.Module, python_tree(source)), cast(ast.Module, python_tree(output))
        old_tree, new_tree = _normalise(old_tree, changes, after=False), _normalise(new_tree, changes, after=True)
        return compare_nodes(old_tree, new_tree, rename_pairs(changes))
    except RecursionError:
        return None


# --- the guard ---------------------------------------------------------------------------------------------

RunCodemods = Callable[..., FixResult]


def _culprit(source: bytes, result: FixResult, check: Callable[[FixResult], Optional[str]], rerun: RunCodemods) -> str:
    """When several codemods changed the file, run each alone to find the one that misbehaves."""
    names = result.changed_by()
    if len(names) > 1:
        for name in names:
            try:
                alone = rerun(source, names=[name])
            except StylefixError:
                return name
            if alone.changes and check(alone):
                return name
    return ", ".join(names) or "stylefix"


def verify(source: bytes, result: FixResult, path: Path, config: Config, rerun: RunCodemods) -> None:
    """Raise InternalError (nothing gets written) unless the result passes every guard."""
    before = python_tree(source)
    if before is None:
        raise newer_syntax(cpython_error(source) or UnparseableSource("cannot parse"))

    def unstable(candidate: FixResult) -> Optional[str]:
        try:
            again = rerun(candidate.source)
        except StylefixError as error:
            return f"output does not parse ({error.message})"
        if again.changes:
            change = again.changes[0]
            return f"not stable: a second run changes line {change.line} again ({change.message})"
        return None

    def not_equivalent(candidate: FixResult) -> Optional[str]:
        nonlocal before
        tree, before = before, None  # normalising consumes a tree: the first check uses the one parsed above
        return equivalence_problem(source, candidate.source, candidate.changes, tree)

    for check in (not_equivalent, unstable):
        problem = check(result)
        if problem:
            raise InternalError(_culprit(source, result, check, rerun), problem)
