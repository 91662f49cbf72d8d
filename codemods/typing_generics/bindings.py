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
codemod's decisions run unchanged on either; a property test compares them.
"""
import builtins
from dataclasses import dataclass, fields
import functools
import re
from typing import Callable, Dict, FrozenSet, Iterable, Iterator, List, Mapping, Optional, Set, Tuple, Union

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import BaseAssignment, BuiltinAssignment, ImportAssignment, QualifiedName

# Fields that hold only formatting (whitespace, brackets, commas, operators): never walked.
FORMATTING_FIELDS: FrozenSet[str] = frozenset(
    {
        "lpar",
        "rpar",
        "leading_lines",
        "lines_after_decorators",
        "header",
        "footer",
        "comma",
        "semicolon",
        "operator",
        "equal",
        "colon",
        "lbracket",
        "rbracket",
        "lbrace",
        "rbrace",
        "dot",
        "asynchronous",
        "newline",
        "trailing_whitespace",
        "star_tok",
    }
)
WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Unsure(Exception):
    """The analysis cannot answer for this name as ScopeProvider would; ask ScopeProvider."""


@functools.lru_cache(maxsize=None)
def _child_fields(node_type: type) -> Tuple[str, ...]:
    return tuple(
        item.name
        for item in fields(node_type)
        if item.name not in FORMATTING_FIELDS and not item.name.startswith("whitespace")
    )


def _head(name: str) -> str:
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
class _Access:
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

    def __init__(self, name: str, bindings: "Bindings", node: cst.CSTNode, order: int, as_name: cst.CSTNode):
        super().__init__(name, bindings, node, order, as_name)  # type: ignore[arg-type]
        self.bindings = bindings

    @property
    def references(self) -> List[FoundAccess]:  # type: ignore[override]
        return self.bindings.references(self.name)


class _Table:
    """`scope.assignments` / `scope.accesses`: indexable by name."""

    def __init__(self, lookup: Callable[[str], List], every: Iterable) -> None:
        self._lookup = lookup
        self._every = every

    def __getitem__(self, name: str) -> List:
        return self._lookup(name)

    def __iter__(self) -> Iterator:
        return iter(self._every)


class Bindings:
    """The module's bindings, answering as every ScopeProvider scope would for names it is sure about."""

    def __init__(self) -> None:
        self.imports: Dict[str, List[ImportBinding]] = {}
        self.other_bound: Set[str] = set()
        self.loads: Dict[str, List[_Access]] = {}
        self.strings: List[Tuple[int, str]] = []
        self._last_import: Dict[str, int] = {}
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
        head = _head(name)
        safe = self._safe.get(head)
        if safe is None:
            safe = head not in self.other_bound
            last = self._last_import.get(head)
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
                self._builtins[name] = BuiltinAssignment(name, self)  # type: ignore[arg-type]
            return {self._builtins[name]}
        return set()

    @property
    def assignments(self) -> _Table:
        every = [binding for bound in self.imports.values() for binding in bound]
        return _Table(self._assignments_of, every)

    def _assignments_of(self, name: str) -> List[BaseAssignment]:
        self.check(name)
        return list(self.imports.get(name, ()))

    @property
    def accesses(self) -> _Table:
        return _Table(self._accesses_of, ())

    def _accesses_of(self, name: str) -> List[FoundAccess]:
        self.check(name)
        found = self._resolve(_head(name)).get(name, [])
        if not found and not self[name] and self._in_strings(_head(name)):
            raise Unsure(name)  # a string annotation may use the name, unbound
        return found

    def references(self, name: str) -> List[FoundAccess]:
        self.check(name)
        if self._in_strings(_head(name)):
            raise Unsure(name)
        return self._resolve(_head(name)).get(name, [])

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



# --- the walk ------------------------------------------------------------------------------------------------


