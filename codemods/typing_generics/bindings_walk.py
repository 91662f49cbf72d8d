"""The walk of typing-generics' binding analysis (bindings.py): one pass over the tree, a handler per node type
that binds or loads names, and the generic walk over a node's fields for every other type. LibCST's visitor
machinery would cost more than the analysis saves.
"""
from dataclasses import fields
import functools
from typing import Any, Callable, Dict, FrozenSet, Optional, Tuple, Type, Union

import libcst as cst

from stylefix.codemods.typing_generics.bindings import Bindings, ImportBinding, Load, ScopeMap, dotted_names, head_of

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


@functools.lru_cache(maxsize=None)
def _child_fields(node_type: type) -> Tuple[str, ...]:
    return tuple(
        item.name
        for item in fields(node_type)
        if item.name not in FORMATTING_FIELDS and not item.name.startswith("whitespace")
    )


class _Walker:
    """The walk's state: the bindings found so far, the statement order, the function/class depth and the
    outermost attribute being walked."""

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
    walker.bindings.loads.setdefault(node.value, []).append(Load(node, walker.attribute, walker.order))


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
        for dotted, _ in dotted_names(target):
            if walker.depth:
                bindings.other_bound.add(head_of(dotted))
                continue
            bindings.imports.setdefault(dotted, []).append(ImportBinding(dotted, bindings, node, walker.order, target))
            head = head_of(dotted)
            bindings.last_import[head] = max(bindings.last_import.get(head, 0), walker.order)


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
        param = parameter.param
        walker.bindings.other_bound.add(param.name.value)
        if isinstance(param, cst.TypeVar):  # a TypeVarTuple or ParamSpec has no bound
            walker.walk(param.bound)
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


# Node type -> its handler. Any: each handler takes the node type it is filed under, which one value type for the
# whole table cannot say (walk looks the handler up by the node's exact type, so the pairing holds).
HANDLERS: Dict[Type[cst.CSTNode], Callable[[_Walker, Any], None]] = {
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
    """The module's bindings, as the scope map the codemod reads (every node in the one scope)."""
    walker = _Walker()
    for statement in module.body:
        walker.walk(statement)
    return ScopeMap(walker.bindings)
