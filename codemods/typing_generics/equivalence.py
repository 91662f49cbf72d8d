"""typing-generics' rule for the safety net: annotations are compared after mapping typing aliases to what they
alias and unions (`X | Y`, `Union[...]`, `Optional[...]`) to sets; typing imports may be added and the
collections/contextlib imports its rewrite left unused may go.

Written against CPython's `ast`, independently of the LibCST transform it checks.
"""
import ast
import typing
from typing import Dict, List, Optional, Type, cast

from stylefix.equivalence import EquivalenceRule, Hook, Hooks, Side, name_of
from stylefix.parsing import statements


def _typing_aliases() -> Dict[str, str]:
    """Every typing alias and the class it stands for, by name, lower-cased into one canonical key.

    Deliberately permissive (`Set`, `AbstractSet` and `set` share a key): the codemod's own tests check the
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


def _union_members(node: ast.expr) -> Optional[List[ast.expr]]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return (_union_members(node.left) or [node.left]) + (_union_members(node.right) or [node.right])
    if isinstance(node, ast.Subscript):
        name = name_of(node.value)
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
        name = name_of(node)
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


def import_aliases(tree: ast.Module) -> Dict[str, str]:
    """Names bound by `from m import X as Y` where X is a typing alias or what one aliases: Y -> X's key."""
    aliases: Dict[str, str] = {}
    for node in statements(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.asname and alias.name in CANONICAL_NAMES:
                    aliases[alias.asname] = CANONICAL_NAMES[alias.name]
    return aliases


def _hooks(side: Side) -> Hooks:
    aliases = import_aliases(side.tree)

    def canonical(node: Optional[ast.expr]) -> Optional[ast.expr]:
        return canonical_annotation(node, aliases)

    def argument(node: ast.AST) -> None:
        assert isinstance(node, ast.arg)
        node.annotation = canonical(node.annotation)

    def function(node: ast.AST) -> None:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        node.returns = canonical(node.returns)

    def annotated_assignment(node: ast.AST) -> None:
        assert isinstance(node, ast.AnnAssign)
        if name_of(node.annotation) == "TypeAlias" and node.value is not None:
            node.value = canonical(node.value)
        node.annotation = cast(ast.expr, canonical(node.annotation))

    def type_alias(node: ast.AST) -> None:  # `type X = ...`, Python 3.12+
        setattr(node, "value", canonical(getattr(node, "value")))

    def type_variable(node: ast.AST) -> None:  # a PEP 695 type parameter, Python 3.12+
        setattr(node, "bound", canonical(getattr(node, "bound")))
        if getattr(node, "default_value", None) is not None:
            setattr(node, "default_value", canonical(getattr(node, "default_value")))

    def call(node: ast.AST) -> None:
        assert isinstance(node, ast.Call)
        name = name_of(node.func)
        if name == "cast" and node.args:
            node.args[0] = cast(ast.expr, canonical(node.args[0]))
        elif name == "NewType" and len(node.args) > 1:
            node.args[1] = cast(ast.expr, canonical(node.args[1]))
        elif name == "TypeVar":
            node.args[1:] = [cast(ast.expr, canonical(arg)) for arg in node.args[1:]]
            for keyword in node.keywords:
                if keyword.arg == "bound":
                    keyword.value = cast(ast.expr, canonical(keyword.value))

    hooks: Dict[Type[ast.AST], Hook] = {
        ast.arg: argument,
        ast.FunctionDef: function,
        ast.AsyncFunctionDef: function,
        ast.AnnAssign: annotated_assignment,
        ast.Call: call,
    }
    for name, hook in (("TypeAlias", type_alias), ("TypeVar", type_variable)):
        node_type = getattr(ast, name, None)
        if node_type is not None:
            hooks[node_type] = hook
    return hooks


RULE = EquivalenceRule(
    import_runs_as_sets=True,
    added_imports=frozenset({"typing"}),
    removed_imports=frozenset({"collections.abc", "collections", "contextlib"}),
    hooks=_hooks,
)
