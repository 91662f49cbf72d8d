"""What names refer to, for typing-generics: a binding analysis built for its few questions, instead of
LibCST's ScopeProvider (which costs about four parses on typed code).

typing-generics asks about a handful of names: the ones it may rewrite (`list`, `Callable`, ...), the heads of
dotted names in typing contexts (`collections`, `t`), `cast`/`TypeVar`/..., and the typing names it may add.
One walk over the tree records, per name, its module-level import bindings, its accesses and whether anything
else binds it (an assignment, a parameter, a def or class, a loop or `with` target, `global`/`nonlocal`, `del`,
a comprehension variable, a match capture, an import inside a function or class). For a name bound only by
module-level imports and used only after the last of them, every scope sees the same thing, so the answers are
those of ScopeProvider; for any other name the analysis does not guess but raises `Unsure`, and the codemod asks
ScopeProvider instead. The answers come in ScopeProvider's shapes (scopes, assignments, accesses) so that the
codemod's decisions run unchanged on either (scopes.py); a property test compares them (bindings_check.py).

This module holds the records and the answers; bindings_walk.py fills them in one walk over the tree.
"""
import builtins
from dataclasses import dataclass
import re
from typing import Callable, Dict, Generic, Iterable, Iterator, List, Optional, Set, Tuple, TypeVar, Union

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import BaseAssignment, BuiltinAssignment, ImportAssignment, QualifiedName

T = TypeVar("T")


class Unsure(Exception):
    """The analysis cannot answer for this name as ScopeProvider would; ask ScopeProvider."""


def head_of(name: str) -> str:
    """`a` for `a.b.c`."""
    return name.split(".", 1)[0]


def dotted_names(node: cst.BaseExpression) -> List[Tuple[str, cst.BaseExpression]]:
    """`a.b.c` -> [("a.b.c", node), ("a.b", node.value), ("a", a)]; through calls as `f().x` -> f's names;
    nothing when the chain holds anything else (a subscript)."""
    if isinstance(node, cst.Name):
        return [(node.value, node)]
    if not isinstance(node, cst.Attribute):
        return []
    value = node.value
    if isinstance(value, cst.Call):
        return dotted_names(value.func) if isinstance(value.func, (cst.Name, cst.Attribute)) else []
    inner = dotted_names(value) if isinstance(value, (cst.Name, cst.Attribute)) else []
    if not inner:
        return []
    return [(f"{inner[0][0]}.{node.attr.value}", node)] + inner


@dataclass
class Load:
    """One load of a name: the Name, the outermost attribute it heads (if any), and the statement's order."""

    name: cst.Name
    attribute: Optional[cst.Attribute]
    order: int


class FoundAccess:
    """An access as ScopeProvider reports it: the node (a Name, or the longest bound dotted attribute) and what
    it may refer to."""

    def __init__(self, node: cst.CSTNode, name: str, referents: Set[BaseAssignment]) -> None:
        self.node = node
        self.name = name
        self.referents = referents


class ImportBinding(ImportAssignment):
    """A module-level import binding, with its references found on demand."""

    def __init__(
        self, name: str, bindings: "Bindings", node: cst.CSTNode, order: int, as_name: cst.CSTNode
    ) -> None:
        # LibCST's assignments take their Scope, which the analysis stands in for without being one (nothing reads
        # it back: ImportAssignment's qualified names come from the import statement alone).
        super().__init__(name, bindings, node, order, as_name)  # type: ignore[arg-type]
        self.bindings = bindings

    @property
    def references(self) -> List[FoundAccess]:  # type: ignore[override]  # ScopeProvider's shape, not its class
        return self.bindings.references(self.name)


class _Table(Generic[T]):
    """`scope.assignments` / `scope.accesses`: indexable by name."""

    def __init__(self, lookup: Callable[[str], List[T]], every: Iterable[T]) -> None:
        self._lookup = lookup
        self._every = every

    def __getitem__(self, name: str) -> List[T]:
        return self._lookup(name)

    def __iter__(self) -> Iterator[T]:
        return iter(self._every)


