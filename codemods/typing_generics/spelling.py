"""typing-generics: how each typing name is written, and which collections imports go.

From the module's bindings: a typing name is written bare (`List`) when binding it at module level changes the
meaning of nothing else, else through the typing module (`typing.List`, `t.List`), else not at all. A
`from collections.abc import X` whose every reference is rewritten goes, which may free the name for `typing`'s;
an `import collections.abc` whose every reference is rewritten is handed to LibCST's RemoveImportsVisitor.
"""
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Union

import libcst as cst
from libcst.metadata import Assignment, BaseAssignment

from stylefix.codemods.typing_generics.contexts import ImportSite, bound_name, from_module
from stylefix.codemods.typing_generics.precheck import TYPING_ALIASES
from stylefix.codemods.typing_generics.rewriting import Use
from stylefix.codemods.typing_generics.scopes import ScopesView, ScopeView

# An import LibCST's RemoveImportsVisitor is to remove once unused: (statement, module, name or None, as-name).
ModuleImportRemoval = Tuple[Union[cst.Import, cst.ImportFrom], str, Optional[str], Optional[str]]


@dataclass(frozen=True)
class Spelling:
    """How one typing name is written: bare (`List`) or through the name the typing module is bound to."""

    name: str
    module: Optional[str] = None

    def expression(self) -> cst.BaseExpression:
        if self.module is None:
            return cst.Name(self.name)
        return cst.Attribute(value=cst.Name(self.module), attr=cst.Name(self.name))


@dataclass
class ModuleFacts:
    """What the decisions need to know about the module's names, bindings and imports."""

    scopes: Sequence[ScopeView]
    global_scope: ScopeView
    star_import: bool
    # The first module-level `from typing import ...` that may be edited, and its line.
    typing_from: Optional[cst.ImportFrom]
    typing_from_line: Optional[cst.SimpleStatementLine]
    # Typing names bound at module level by `from typing import X`, with their bindings.
    typing_bindings: Dict[str, Set[BaseAssignment]]
    # The name of a module-level `import typing` / `import typing as t`, when it is not shadowed.
    typing_module: Optional[str]

    def is_free(self, name: str, allowed: Iterable[BaseAssignment] = (), module_name: bool = False) -> bool:
        """True when binding `name` at module level changes the meaning of nothing but the allowed bindings.

        A star import may bind any name; only the name of the typing module itself is trusted to survive it
        (a module that star-exports `typing` exports the same module).
        """
        if self.star_import and not module_name:
            return False
        allowed = set(allowed)
        for scope in self.scopes:
            if any(assignment not in allowed for assignment in scope.assignments[name]):
                return False
            if any(not access.referents for access in scope.accesses[name]):
                return False
        return True


def _assignment_for(scope: ScopeView, name: str, node: cst.CSTNode) -> Optional[BaseAssignment]:
    for assignment in scope.assignments[name]:
        if isinstance(assignment, Assignment) and assignment.node is node:
            return assignment
    return None


def module_facts(
    module: cst.Module,
    scopes: ScopesView,
    imports: Sequence[ImportSite],
    star_import: bool,
    skipped: Callable[[cst.CSTNode], bool],
) -> ModuleFacts:
    global_scope = scopes[module]
    assert global_scope is not None
    all_scopes = list({scope for scope in scopes.values() if scope is not None})
    typing_from = None
    typing_from_line = None
    typing_bindings: Dict[str, Set[BaseAssignment]] = {}
    typing_module_imports: List[Tuple[str, BaseAssignment]] = []
    for site in imports:
        if site.block is not module:
            continue
        node = site.node
        if isinstance(node, cst.ImportFrom) and from_module(node) == "typing":
            assert not isinstance(node.names, cst.ImportStar)
            if typing_from is None and not skipped(site.line):
                typing_from, typing_from_line = node, site.line
            for alias in node.names:
                bound = bound_name(alias)
                assignment = _assignment_for(global_scope, bound, node)
                if bound == alias.evaluated_name and assignment is not None:
                    typing_bindings.setdefault(bound, set()).add(assignment)
        elif isinstance(node, cst.Import):
            for alias in node.names:
                if alias.evaluated_name == "typing":
                    assignment = _assignment_for(global_scope, bound_name(alias), node)
                    if assignment is not None:
                        typing_module_imports.append((bound_name(alias), assignment))
    facts = ModuleFacts(all_scopes, global_scope, star_import, typing_from, typing_from_line, typing_bindings, None)
    for name, assignment in typing_module_imports:
        if facts.is_free(name, [assignment], module_name=True):
            facts.typing_module = name
            break
    return facts


@dataclass(frozen=True)
class AliasImport:
    """A `from collections.abc import X` (or collections/contextlib) binding this codemod may remove."""

    assignment: BaseAssignment
    name: str
    site: ImportSite
    # The statement (the site's node, which is always a `from ... import` here).
    node: cst.ImportFrom


@dataclass
class Decision:
    """How each typing name is written (None: it cannot be), and the alias-import bindings that go."""

    spellings: Dict[str, Optional[Spelling]]
    removable: Set[BaseAssignment]


def alias_imports(
    facts: ModuleFacts, imports: Sequence[ImportSite], skipped: Callable[[cst.CSTNode], bool]
) -> List[AliasImport]:
    found = []
    for site in imports:
        node = site.node
        if site.block is None or not isinstance(node, cst.ImportFrom) or skipped(site.line):
            continue
        module_name = from_module(node)
        if module_name is None or isinstance(node.names, cst.ImportStar):
            continue
        for alias in node.names:
            if f"{module_name}.{alias.evaluated_name}" not in TYPING_ALIASES:
                continue
            bound = bound_name(alias)
            assignment = _assignment_for(facts.global_scope, bound, node)
            if assignment is not None:
                found.append(AliasImport(assignment, bound, site, node))
    return found


