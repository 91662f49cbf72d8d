"""typing-generics' binding analysis (bindings.py) compared with LibCST's ScopeProvider, verdict by verdict:
for the property test and scripts/typing_generics_bindings_check.py.
"""
from typing import List, Set, Tuple, Union

import libcst as cst
from libcst.metadata import ImportAssignment

from stylefix.codemods.typing_generics.bindings import ScopeMap, Unsure
from stylefix.codemods.typing_generics.scopes import ScopesView, ScopeView

# Names whose freedom typing-generics asks about: the typing names it may add, and `typing` itself.
FREEDOM_NAMES: Tuple[str, ...] = ("typing", "List", "Dict", "Set", "FrozenSet", "Tuple", "Type", "Optional", "Union")


def _qualified(scope: ScopeView, node: Union[str, cst.CSTNode]) -> Set[str]:
    return {item.name for item in scope.get_qualified_names_for(node)}


def _imports_of(scope: ScopeView, name: str) -> Set[int]:
    return {id(item.node) for item in scope[name] if isinstance(item, ImportAssignment)}


def disagreements(module: cst.Module, fast: ScopeMap, slow: ScopesView, found: List[str]) -> bool:
    """Append to `found` every verdict where the analysis and ScopeProvider differ; True when the analysis was
    unsure of at least one name (those verdicts are left out)."""
    unsure = False
    bindings = fast.bindings
    names: List[cst.BaseExpression] = []

    class Loads(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> bool:
            return False

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            return False

        def visit_Name(self, node: cst.Name) -> None:
            names.append(node)

        def visit_Attribute(self, node: cst.Attribute) -> bool:
            names.append(node)
            node.value.visit(self)
            return False

    module.visit(Loads())
    for node in names:
        scope = slow.get(node)
        if scope is None:
            continue
        head = node
        while isinstance(head, cst.Attribute):
            head = head.value
        try:
            verdict = _qualified(bindings, node)
            imports = _imports_of(bindings, head.value) if isinstance(head, cst.Name) else set()
        except Unsure:
            unsure = True
            continue
        expected = _qualified(scope, node)
        if verdict != expected:
            found.append(f"{cst.Module([]).code_for_node(node)}: {sorted(verdict)} != {sorted(expected)}")
        if isinstance(head, cst.Name) and imports != _imports_of(scope, head.value):
            found.append(f"{head.value}: import bindings differ")
    scopes = {scope for scope in slow.values() if scope is not None}
    for name in FREEDOM_NAMES:
        try:
            assigned = {id(item.node) for item in bindings.assignments[name]}
            unbound = any(not access.referents for access in bindings.accesses[name])
        except Unsure:
            unsure = True
            continue
        expected_assigned = {
            id(item.node) for scope in scopes for item in scope.assignments[name] if isinstance(item, ImportAssignment)
        }
        expected_unbound = any(not access.referents for scope in scopes for access in scope.accesses[name])
        if (assigned, unbound) != (expected_assigned, expected_unbound):
            found.append(f"{name}: freedom differs")
    module_scope = slow[module]
    assert module_scope is not None  # ScopeProvider always has the module's
    for binding in bindings.assignments:
        try:
            references = {id(access.node) for access in binding.references}
        except Unsure:
            unsure = True
            continue
        expected_references = {
            id(access.node)
            for item in module_scope.assignments[binding.name]
            if isinstance(item, ImportAssignment) and item.node is binding.node
            for access in item.references
        }
        if references != expected_references:
            found.append(f"{binding.name}: references differ")
    return unsure