class Bindings:
    """The module's bindings, answering as every ScopeProvider scope would for names it is sure about."""

    def __init__(self) -> None:
        self.imports: Dict[str, List[ImportBinding]] = {}
        self.other_bound: Set[str] = set()
        self.loads: Dict[str, List[Load]] = {}
        self.strings: List[Tuple[int, str]] = []
        # Name head -> the order of the last module-level import binding it.
        self.last_import: Dict[str, int] = {}
        self._resolved: Dict[str, Dict[str, List[FoundAccess]]] = {}
        self._by_node: Dict[int, FoundAccess] = {}
        self._builtins: Dict[str, BuiltinAssignment] = {}
        self._safe: Dict[str, bool] = {}

    # --- the checks ---------------------------------------------------------------------------------------

    def _in_strings(self, name: str, before: Optional[int] = None) -> bool:
        pattern = re.compile(rf"\b{re.escape(name)}\b")
        return any(pattern.search(text) for order, text in self.strings if before is None or order <= before)

    def check(self, name: str) -> None:
        """Raise Unsure unless every scope sees the same bindings of `name`'s head as the module does."""
        head = head_of(name)
        safe = self._safe.get(head)
        if safe is None:
            safe = head not in self.other_bound
            last = self.last_import.get(head)
            if safe and last is not None:
                loads = self.loads.get(head, ())
                safe = all(access.order > last for access in loads) and not self._in_strings(head, last)
            self._safe[head] = safe
        if not safe:
            raise Unsure(head)

    # --- ScopeProvider's scope, for names that pass the checks ---------------------------------------------

    def __contains__(self, name: str) -> bool:
        self.check(name)
        return bool(self.imports.get(name)) or hasattr(builtins, name)

    def __getitem__(self, name: str) -> Set[BaseAssignment]:
        self.check(name)
        bound = self.imports.get(name)
        if bound:
            return set(bound)
        if hasattr(builtins, name):
            if name not in self._builtins:
                # As for ImportBinding: a Scope LibCST's BuiltinAssignment stores and never reads.
                self._builtins[name] = BuiltinAssignment(name, self)  # type: ignore[arg-type]
            return {self._builtins[name]}
        return set()

    @property
    def assignments(self) -> _Table[ImportBinding]:
        every = [binding for bound in self.imports.values() for binding in bound]
        return _Table(self._assignments_of, every)

    def _assignments_of(self, name: str) -> List[ImportBinding]:
        self.check(name)
        return list(self.imports.get(name, ()))

    @property
    def accesses(self) -> _Table[FoundAccess]:
        return _Table(self._accesses_of, ())

    def _accesses_of(self, name: str) -> List[FoundAccess]:
        self.check(name)
        found = self._resolve(head_of(name)).get(name, [])
        if not found and not self[name] and self._in_strings(head_of(name)):
            raise Unsure(name)  # a string annotation may use the name, unbound
        return found

    def references(self, name: str) -> List[FoundAccess]:
        self.check(name)
        if self._in_strings(head_of(name)):
            raise Unsure(name)
        return self._resolve(head_of(name)).get(name, [])

    def _resolve(self, head: str) -> Dict[str, List[FoundAccess]]:
        """Every load of `head`, under the name ScopeProvider files it: the longest bound dotted prefix."""
        resolved = self._resolved.get(head)
        if resolved is not None:
            return resolved
        resolved = {}
        for access in self.loads.get(head, ()):
            node: cst.CSTNode = access.name
            name = head
            if access.attribute is not None:
                for dotted, dotted_node in dotted_names(access.attribute):
                    if dotted in self:
                        node, name = dotted_node, dotted
                        break
            found = FoundAccess(node, name, self[name])
            resolved.setdefault(name, []).append(found)
            self._by_node[id(node)] = found
        self._resolved[head] = resolved
        return resolved

    def get_qualified_names_for(self, node: Union[str, cst.CSTNode]) -> Set[QualifiedName]:
        if isinstance(node, cst.CSTNode):
            head_node = node
            while isinstance(head_node, cst.Attribute):
                head_node = head_node.value
            if isinstance(head_node, cst.Name):
                self.check(head_node.value)
                self._resolve(head_node.value)
                found = self._by_node.get(id(node))
                if found is not None and found.node is node:
                    return {
                        qualified
                        for referent in found.referents
                        for qualified in referent.get_qualified_names_for(referent.name)
                    }
        full_name = node if isinstance(node, str) else get_full_name_for_node(node)
        if full_name is None:
            return set()
        assignments: Set[BaseAssignment] = set()
        prefix: Optional[str] = full_name
        while prefix:
            if prefix in self:
                assignments = self[prefix]
                break
            index = prefix.rfind(".")
            prefix = None if index == -1 else prefix[:index]
        results: Set[QualifiedName] = set()
        for assignment in assignments:
            results |= assignment.get_qualified_names_for(full_name)
        return results


class ScopeMap:
    """ScopeProvider's node -> scope mapping: every node has the same scope, the analysis itself."""

    def __init__(self, bindings: "Bindings") -> None:
        self.bindings = bindings

    def get(self, node: cst.CSTNode) -> "Bindings":
        return self.bindings

    def __getitem__(self, node: cst.CSTNode) -> "Bindings":
        return self.bindings

    def values(self) -> List["Bindings"]:
        return [self.bindings]
