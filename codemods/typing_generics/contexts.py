"""typing-generics: which expressions are typing contexts, and the imports the later steps read.

Typing contexts: annotations, explicit aliases (`X: TypeAlias = ...`, `type X = ...`), TypeVar bounds and
constraints (PEP 695 type parameters too), `cast`'s first and `NewType`'s second argument. A statement-level pass
finds them without entering expressions; the module is visited in full (for `cast(...)` and the like) only when
it imports one of those callables. Whether a call or alias really is one is settled later, once names resolve.
"""
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst

from stylefix.cst_walk import clauses, dotted_name

TYPING_MODULES: Tuple[str, ...] = ("typing", "typing_extensions")
# Callables whose arguments are typing contexts, by qualified name.
CAST_NAMES: FrozenSet[str] = frozenset(f"{module}.cast" for module in TYPING_MODULES)
NEWTYPE_NAMES: FrozenSet[str] = frozenset(f"{module}.NewType" for module in TYPING_MODULES)
TYPEVAR_NAMES: FrozenSet[str] = frozenset(f"{module}.TypeVar" for module in TYPING_MODULES)
TYPEALIAS_NAMES: FrozenSet[str] = frozenset(f"{module}.TypeAlias" for module in TYPING_MODULES)
CALL_SHORT_NAMES: FrozenSet[str] = frozenset({"cast", "NewType", "TypeVar"})
# (node, qualified names): a context that counts only when `node` resolves to one of these names.
Condition = Tuple[cst.BaseExpression, FrozenSet[str]]