class _Walker:
    def __init__(self) -> None:
        self.bindings = Bindings()
        self.order = 0
        self.depth = 0
        self.attribute: Optional[cst.Attribute] = None

    def walk(self, node: Optional[cst.CSTNode]) -> None:
        if node is None:
            return
        handler = HANDLERS.get(type(node))
        if handler is not None:
            handler(self, node)
            return
        self.children(node)

    def children(self, node: cst.CSTNode) -> None:
        for name in _child_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                self.walk(value)
            elif isinstance(value, (tuple, list)):
                for item in value:
                    if isinstance(item, cst.CSTNode):
                        self.walk(item)

    def bind(self, target: cst.CSTNode) -> None:
        """A target: its names are bound (outside this analysis); attributes and subscripts are loads."""
        if isinstance(target, cst.Name):
            self.bindings.other_bound.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.bind(element.value)
        elif isinstance(target, cst.StarredElement):
            self.bind(target.value)
        else:
            self.walk(target)

    def statement(self, node: cst.CSTNode) -> None:
        self.order += 1
        self.children(node)

    def nested(self, node: cst.CSTNode) -> None:
        self.depth += 1
        self.walk(node)
        self.depth -= 1


def _name(walker: _Walker, node: cst.Name) -> None:
    walker.bindings.loads.setdefault(node.value, []).append(_Access(node, walker.attribute, walker.order))


def _attribute(walker: _Walker, node: cst.Attribute) -> None:
    if walker.attribute is None:
        walker.attribute = node
        walker.walk(node.value)
        walker.attribute = None
    else:
        walker.walk(node.value)


def _call(walker: _Walker, node: cst.Call) -> None:
    outer, walker.attribute = walker.attribute, None
    walker.walk(node.func)
    for arg in node.args:
        walker.walk(arg.value)
    walker.attribute = outer


def _arg(walker: _Walker, node: cst.Arg) -> None:
    walker.walk(node.value)


def _string(walker: _Walker, node: cst.SimpleString) -> None:
    walker.bindings.strings.append((walker.order, node.value))


def _simple_line(walker: _Walker, node: cst.SimpleStatementLine) -> None:
    for small in node.body:
        walker.order += 1
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString):
            continue  # a docstring or bare string: never an annotation
        walker.walk(small)


def _import(walker: _Walker, node: Union[cst.Import, cst.ImportFrom]) -> None:
    names = node.names
    if isinstance(names, cst.ImportStar):
        return
    bindings = walker.bindings
    for alias in names:
        target = alias.asname.name if alias.asname is not None else alias.name
        for dotted, _ in dotted_names(target):  # type: ignore[arg-type]
            if walker.depth:
                bindings.other_bound.add(_head(dotted))
                continue
            bindings.imports.setdefault(dotted, []).append(ImportBinding(dotted, bindings, node, walker.order, target))
            head = _head(dotted)
            bindings._last_import[head] = max(bindings._last_import.get(head, 0), walker.order)


def _names_bound(walker: _Walker, node: Union[cst.Global, cst.Nonlocal]) -> None:
    for item in node.names:
        walker.bindings.other_bound.add(item.name.value)


def _parameters(walker: _Walker, node: cst.Parameters) -> None:
    every = [*node.posonly_params, *node.params, node.star_arg, *node.kwonly_params, node.star_kwarg]
    for param in every:
        if isinstance(param, cst.Param):
            walker.bindings.other_bound.add(param.name.value)
            walker.walk(param.annotation)
            walker.walk(param.default)


def _type_parameters(walker: _Walker, node: Optional[cst.TypeParameters]) -> None:
    if node is None:
        return
    for parameter in node.params:
        walker.bindings.other_bound.add(parameter.param.name.value)
        walker.walk(getattr(parameter.param, "bound", None))
        walker.walk(parameter.default)


def _function(walker: _Walker, node: cst.FunctionDef) -> None:
    walker.order += 1
    walker.bindings.other_bound.add(node.name.value)
    for decorator in node.decorators:
        walker.walk(decorator.decorator)
    _type_parameters(walker, node.type_parameters)
    _parameters(walker, node.params)
    if node.returns is not None:
        walker.walk(node.returns.annotation)
    walker.nested(node.body)


def _lambda(walker: _Walker, node: cst.Lambda) -> None:
    _parameters(walker, node.params)
    walker.nested(node.body)


def _class(walker: _Walker, node: cst.ClassDef) -> None:
    walker.order += 1
    walker.bindings.other_bound.add(node.name.value)
    for decorator in node.decorators:
        walker.walk(decorator.decorator)
    _type_parameters(walker, node.type_parameters)
    for arg in (*node.bases, *node.keywords):
        walker.walk(arg.value)
    walker.nested(node.body)


def _assign(walker: _Walker, node: cst.Assign) -> None:
    for target in node.targets:
        walker.bind(target.target)
    walker.walk(node.value)


