"""The safety net: before anything is written or printed, check that a codemod did only what it may.

1. The output parses.
2. The standard-library `ast` of input and output are equal after normalising exactly the changes the codemods
   are allowed to make: import statements compared as sets of bindings per run of imports (typing names may be
   added, collections/contextlib imports may go, duplicates may go); annotations compared after mapping typing
   aliases to what they alias and unions to sets; test functions compared through the rename map; equality
   operands of asserts compared as unordered pairs.
3. The result is stable: running the codemods again on the output changes nothing.

The normalisers here are written against the `ast` module, independently of the LibCST codemods they check.
"""
import ast
from collections import Counter
import logging
from pathlib import Path
import re
import typing
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, Optional, Sequence, Tuple, TypeGuard, Union, cast

from stylefix.config import Config
from stylefix.parsing import cpython_error, newer_syntax, python_tree
from stylefix.results import Change, FixResult, InternalError, StylefixError, UnparseableSource

logger = logging.getLogger(__name__)

# Modules whose imports typing-generics may remove once its rewrite left them unused.
REMOVABLE_IMPORT_MODULES: FrozenSet[str] = frozenset({"collections.abc", "collections", "contextlib"})
TYPING_MODULES: FrozenSet[str] = frozenset({"typing"})
FLEXIBLE_IMPORT_MODULES: FrozenSet[str] = REMOVABLE_IMPORT_MODULES | TYPING_MODULES
UNITTEST_EQUALITY_METHODS: FrozenSet[str] = frozenset(
    {
        "assertEqual",
        "assertNotEqual",
        "assertAlmostEqual",
        "assertNotAlmostEqual",
        "assertDictEqual",
        "assertListEqual",
        "assertTupleEqual",
        "assertSetEqual",
        "assertSequenceEqual",
        "assertMultiLineEqual",
        "assertCountEqual",
        "assertEquals",
        "assertNotEquals",
        "assertAlmostEquals",
        "assertNotAlmostEquals",
    }
)
# The keyword names unittest gives the two compared values, per method family.
UNITTEST_OPERAND_KEYWORDS: Tuple[Tuple[str, str], ...] = (
    ("first", "second"),
    ("d1", "d2"),
    ("seq1", "seq2"),
    ("list1", "list2"),
    ("tuple1", "tuple2"),
    ("set1", "set2"),
)
RenamePairs = FrozenSet[Tuple[str, str]]


def _typing_aliases() -> Dict[str, str]:
    """Every typing alias and the class it stands for, by name, lower-cased into one canonical key.

    Deliberately permissive (`Set`, `AbstractSet` and `set` share a key): the codemods' own tests check the
    exact mapping; the safety net only has to catch code that changed where it must not.
    """
    canonical: Dict[str, str] = {}
    for name, value in vars(typing).items():
        origin = getattr(value, "__origin__", None)
        if isinstance(origin, type) and type(value).__name__ in ("_SpecialGenericAlias", "_CallableType", "_TupleType"):
            key = origin.__name__.lower()
            canonical[name] = key
            canonical[origin.__name__] = key
    return canonical


CANONICAL_NAMES: Dict[str, str] = _typing_aliases()


# --- annotations -------------------------------------------------------------------------------------------


