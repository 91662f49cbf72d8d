"""test-names' rule for the safety net: on the output, every renamed test's new name (its definition, references,
attribute uses and the docstrings that mention it) is put back to the old one, from the renames the codemod
reported as data (`Change.rename`). CPython's `ast`, independently of the transform."""
import ast
import re
from typing import Dict, Type

from stylefix.equivalence import EquivalenceRule, Hook, Hooks, Side


def _hooks(side: Side) -> Hooks:
    renames = {change.rename[1]: change.rename[0] for change in side.changes if change.rename is not None}
    if not side.after or not renames:
        return {}
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(name) for name in sorted(renames, key=len, reverse=True)) + r")(?!\w)"
    )

    def name(node: ast.AST) -> None:
        assert isinstance(node, ast.Name)
        node.id = renames.get(node.id, node.id)

    def attribute(node: ast.AST) -> None:
        assert isinstance(node, ast.Attribute)
        node.attr = renames.get(node.attr, node.attr)

    def docstring(node: ast.AST) -> None:
        assert isinstance(node, ast.Expr)
        value = node.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            value.value = pattern.sub(lambda match: renames[match.group(0)], value.value)

    def definition(node: ast.AST) -> None:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        node.name = renames.get(node.name, node.name)

    hooks: Dict[Type[ast.AST], Hook] = {ast.Name: name, ast.Attribute: attribute, ast.Expr: docstring}
    if not side.detailed:
        # The detailed walk compares a renamed definition through its (old, new) pair instead (safety.py), so that
        # a new name already taken elsewhere in the file is still told apart.
        hooks[ast.FunctionDef] = hooks[ast.AsyncFunctionDef] = definition
    return hooks


RULE = EquivalenceRule(hooks=_hooks)