def _ann_assign(walker: _Walker, node: cst.AnnAssign) -> None:
    walker.bind(node.target)
    walker.walk(node.annotation.annotation)
    walker.walk(node.value)


def _aug_assign(walker: _Walker, node: cst.AugAssign) -> None:
    walker.bind(node.target)
    walker.walk(node.value)


def _for(walker: _Walker, node: cst.For) -> None:
    walker.order += 1
    walker.bind(node.target)
    walker.walk(node.iter)
    walker.walk(node.body)
    walker.walk(node.orelse)


def _comp_for(walker: _Walker, node: cst.CompFor) -> None:
    walker.bind(node.target)
    walker.walk(node.iter)
    for condition in node.ifs:
        walker.walk(condition.test)
    walker.walk(node.inner_for_in)


def _with_item(walker: _Walker, node: cst.WithItem) -> None:
    walker.walk(node.item)
    if node.asname is not None:
        walker.bind(node.asname.name)


def _handler(walker: _Walker, node: Union[cst.ExceptHandler, cst.ExceptStarHandler]) -> None:
    walker.walk(node.type)
    if node.name is not None:
        walker.bind(node.name.name)
    walker.walk(node.body)


def _named(walker: _Walker, node: cst.NamedExpr) -> None:
    walker.bind(node.target)
    walker.walk(node.value)


def _del(walker: _Walker, node: cst.Del) -> None:
    walker.bind(node.target)


def _match_case(walker: _Walker, node: cst.MatchCase) -> None:
    # Every name in a pattern counts as bound (captures and class patterns alike): rare enough not to refine.
    class Names(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            walker.bindings.other_bound.add(name.value)

    node.pattern.visit(Names())
    walker.walk(node.guard)
    walker.walk(node.body)


def _type_alias(walker: _Walker, node: cst.TypeAlias) -> None:
    walker.bindings.other_bound.add(node.name.value)
    _type_parameters(walker, node.type_parameters)
    walker.walk(node.value)


def _compound(walker: _Walker, node: cst.CSTNode) -> None:
    walker.statement(node)


HANDLERS = {
    cst.Name: _name,
    cst.Attribute: _attribute,
    cst.Call: _call,
    cst.Arg: _arg,
    cst.SimpleString: _string,
    cst.SimpleStatementLine: _simple_line,
    cst.Import: _import,
    cst.ImportFrom: _import,
    cst.Global: _names_bound,
    cst.Nonlocal: _names_bound,
    cst.FunctionDef: _function,
    cst.Lambda: _lambda,
    cst.ClassDef: _class,
    cst.Assign: _assign,
    cst.AnnAssign: _ann_assign,
    cst.AugAssign: _aug_assign,
    cst.For: _for,
    cst.CompFor: _comp_for,
    cst.WithItem: _with_item,
    cst.ExceptHandler: _handler,
    cst.ExceptStarHandler: _handler,
    cst.NamedExpr: _named,
    cst.Del: _del,
    cst.MatchCase: _match_case,
    cst.TypeAlias: _type_alias,
    cst.If: _compound,
    cst.While: _compound,
    cst.Try: _compound,
    cst.TryStar: _compound,
    cst.With: _compound,
    cst.Match: _compound,
}


def analyse(module: cst.Module) -> ScopeMap:
    walker = _Walker()
    for statement in module.body:
        walker.walk(statement)
    return ScopeMap(walker.bindings)


# --- comparing with ScopeProvider (the property test and scripts/typing_generics_bindings_check.py) ----------

# Names whose freedom typing-generics asks about: the typing names it may add, and `typing` itself.
FREEDOM_NAMES: Tuple[str, ...] = ("typing", "List", "Dict", "Set", "FrozenSet", "Tuple", "Type", "Optional", "Union")


def _qualified(scope: object, node: Union[str, cst.CSTNode]) -> Set[str]:
    return {item.name for item in scope.get_qualified_names_for(node)}  # type: ignore[attr-defined]


def _imports_of(scope: object, name: str) -> Set[int]:
    return {id(item.node) for item in scope[name] if isinstance(item, ImportAssignment)}  # type: ignore[index]


def disagreements(module: cst.Module, fast: ScopeMap, slow: Mapping, found: List[str]) -> bool:
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