def _last_name(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _union_members(node: ast.expr) -> Optional[List[ast.expr]]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return (_union_members(node.left) or [node.left]) + (_union_members(node.right) or [node.right])
    if isinstance(node, ast.Subscript):
        name = _last_name(node.value)
        if name == "Optional":
            return [node.slice, ast.Constant(value=None)]
        if name == "Union":
            return list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
    return None


def canonical_annotation(node: Optional[ast.expr], aliases: Optional[Dict[str, str]] = None) -> Optional[ast.expr]:
    """An annotation with aliases mapped to one name each, unions flattened to sorted sets, strings parsed.

    `aliases` maps names bound by `from m import X as Y` to X's canonical key.
    """
    if node is None:
        return None
    aliases = aliases or {}
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            parsed = ast.parse(node.value.strip(), mode="eval").body
        except SyntaxError:
            return node
        return canonical_annotation(parsed, aliases)
    members = _union_members(node)
    if members is not None:
        flat: Dict[str, ast.expr] = {}
        for member in members:
            canonical = canonical_annotation(member, aliases)
            nested = canonical.elts if isinstance(canonical, ast.Set) else [cast(ast.expr, canonical)]
            for item in nested:
                flat.setdefault(ast.dump(item), item)
        return ast.Set(elts=[flat[key] for key in sorted(flat)])
    if isinstance(node, (ast.Name, ast.Attribute)):
        name = _last_name(node)
        key = aliases.get(name or "") if isinstance(node, ast.Name) else None
        key = key or CANONICAL_NAMES.get(name or "")
        if key:
            return ast.Name(id="~" + key, ctx=ast.Load())
        return node
    if isinstance(node, ast.Subscript):
        return ast.Subscript(
            value=cast(ast.expr, canonical_annotation(node.value, aliases)),
            slice=cast(ast.expr, canonical_annotation(node.slice, aliases)),
            ctx=ast.Load(),
        )
    if isinstance(node, (ast.Tuple, ast.List)):
        return type(node)(elts=[cast(ast.expr, canonical_annotation(element, aliases)) for element in node.elts], ctx=ast.Load())
    return node


STATEMENT_LIST_FIELDS: Tuple[str, ...] = ("body", "orelse", "finalbody", "handlers", "cases")


def statements(node: ast.AST) -> Iterator[ast.AST]:
    """Every statement under `node`, at any depth, without visiting expressions (imports are statements)."""
    for field in STATEMENT_LIST_FIELDS:
        for child in getattr(node, field, None) or ():
            if isinstance(child, ast.stmt):
                yield child
            yield from statements(child)


def import_aliases(tree: ast.Module) -> Dict[str, str]:
    """Names bound by `from m import X as Y` where X is a typing alias or what one aliases: Y -> X's key."""
    aliases: Dict[str, str] = {}
    for node in statements(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.asname and alias.name in CANONICAL_NAMES:
                    aliases[alias.asname] = CANONICAL_NAMES[alias.name]
    return aliases


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
    for binding in before:
        if binding not in after and binding[0] not in REMOVABLE_IMPORT_MODULES:
            return f"import of {_describe(binding)} was dropped"
    for binding, count in after.items():
        if binding not in before and binding[0] not in TYPING_MODULES:
            return f"import of {_describe(binding)} was added"
        if binding in before and count > before[binding]:
            return f"import of {_describe(binding)} was duplicated"
    return None


def _describe(binding: Binding) -> str:
    module, name, alias, level = binding
    text = "." * level + module + (f".{name}" if name else "")
    return text + (f" as {alias}" if alias else "")


# --- renames and asserts -----------------------------------------------------------------------------------


def _unordered(first: ast.expr, second: ast.expr) -> List[ast.expr]:
    return sorted([first, second], key=ast.dump)


class _Normaliser(ast.NodeTransformer):
    """One pass that writes every allowed change in one canonical form.

    Typing contexts get canonical annotations; equality operands of asserts and unittest calls are put in a fixed
    order; references to renamed tests (and, with `definitions`, the renamed defs) get their old names back; with
    `collapse`, each run of imports becomes one marker holding its bindings (those of typing/collections modules,
    which may come and go, left out), so two normalised trees can be compared in one `ast.dump`.
    """

    def __init__(
        self,
        aliases: Dict[str, str],
        references: Dict[str, str],
        definitions: Optional[Dict[str, str]] = None,
        collapse: bool = False,
    ) -> None:
        self.aliases = aliases
        self.references = references
        self.definitions = definitions or {}
        self.collapse = collapse
        self.bindings: typing.Counter[Binding] = Counter()  # every import binding seen, wherever it is

    def _canonical(self, node: Optional[ast.expr]) -> Optional[ast.expr]:
        return canonical_annotation(node, self.aliases)

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        if self.collapse:
            for field, value in ast.iter_fields(node):
                if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                    setattr(node, field, _collapsed(value))
        return node

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self.references.get(node.id, node.id)
        return node

    def visit_Expr(self, node: ast.Expr) -> ast.AST:
        # test-names updates the docstrings (string statements) that mention a renamed test.
        value = node.value
        if self.references and isinstance(value, ast.Constant) and isinstance(value.value, str):
            names = "|".join(re.escape(name) for name in sorted(self.references, key=len, reverse=True))
            value.value = re.sub(rf"(?<!\w)(?:{names})(?!\w)", lambda m: self.references[m.group(0)], value.value)
        return self.generic_visit(node)

    def visit_Import(self, node: Union[ast.Import, ast.ImportFrom]) -> Union[ast.Import, ast.ImportFrom]:
        self.bindings.update(_bindings(node))
        return node

    visit_ImportFrom = visit_Import

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        node.attr = self.references.get(node.attr, node.attr)
        return self.generic_visit(node)

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.annotation = self._canonical(node.annotation)
        return node

    def _function(self, node: Any) -> Any:
        node.name = self.definitions.get(node.name, node.name)
        self.generic_visit(node)
        node.returns = self._canonical(node.returns)
        return node

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AnnAssign:
        self.generic_visit(node)
        if _last_name(node.annotation) == "TypeAlias" and node.value is not None:
            node.value = self._canonical(node.value)
        node.annotation = cast(ast.expr, self._canonical(node.annotation))
        return node

    def visit_TypeAlias(self, node: Any) -> Any:  # `type X = ...`, Python 3.12+
        self.generic_visit(node)
        node.value = self._canonical(node.value)
        return node

    def visit_TypeVar(self, node: Any) -> Any:  # a PEP 695 type parameter, Python 3.12+
        node.bound = self._canonical(node.bound)
        if getattr(node, "default_value", None) is not None:
            node.default_value = self._canonical(node.default_value)
        return node

    def visit_Assert(self, node: ast.Assert) -> ast.Assert:
        self.generic_visit(node)
        test = node.test
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.NotEq)):
            test.left, test.comparators[0] = _unordered(test.left, test.comparators[0])
        return node

    def visit_Call(self, node: ast.Call) -> ast.Call:
        self.generic_visit(node)
        name = _last_name(node.func)
        if name == "cast" and node.args:
            node.args[0] = cast(ast.expr, self._canonical(node.args[0]))
        elif name == "NewType" and len(node.args) > 1:
            node.args[1] = cast(ast.expr, self._canonical(node.args[1]))
        elif name == "TypeVar":
            node.args[1:] = [cast(ast.expr, self._canonical(arg)) for arg in node.args[1:]]
            for keyword in node.keywords:
                if keyword.arg == "bound":
                    keyword.value = cast(ast.expr, self._canonical(keyword.value))
        elif name in UNITTEST_EQUALITY_METHODS:
            _order_unittest_operands(node)
        return node