def last_name(node: cst.CSTNode) -> Optional[str]:
    """`c` for `c` and for `a.b.c`; None for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def bound_name(alias: cst.ImportAlias) -> str:
    """The name an imported name is bound to: its `as` name, else the name itself (`a.b` for `import a.b`)."""
    return alias.evaluated_alias or alias.evaluated_name


def from_module(node: cst.ImportFrom) -> Optional[str]:
    """The module a `from ... import` imports from; None for a relative import."""
    if node.relative or node.module is None:
        return None
    return dotted_name(node.module)


@dataclass(frozen=True)
class Root:
    """One typing-context expression, the statement it belongs to, and what must hold for it to be one."""

    expression: cst.BaseExpression
    statement: cst.CSTNode
    condition: Optional[Condition] = None


@dataclass(frozen=True)
class ImportSite:
    """One `import` or `from ... import` statement and the line holding it."""

    node: Union[cst.Import, cst.ImportFrom]
    line: cst.SimpleStatementLine
    # The body holding the line when it is at module scope (the module or a module-level block), else None.
    block: Optional[cst.CSTNode]


class Collector(cst.CSTVisitor):
    """Finds typing contexts and import statements; descends into expressions only when calls may matter."""

    def __init__(self, scan_calls: bool) -> None:
        super().__init__()
        self.scan_calls = scan_calls
        self.roots: List[Root] = []
        self.imports: List[ImportSite] = []
        self.star_import = False
        self.paths: Dict[cst.CSTNode, Tuple[cst.CSTNode, ...]] = {}
        self._statements: List[cst.CSTNode] = []
        self._blocks: List[cst.CSTNode] = []
        self._scope_depth = 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self._statements.append(node)
        elif not self.scan_calls and isinstance(node, cst.BaseExpression):
            return False
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        super().on_leave(original_node)
        if isinstance(original_node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self._statements.pop()

    def _add(self, expression: Optional[cst.BaseExpression], condition: Optional[Condition] = None) -> None:
        if expression is None:
            return
        statement = self._statements[-1]
        self.roots.append(Root(expression, statement, condition))
        self.paths.setdefault(statement, tuple(self._statements))

    def visit_Module(self, node: cst.Module) -> None:
        self._blocks.append(node)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._blocks.append(node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self._blocks.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scope_depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._scope_depth -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._scope_depth += 1

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._scope_depth -= 1

    def visit_Annotation(self, node: cst.Annotation) -> bool:
        self._add(node.annotation)
        return False

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        self._add(node.annotation.annotation)
        if node.value is not None:
            if last_name(node.annotation.annotation) == "TypeAlias":
                self._add(node.value, (node.annotation.annotation, TYPEALIAS_NAMES))
            elif self.scan_calls:
                node.value.visit(self)
        return False

    def visit_TypeAlias(self, node: cst.TypeAlias) -> bool:
        self._add(node.value)
        if node.type_parameters is not None:
            node.type_parameters.visit(self)
        return False

    def visit_TypeParam(self, node: cst.TypeParam) -> bool:
        if isinstance(node.param, cst.TypeVar):
            bound = node.param.bound
            if isinstance(bound, cst.Tuple):
                for element in bound.elements:
                    self._add(element.value)
            else:
                self._add(bound)
            self._add(node.default)
        return False

    def visit_Call(self, node: cst.Call) -> bool:
        name = last_name(node.func)
        if name not in CALL_SHORT_NAMES:
            return True
        typing_args: Set[int] = set()
        for index, arg in enumerate(node.args):
            if arg.star:
                break
            if name == "cast" and index == 0 and arg.keyword is None:
                typing_args.add(index)
            elif name == "NewType" and index == 1 and arg.keyword is None:
                typing_args.add(index)
            elif name == "TypeVar" and ((index > 0 and arg.keyword is None) or _keyword(arg) == "bound"):
                typing_args.add(index)
        qualified = {"cast": CAST_NAMES, "NewType": NEWTYPE_NAMES, "TypeVar": TYPEVAR_NAMES}[name]
        node.func.visit(self)
        for index, arg in enumerate(node.args):
            if index in typing_args:
                self._add(arg.value, (node.func, qualified))
            else:
                arg.value.visit(self)
        return False

    def _import(self, node: Union[cst.Import, cst.ImportFrom]) -> bool:
        if isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar):
            if self._scope_depth == 0:
                self.star_import = True
            return False
        line = self._statements[-1]
        if isinstance(line, cst.SimpleStatementLine):
            block = self._blocks[-1] if self._scope_depth == 0 else None
            self.imports.append(ImportSite(node, line, block))
            self.paths.setdefault(line, tuple(self._statements))
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        return self._import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return self._import(node)


def _keyword(arg: cst.Arg) -> Optional[str]:
    return arg.keyword.value if arg.keyword is not None else None


def _imports_typing(imports: Sequence[ImportSite]) -> bool:
    """Whether any import could bind `cast`, `NewType` or `TypeVar` (calls are only scanned for then)."""
    for site in imports:
        node = site.node
        if isinstance(node, cst.Import):
            if any(alias.evaluated_name in TYPING_MODULES for alias in node.names):
                return True
        elif from_module(node) in TYPING_MODULES:
            if isinstance(node.names, cst.ImportStar):
                return True
            if any(alias.evaluated_name in CALL_SHORT_NAMES for alias in node.names):
                return True
    return False


def _walk_small(collector: Collector, statements: Sequence[cst.BaseSmallStatement]) -> None:
    for small in statements:
        if isinstance(small, cst.AnnAssign):
            collector.visit_AnnAssign(small)
        elif isinstance(small, cst.TypeAlias):
            collector.visit_TypeAlias(small)
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            collector._import(small)


def _walk_statements(collector: Collector, body: Sequence[cst.BaseStatement]) -> None:
    """What the Collector sees without entering expressions, without LibCST's visitor machinery (which costs
    about a parse): statements, their annotations, type parameters and imports."""
    for statement in body:
        collector._statements.append(statement)
        if isinstance(statement, cst.SimpleStatementLine):
            _walk_small(collector, statement.body)
        else:
            assert isinstance(statement, cst.BaseCompoundStatement)
            _walk_compound(collector, statement)
        collector._statements.pop()


def _walk_compound(collector: Collector, statement: cst.BaseCompoundStatement) -> None:
    """The header, then the body of every clause in source order. An `elif` is a statement of its own, holding
    the clauses after it (the tree nests them): it stays on the statement path from its body to the last clause,
    as the visitor would have it, so that the Applier finds its way into them."""
    _walk_header(collector, statement)
    scoped = isinstance(statement, (cst.FunctionDef, cst.ClassDef))
    collector._scope_depth += scoped
    depth = len(collector._statements)
    for clause in clauses(statement):
        if isinstance(clause, cst.If) and clause is not statement:
            collector._statements.append(clause)
        body = getattr(clause, "body", None)
        if isinstance(body, cst.IndentedBlock):
            collector._blocks.append(body)
            _walk_statements(collector, body.body)
            collector._blocks.pop()
        elif isinstance(body, cst.SimpleStatementSuite):
            _walk_small(collector, body.body)
    del collector._statements[depth:]
    collector._scope_depth -= scoped


def _walk_header(collector: Collector, statement: cst.BaseCompoundStatement) -> None:
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) and statement.type_parameters is not None:
        for parameter in statement.type_parameters.params:
            collector.visit_TypeParam(parameter)
    if isinstance(statement, cst.FunctionDef):
        params = statement.params
        every = [*params.posonly_params, *params.params, params.star_arg, *params.kwonly_params, params.star_kwarg]
        for param in every:
            if isinstance(param, cst.Param) and param.annotation is not None:
                collector.visit_Annotation(param.annotation)
        if statement.returns is not None:
            collector.visit_Annotation(statement.returns)


def collect(tree: cst.Module) -> Collector:
    """Typing contexts and imports; expressions are searched for `cast(...)`/`TypeVar(...)`/`NewType(...)` only
    when the module imports one of them (or the typing module, or has a star import)."""
    collector = Collector(scan_calls=False)
    collector._blocks.append(tree)
    _walk_statements(collector, tree.body)
    if _imports_typing(collector.imports) or collector.star_import:
        collector = Collector(scan_calls=True)
        tree.visit(collector)
    return collector