def _covered(alias: AliasImport, use_nodes: Set[int], residue: Mapping[cst.SimpleString, Set[str]]) -> bool:
    """Every reference to the binding is a reference this codemod would rewrite."""
    for access in alias.assignment.references:
        node = access.node
        if isinstance(node, cst.SimpleString):
            if node not in residue or alias.name in residue[node]:
                return False
        elif id(node) not in use_nodes:
            return False
    return True


def _spell(
    name: str, facts: ModuleFacts, removable: Set[BaseAssignment], aliases: Sequence[AliasImport]
) -> Optional[Spelling]:
    if facts.typing_from is None and facts.typing_module is not None:
        return Spelling(name, facts.typing_module)
    allowed = set(facts.typing_bindings.get(name, ())) | {
        alias.assignment for alias in aliases if alias.name == name and alias.assignment in removable
    }
    if facts.is_free(name, allowed):
        return Spelling(name)
    if facts.typing_module is not None:
        return Spelling(name, facts.typing_module)
    if facts.is_free("typing", module_name=True):
        return Spelling(name, "typing")
    return None


def spelled(use: Use, spelling: Optional[Spelling]) -> bool:
    """Whether a use gets rewritten: qualified spellings only replace subscripted or builtin references."""
    if spelling is None:
        return False
    return spelling.module is None or use.subscripted or use.builtin


def _emptied_blocks(removable: Set[BaseAssignment], aliases: Sequence[AliasImport]) -> Set[BaseAssignment]:
    """Removable bindings whose removal would leave a module-level block (if/try/...) without statements."""
    removed_names: Dict[cst.ImportFrom, Set[str]] = {}
    for alias in aliases:
        if alias.assignment in removable:
            removed_names.setdefault(alias.node, set()).add(alias.name)
    lines_by_block: Dict[cst.CSTNode, Set[cst.SimpleStatementLine]] = {}
    for alias in aliases:
        if alias.assignment in removable and isinstance(alias.site.block, cst.IndentedBlock):
            if _all_removed(alias.site.line, removed_names):
                lines_by_block.setdefault(alias.site.block, set()).add(alias.site.line)
    blocked: Set[BaseAssignment] = set()
    for block, lines in lines_by_block.items():
        assert isinstance(block, cst.IndentedBlock)
        if len(lines) >= len(block.body):
            blocked |= {alias.assignment for alias in aliases if alias.site.block is block}
    return blocked


def _all_removed(line: cst.SimpleStatementLine, removed_names: Mapping[cst.ImportFrom, Set[str]]) -> bool:
    for statement in line.body:
        if not isinstance(statement, cst.ImportFrom) or isinstance(statement.names, cst.ImportStar):
            return False
        if {bound_name(alias) for alias in statement.names} - removed_names.get(statement, set()):
            return False
    return True


def decide(
    facts: ModuleFacts,
    uses: Sequence[Use],
    aliases: Sequence[AliasImport],
    residue: Mapping[cst.SimpleString, Set[str]],
) -> Decision:
    """Spell every needed typing name, and find the alias imports that may go (and free their names)."""
    use_nodes = {id(use.node) for use in uses if use.string is None}
    used = {use.alias for use in uses}
    removable = {
        alias.assignment for alias in aliases if alias.assignment in used and _covered(alias, use_nodes, residue)
    }
    names = sorted({use.typing_name for use in uses})
    while True:
        spellings = {name: _spell(name, facts, removable, aliases) for name in names}
        still = {
            assignment
            for assignment in removable
            if all(spelled(use, spellings[use.typing_name]) for use in uses if use.alias is assignment)
        }
        still -= _emptied_blocks(still, aliases)
        if still == removable:
            return Decision(spellings, removable)
        removable = still


def _value_chain(node: cst.CSTNode) -> List[cst.CSTNode]:
    """`a.b.c`, `a.b` and `a` for `a.b.c`: the nodes an access of `a` or `a.b` may be recorded on."""
    chain = [node]
    while isinstance(node, cst.Attribute):
        node = node.value
        chain.append(node)
    return chain


def module_import_removals(
    facts: ModuleFacts, uses: Sequence[Use], imports: Sequence[ImportSite]
) -> List[ModuleImportRemoval]:
    """`import collections.abc` and the like whose every reference was rewritten: (node, module, obj, asname)."""
    bindings = {use.module_import for use in uses if use.module_import is not None}
    if not bindings:
        return []
    covered = {id(node) for use in uses if use.string is None for node in _value_chain(use.node)}
    strings = {use.string for use in uses if use.string is not None}
    nodes = {binding.node for binding in bindings if isinstance(binding, Assignment)}
    by_node: Dict[cst.CSTNode, List[Assignment]] = {}
    for assignment in facts.global_scope.assignments:
        if isinstance(assignment, Assignment) and assignment.node in nodes:
            by_node.setdefault(assignment.node, []).append(assignment)
    removals: List[ModuleImportRemoval] = []
    for site in imports:
        node = site.node
        if site.block is None or node not in by_node or isinstance(node.names, cst.ImportStar):
            continue
        assignments = by_node[node]
        module_name = from_module(node) if isinstance(node, cst.ImportFrom) else None
        for alias in node.names:
            bound = bound_name(alias)
            own = [a for a in assignments if a.name == bound or bound.startswith(a.name + ".")]
            if not any(a in bindings for a in own):
                continue
            if not all(id(access.node) in covered or access.node in strings for a in own for access in a.references):
                continue
            if isinstance(node, cst.Import):
                removals.append((node, alias.evaluated_name, None, alias.evaluated_alias))
            elif module_name is not None:
                removals.append((node, module_name, alias.evaluated_name, alias.evaluated_alias))
    return removals