def _order_unittest_operands(node: ast.Call) -> None:
    keywords = {keyword.arg: keyword for keyword in node.keywords}
    names = next((pair for pair in UNITTEST_OPERAND_KEYWORDS if set(pair) & set(keywords)), ("first", "second"))
    slots: List[Tuple[str, Any]] = []  # ("arg", index) or ("kw", keyword) for the two compared values
    for index in range(min(2, len(node.args))):
        slots.append(("arg", index))
    for name in names[len(slots) :]:
        if name in keywords:
            slots.append(("kw", keywords[name]))
    if len(slots) != 2:
        return
    values = [node.args[ref] if kind == "arg" else ref.value for kind, ref in slots]
    for (kind, ref), value in zip(slots, _unordered(*values)):
        if kind == "arg":
            node.args[ref] = value
        else:
            ref.value = value


def _collapsed(body: List[ast.stmt]) -> List[ast.stmt]:
    """The body with each run of imports replaced by one marker of its (non-flexible) bindings."""
    result: List[ast.stmt] = []
    for item in _import_runs(body):
        if isinstance(item, Counter):
            kept = sorted(repr(binding) for binding in _without(item, FLEXIBLE_IMPORT_MODULES))
            if kept:
                result.append(ast.Expr(value=ast.Constant(value="imports: " + "; ".join(kept))))
        else:
            result.append(item)
    return result


# --- comparison --------------------------------------------------------------------------------------------


def _normalise(
    tree: ast.Module, renames: Dict[str, str], definitions: Optional[Dict[str, str]] = None, collapse: bool = False
) -> ast.Module:
    """Normalised in place: callers hand in a tree parsed for this comparison alone."""
    return cast(ast.Module, _normaliser(tree, renames, definitions, collapse).visit(tree))


def _normaliser(
    tree: ast.Module, renames: Dict[str, str], definitions: Optional[Dict[str, str]] = None, collapse: bool = False
) -> _Normaliser:
    return _Normaliser(import_aliases(tree), renames, definitions, collapse)


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
    old_runs, new_runs = _import_runs(before), _import_runs(after)
    problem = _compare_runs(_total(old_runs), _total(new_runs))
    if problem:
        return problem
    # typing-generics adds typing imports (merged into a run, or as a run of their own) and drops collections
    # ones: runs made only of those may appear or vanish; the totals above already caught real drops and adds.
    old = [item for item in old_runs if not (isinstance(item, Counter) and _only(item, FLEXIBLE_IMPORT_MODULES))]
    new = [item for item in new_runs if not (isinstance(item, Counter) and _only(item, FLEXIBLE_IMPORT_MODULES))]
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
            problem = _compare_runs(_without(old_item, FLEXIBLE_IMPORT_MODULES), _without(new_item, FLEXIBLE_IMPORT_MODULES))
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
    renames = renames_from(changes)
    try:
        old_normaliser = _normaliser(before, {}, collapse=True)
        new_normaliser = _normaliser(after, renames, definitions=renames, collapse=True)
        old, new = old_normaliser.visit(before), new_normaliser.visit(after)
        problem = _compare_runs(old_normaliser.bindings, new_normaliser.bindings)
        if problem:
            return problem
        if ast.dump(old) == ast.dump(new):
            return None
        old_tree, new_tree = cast(ast.Module, python_tree(source)), cast(ast.Module, python_tree(output))
        return compare_nodes(_normalise(old_tree, {}), _normalise(new_tree, renames), rename_pairs(changes))
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
