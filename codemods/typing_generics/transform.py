"""Codemod `typing-generics`: PEP 585 builtin generics and PEP 604 unions back to `typing` generics.

Only typing contexts change (annotations, explicit type aliases, TypeVar bounds and constraints, `cast`'s first
and `NewType`'s second argument, string annotations); runtime expressions never do. What a name refers to comes
from LibCST's scope analysis, which is only computed for files that contain something this codemod could rewrite.
"""

from dataclasses import dataclass, field
import functools
import logging
import re
import sys
from typing import Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Union

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import Assignment, BaseAssignment, Scope, ScopeProvider

from stylefix.codemod import FileContext, StylefixCodemod
from stylefix.codemods.typing_generics import precheck as typing_generics_precheck
from stylefix.codemods.typing_generics.bindings import Unsure, analyse
from stylefix.codemods.typing_generics.precheck import (
    ALIASED_SHORT_NAMES,
    ARITIES,
    BUILTIN_NAMES,
    NON_BUILTIN_SHORT_NAMES,
    TYPING_ALIASES,
    mapping_table,
    source_may_change,
)
from stylefix.contract import Example

logger = logging.getLogger(__name__)

TYPING_MODULES: Tuple[str, ...] = ("typing", "typing_extensions")
STDLIB_MODULES: FrozenSet[str] = frozenset(sys.stdlib_module_names) | {"__future__"}
# Longest message text for one rewritten expression before it is shortened.
MAX_MESSAGE_PART = 80
ALIAS_IMPORT_PREFIXES: Tuple[str, ...] = ("collections", "_collections_abc", "contextlib")
TEXT_ALIAS_RE = re.compile(r"\b(?:%s)\b" % "|".join(sorted(ALIASED_SHORT_NAMES)))
# Callables whose arguments are typing contexts, by qualified name.
CAST_NAMES: FrozenSet[str] = frozenset(f"{module}.cast" for module in TYPING_MODULES)
NEWTYPE_NAMES: FrozenSet[str] = frozenset(f"{module}.NewType" for module in TYPING_MODULES)
TYPEVAR_NAMES: FrozenSet[str] = frozenset(f"{module}.TypeVar" for module in TYPING_MODULES)
TYPEALIAS_NAMES: FrozenSet[str] = frozenset(f"{module}.TypeAlias" for module in TYPING_MODULES)
LITERAL_NAMES: FrozenSet[str] = frozenset(f"{module}.Literal" for module in TYPING_MODULES)
ANNOTATED_NAMES: FrozenSet[str] = frozenset(f"{module}.Annotated" for module in TYPING_MODULES)
CALL_SHORT_NAMES: FrozenSet[str] = frozenset({"cast", "NewType", "TypeVar"})
# Subscripts whose arguments are not all types.
SPECIAL_FORM_SHORT_NAMES: FrozenSet[str] = frozenset({"Literal", "Annotated"})

def _last_name(node: cst.CSTNode) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def _text_may_change(text: str, bare: bool, unions: bool) -> bool:
    return source_may_change(text.encode("utf-8", "replace"), bare, unions) or TEXT_ALIAS_RE.search(text) is not None


@dataclass(frozen=True)
class Candidates:
    """The names that may stand for aliased classes in one module: a syntactic filter before scope analysis."""

    # Plain names and the last part of dotted names that may be subscripted aliased classes, and bare ones.
    names: FrozenSet[str]
    attributes: FrozenSet[str]
    bare_names: FrozenSet[str]
    bare_attributes: FrozenSet[str]
    unions: bool
    bare_builtins: bool

    def matches(self, node: cst.BaseExpression, subscripted: bool) -> bool:
        if isinstance(node, cst.Name):
            return node.value in (self.names if subscripted else self.bare_names)
        if isinstance(node, cst.Attribute):
            return node.attr.value in (self.attributes if subscripted else self.bare_attributes)
        return False


def candidates_for(imports: Sequence["ImportSite"], star_import: bool, bare: bool, unions: bool) -> Candidates:
    """Names from collections/contextlib count only as the module imports them: by name (under any alias), or
    through the module (then only as the last part of a dotted name); a star import may bring any of them."""
    by_name: Set[str] = set()
    modules = False
    for site in imports:
        node = site.node
        if isinstance(node, cst.ImportFrom):
            module_name = _from_module(node) or ""
            if not module_name.startswith(ALIAS_IMPORT_PREFIXES + ("builtins",)):
                continue
            assert not isinstance(node.names, cst.ImportStar)
            by_name.update(_bound_name(alias) for alias in node.names)
            modules = modules or any(alias.evaluated_name == "abc" for alias in node.names)
        elif any(alias.evaluated_name.startswith(ALIAS_IMPORT_PREFIXES) for alias in node.names):
            modules = True
    names = BUILTIN_NAMES | by_name | (NON_BUILTIN_SHORT_NAMES if star_import else frozenset())
    attributes = BUILTIN_NAMES | (NON_BUILTIN_SHORT_NAMES if modules else frozenset())
    if bare:
        return Candidates(names, attributes, names, attributes, unions, bare)
    return Candidates(names, attributes, names - BUILTIN_NAMES, attributes - BUILTIN_NAMES, unions, bare)


def expression_may_change(node: cst.BaseExpression, candidates: Candidates) -> bool:
    """A syntactic look at one typing context: could anything in it be rewritten (before resolving names)?"""
    if isinstance(node, (cst.Name, cst.Attribute)):
        return candidates.matches(node, False)
    if isinstance(node, cst.Subscript):
        if candidates.matches(node.value, True):
            return True
        return any(
            isinstance(element.slice, cst.Index) and expression_may_change(element.slice.value, candidates)
            for element in node.slice
        )
    if isinstance(node, cst.BinaryOperation):
        if candidates.unions and isinstance(node.operator, cst.BitOr):
            return True
        return expression_may_change(node.left, candidates) or expression_may_change(node.right, candidates)
    if isinstance(node, cst.List):
        return any(expression_may_change(element.value, candidates) for element in node.elements)
    if isinstance(node, cst.SimpleString):
        return _text_may_change(node.value, candidates.bare_builtins, candidates.unions)
    return False


# --- finding typing contexts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Root:
    """One typing-context expression, the statement it belongs to, and what must hold for it to be one."""

    expression: cst.BaseExpression
    statement: cst.CSTNode
    # (node, qualified names): the context counts only when `node` resolves to one of these names.
    condition: Optional[Tuple[cst.BaseExpression, FrozenSet[str]]] = None


@dataclass(frozen=True)
class ImportSite:
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

    def _add(self, expression: Optional[cst.BaseExpression], condition: Optional[Tuple] = None) -> None:
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
            if _last_name(node.annotation.annotation) == "TypeAlias":
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
        name = _last_name(node.func)
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


# --- rewriting one expression ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Use:
    """One reference to an aliased class inside a typing context."""

    typing_name: str
    subscripted: bool
    node: cst.CSTNode
    builtin: bool = False
    # The `from ... import X` binding the reference goes through, when it is a plain name.
    alias: Optional[BaseAssignment] = None
    # The `import collections...` binding, when the reference is qualified through a module.
    module_import: Optional[BaseAssignment] = None
    string: Optional[cst.SimpleString] = None


Spell = Callable[[Use], Optional[cst.BaseExpression]]


@dataclass
class Rewriter:
    """Rewrites typing-context expressions; `spell` decides how each typing name is written (None: leave it)."""

    scopes: Mapping[cst.CSTNode, Optional[Scope]]
    candidates: Candidates
    spell: Spell
    uses: List[Use] = field(default_factory=list)
    # Names each rewritten string still refers to after the rewrite (the ones it did not rewrite).
    string_residue: Dict[cst.SimpleString, Set[str]] = field(default_factory=dict)
    problems: List[Tuple[cst.CSTNode, str]] = field(default_factory=list)
    _parsed: Dict[cst.SimpleString, Optional[Tuple[str, cst.BaseExpression, str]]] = field(default_factory=dict)

    def qualified(self, node: cst.BaseExpression, string_scope: Optional[Scope]) -> Optional[str]:
        if string_scope is not None:
            dotted = get_full_name_for_node(node)
            if dotted is None:
                return None
            names = string_scope.get_qualified_names_for(dotted)
        else:
            scope = self.scopes.get(node)
            if scope is None:
                return None
            names = scope.get_qualified_names_for(node)
        if len(names) != 1:
            return None
        return next(iter(names)).name

    def _binding(self, node: cst.BaseExpression, string_scope: Optional[Scope]) -> Optional[BaseAssignment]:
        head = node
        while isinstance(head, cst.Attribute):
            head = head.value
        if not isinstance(head, cst.Name):
            return None
        scope = string_scope if string_scope is not None else self.scopes.get(head)
        if scope is None:
            return None
        assignments = [item for item in scope[head.value] if isinstance(item, Assignment)]
        if len(assignments) != 1 or not isinstance(assignments[0].node, (cst.Import, cst.ImportFrom)):
            return None
        return assignments[0]

    def _reference(
        self, node: cst.BaseExpression, subscripted: bool, string: Optional[cst.SimpleString], scope: Optional[Scope]
    ) -> Optional[cst.BaseExpression]:
        """The typing spelling for a Name/Attribute naming an aliased class, or None to keep it."""
        if not self.candidates.matches(node, subscripted):
            return None
        qualified = self.qualified(node, scope)
        typing_name = TYPING_ALIASES.get(qualified or "")
        if typing_name is None:
            return None
        builtin = qualified.startswith("builtins.")
        if builtin and not subscripted and not self.candidates.bare_builtins:
            return None
        binding = None if builtin else self._binding(node, scope)
        alias = binding if isinstance(node, cst.Name) else None
        module_import = binding if isinstance(node, cst.Attribute) else None
        use = Use(typing_name, subscripted, node, builtin, alias, module_import, string)
        self.uses.append(use)
        spelled = self.spell(use)
        if spelled is None:
            return None
        return spelled.with_changes(lpar=node.lpar, rpar=node.rpar)

    def rewrite(
        self,
        node: cst.BaseExpression,
        string: Optional[cst.SimpleString] = None,
        scope: Optional[Scope] = None,
    ) -> cst.BaseExpression:
        """The expression with every aliased class and union rewritten; the same object when nothing changed."""
        if isinstance(node, (cst.Name, cst.Attribute)):
            return self._reference(node, False, string, scope) or node
        if isinstance(node, cst.Subscript):
            return self._subscript(node, string, scope)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            if self.candidates.unions:
                replaced = self._union(node, string, scope)
                if replaced is not None:
                    return replaced
            left, right = self.rewrite(node.left, string, scope), self.rewrite(node.right, string, scope)
            if left is node.left and right is node.right:
                return node
            return node.with_changes(left=left, right=right)
        if isinstance(node, cst.List):
            elements = [
                element.with_changes(value=self.rewrite(element.value, string, scope)) for element in node.elements
            ]
            if all(new.value is old.value for new, old in zip(elements, node.elements)):
                return node
            return node.with_changes(elements=elements)
        if isinstance(node, cst.SimpleString):
            return self._string(node, scope)
        return node

    def _subscript(
        self, node: cst.Subscript, string: Optional[cst.SimpleString], scope: Optional[Scope]
    ) -> cst.BaseExpression:
        if any(not isinstance(element.slice, cst.Index) for element in node.slice):
            return node
        qualified = None
        if self.candidates.matches(node.value, True) or _last_name(node.value) in SPECIAL_FORM_SHORT_NAMES:
            qualified = self.qualified(node.value, scope)
        if qualified in LITERAL_NAMES:
            return node
        value = node.value
        if isinstance(node.value, (cst.Name, cst.Attribute)):
            typing_name = TYPING_ALIASES.get(qualified or "")
            arities = ARITIES.get(typing_name or "", frozenset())
            if typing_name is not None and arities and len(node.slice) not in arities:
                counts = " or ".join(str(count) for count in sorted(arities))
                self.problems.append(
                    (node, f"{_short(node)} left as it is: typing.{typing_name} takes {counts} arguments")
                )
            else:
                value = self._reference(node.value, True, string, scope) or node.value
        elements = []
        for position, element in enumerate(node.slice):
            index = element.slice
            assert isinstance(index, cst.Index)
            if qualified in ANNOTATED_NAMES and position > 0:
                elements.append(element)
                continue
            new_value = self.rewrite(index.value, string, scope)
            elements.append(
                element if new_value is index.value else element.with_changes(slice=index.with_changes(value=new_value))
            )
        if value is node.value and all(new is old for new, old in zip(elements, node.slice)):
            return node
        return node.with_changes(value=value, slice=elements)

    def _union(
        self, node: cst.BinaryOperation, string: Optional[cst.SimpleString], scope: Optional[Scope]
    ) -> Optional[cst.BaseExpression]:
        """`X | None` -> Optional[X], `X | Y` -> Union[X, Y], `X | Y | None` -> Optional[Union[X, Y]]; None to keep."""
        operands, operators = _flatten_union(node)
        if not all(_is_type_operand(operand) for operand in operands):
            return None
        keep = [index for index, operand in enumerate(operands) if not _is_none(operand)]
        has_none = len(keep) < len(operands)
        if not keep or any(_is_none(operand) and (operand.lpar or operand.rpar) for operand in operands):
            return None
        separators = []
        for first, second in zip(keep, keep[1:]):
            separator = _comma_between(operators[first:second])
            if separator is None:
                self.problems.append((node, "a union with comments on both sides of `|` was left as it is"))
                return None
            separators.append(separator)
        members = [self.rewrite(operands[index], string, scope) for index in keep]
        spell_union = self._special("Union", node, string) if len(members) > 1 else None
        spell_optional = self._special("Optional", node, string) if has_none else None
        if (len(members) > 1 and spell_union is None) or (has_none and spell_optional is None):
            return None
        inner_lpar, inner_rpar = (node.lpar[-1], node.rpar[0]) if node.lpar else (None, None)
        outer_lpar, outer_rpar = (node.lpar[:-1], node.rpar[1:]) if node.lpar else ((), ())
        if len(members) > 1:
            elements = [
                cst.SubscriptElement(
                    cst.Index(member), comma=separators[index] if index < len(separators) else cst.MaybeSentinel.DEFAULT
                )
                for index, member in enumerate(members)
            ]
            result: cst.BaseExpression = _subscript_of(spell_union, elements, inner_lpar, inner_rpar)
            inner_lpar = inner_rpar = None
        else:
            result = members[0]
        if has_none:
            result = _subscript_of(spell_optional, [cst.SubscriptElement(cst.Index(result))], inner_lpar, inner_rpar)
        return result.with_changes(lpar=outer_lpar, rpar=outer_rpar)

    def _special(
        self, name: str, node: cst.CSTNode, string: Optional[cst.SimpleString]
    ) -> Optional[cst.BaseExpression]:
        use = Use(name, True, node, string=string)
        self.uses.append(use)
        return self.spell(use)

    def _string(self, node: cst.SimpleString, outer_scope: Optional[Scope]) -> cst.BaseExpression:
        parsed = self._parse_string(node)
        if parsed is None:
            return node
        leading, expression, trailing = parsed
        scope = outer_scope if outer_scope is not None else self.scopes.get(node)
        if scope is None:
            return node
        before = len(self.uses)
        new_expression = self.rewrite(expression, node, scope)
        rewritten = {
            id(name)
            for use in self.uses[before:]
            if use.string is node and isinstance(use.node, (cst.Name, cst.Attribute))
            for name in _names_in(use.node)
        }
        residue = self.string_residue.setdefault(node, set())
        for name in _names_in(expression):
            if id(name) not in rewritten:
                residue.add(name.value)
        if new_expression is expression:
            return node
        code = cst.Module([]).code_for_node(new_expression)
        return node.with_changes(value=f"{node.prefix}{node.quote}{leading}{code}{trailing}{node.quote}")

    def _parse_string(self, node: cst.SimpleString) -> Optional[Tuple[str, cst.BaseExpression, str]]:
        if node in self._parsed:
            return self._parsed[node]
        result = None
        prefix = node.prefix.lower()
        raw = node.raw_value
        if not set(prefix) - {"r", "u"} and ("\\" not in raw or "r" in prefix) and raw.strip():
            stripped = raw.strip()
            try:
                expression = cst.parse_expression(stripped)
            except (cst.ParserSyntaxError, SyntaxError, ValueError):
                expression = None
            if expression is not None:
                start = raw.index(stripped)
                result = (raw[:start], expression, raw[start + len(stripped) :])
        self._parsed[node] = result
        return result


def _names_in(expression: cst.CSTNode) -> List[cst.Name]:
    if isinstance(expression, cst.Name):
        return [expression]
    found: List[cst.Name] = []

    class Names(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.append(node)

    expression.visit(Names())
    return found


def _flatten_union(node: cst.BinaryOperation) -> Tuple[List[cst.BaseExpression], List[cst.BitOr]]:
    """`a | b | c` (left-associative, inner parts without parentheses) as operands and operators."""
    left = node.left
    if isinstance(left, cst.BinaryOperation) and isinstance(left.operator, cst.BitOr) and not left.lpar:
        operands, operators = _flatten_union(left)
    else:
        operands, operators = [left], []
    operator = node.operator
    assert isinstance(operator, cst.BitOr)
    return operands + [node.right], operators + [operator]


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _is_type_operand(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.BinaryOperation):
        return isinstance(node.operator, cst.BitOr) and bool(node.lpar)
    return isinstance(node, (cst.Name, cst.Attribute, cst.Subscript, cst.SimpleString))


def _has_newline(whitespace: cst.BaseParenthesizableWhitespace) -> bool:
    return isinstance(whitespace, cst.ParenthesizedWhitespace)


def _comma_between(operators: Sequence[cst.BitOr]) -> Optional[cst.Comma]:
    """The comma replacing the `|`s between two kept members: line breaks and comments move onto it."""
    broken = [
        whitespace
        for operator in operators
        for whitespace in (operator.whitespace_before, operator.whitespace_after)
        if _has_newline(whitespace)
    ]
    commented = [
        whitespace
        for whitespace in broken
        if whitespace.first_line.comment is not None or any(line.comment is not None for line in whitespace.empty_lines)
    ]
    if len(commented) > 1:
        return None
    if not broken:
        return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    chosen = commented[0] if commented else broken[0]
    return cst.Comma(whitespace_after=chosen)


def _subscript_of(
    value: cst.BaseExpression,
    elements: Sequence[cst.SubscriptElement],
    lpar: Optional[cst.LeftParen],
    rpar: Optional[cst.RightParen],
) -> cst.Subscript:
    """`value[elements]`; a union's parentheses become the brackets, keeping the line breaks inside them."""
    lbracket = cst.LeftSquareBracket(whitespace_after=lpar.whitespace_after) if lpar else cst.LeftSquareBracket()
    rbracket = cst.RightSquareBracket(whitespace_before=rpar.whitespace_before) if rpar else cst.RightSquareBracket()
    return cst.Subscript(value=value, slice=elements, lbracket=lbracket, rbracket=rbracket)


# --- deciding how typing names are written -----------------------------------------------------------------


@dataclass(frozen=True)
class Spelling:
    """How one typing name is written: bare (`List`) or through the name the typing module is bound to."""

    name: str
    module: Optional[str] = None

    def expression(self) -> cst.BaseExpression:
        if self.module is None:
            return cst.Name(self.name)
        return cst.Attribute(value=cst.Name(self.module), attr=cst.Name(self.name))


def _bound_name(alias: cst.ImportAlias) -> str:
    return alias.evaluated_alias or alias.evaluated_name


def _from_module(node: cst.ImportFrom) -> Optional[str]:
    if node.relative or node.module is None:
        return None
    return get_full_name_for_node(node.module)


@dataclass
class ModuleFacts:
    """What the decisions need to know about the module's names, bindings and imports."""

    scopes: Sequence[Scope]
    global_scope: Scope
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


def _assignment_for(scope: Scope, name: str, node: cst.CSTNode) -> Optional[BaseAssignment]:
    for assignment in scope.assignments[name]:
        if isinstance(assignment, Assignment) and assignment.node is node:
            return assignment
    return None


def module_facts(
    module: cst.Module,
    scopes: Mapping[cst.CSTNode, Optional[Scope]],
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
        if isinstance(node, cst.ImportFrom) and _from_module(node) == "typing":
            assert not isinstance(node.names, cst.ImportStar)
            if typing_from is None and not skipped(site.line):
                typing_from, typing_from_line = node, site.line
            for alias in node.names:
                bound = _bound_name(alias)
                assignment = _assignment_for(global_scope, bound, node)
                if bound == alias.evaluated_name and assignment is not None:
                    typing_bindings.setdefault(bound, set()).add(assignment)
        elif isinstance(node, cst.Import):
            for alias in node.names:
                if alias.evaluated_name == "typing":
                    assignment = _assignment_for(global_scope, _bound_name(alias), node)
                    if assignment is not None:
                        typing_module_imports.append((_bound_name(alias), assignment))
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


@dataclass
class Decision:
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
        module_name = _from_module(node)
        if module_name is None or isinstance(node.names, cst.ImportStar):
            continue
        for alias in node.names:
            if f"{module_name}.{alias.evaluated_name}" not in TYPING_ALIASES:
                continue
            bound = _bound_name(alias)
            assignment = _assignment_for(facts.global_scope, bound, node)
            if assignment is not None:
                found.append(AliasImport(assignment, bound, site))
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
            removed_names.setdefault(alias.site.node, set()).add(alias.name)
    lines_by_block: Dict[cst.CSTNode, Set[cst.SimpleStatementLine]] = {}
    for alias in aliases:
        if alias.assignment in removable and isinstance(alias.site.block, cst.IndentedBlock):
            if _all_removed(alias.site.line, removed_names):
                lines_by_block.setdefault(alias.site.block, set()).add(alias.site.line)
    blocked = set()
    for block, lines in lines_by_block.items():
        assert isinstance(block, cst.IndentedBlock)
        if len(lines) >= len(block.body):
            blocked |= {alias.assignment for alias in aliases if alias.site.block is block}
    return blocked


def _all_removed(line: cst.SimpleStatementLine, removed_names: Mapping[cst.ImportFrom, Set[str]]) -> bool:
    for statement in line.body:
        if not isinstance(statement, cst.ImportFrom) or isinstance(statement.names, cst.ImportStar):
            return False
        if {_bound_name(alias) for alias in statement.names} - removed_names.get(statement, set()):
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


# --- editing imports ---------------------------------------------------------------------------------------


def _isort_order(name: str) -> Tuple[int, str]:
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return (kind, name)


def _case_insensitive(name: str) -> Tuple[str, str]:
    return (name.lower(), name)


def _plain(name: str) -> str:
    return name


# Orders an existing `from typing import ...` may follow (isort/ruff's default first); new names keep it.
NAME_ORDERS: Tuple[Callable[[str], object], ...] = (_isort_order, _plain, _case_insensitive)


def _order_of(names: Sequence[str]) -> Optional[Callable[[str], object]]:
    for order in NAME_ORDERS:
        keys = [order(name) for name in names]
        if keys == sorted(keys):
            return order
    return None


def _without_comment(comma: cst.Comma) -> cst.Comma:
    after = comma.whitespace_after
    if isinstance(after, cst.ParenthesizedWhitespace):
        after = after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
    return comma.with_changes(whitespace_after=after)


def _separator(node: cst.ImportFrom, aliases: Sequence[cst.ImportAlias]) -> cst.Comma:
    """A comma between two names, in the style the statement already uses."""
    middle = [alias.comma for alias in aliases[:-1] if isinstance(alias.comma, cst.Comma)]
    if middle:
        return _without_comment(middle[0])
    trailing = aliases[-1].comma
    lpar = node.lpar
    if isinstance(trailing, cst.Comma) and isinstance(trailing.whitespace_after, cst.ParenthesizedWhitespace):
        indent = (
            lpar.whitespace_after.last_line
            if lpar and isinstance(lpar.whitespace_after, cst.ParenthesizedWhitespace)
            else cst.SimpleWhitespace("    ")
        )
        return cst.Comma(
            whitespace_after=cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(), indent=True, last_line=indent
            )
        )
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _insert_name(node: cst.ImportFrom, name: str, order: Optional[Callable[[str], object]]) -> cst.ImportFrom:
    assert not isinstance(node.names, cst.ImportStar)
    aliases = list(node.names)
    position = len(aliases)
    if order is not None:
        position = next(
            (index for index, alias in enumerate(aliases) if order(alias.evaluated_name) > order(name)), position
        )
    separator = _separator(node, aliases)
    new = cst.ImportAlias(name=cst.Name(name), comma=separator)
    if position < len(aliases):
        aliases.insert(position, new)
        return node.with_changes(names=aliases)
    last = aliases[-1]
    trailing = last.comma
    if isinstance(trailing, cst.Comma) and isinstance(trailing.whitespace_after, cst.ParenthesizedWhitespace):
        separator_after = separator.whitespace_after
        last_line = (
            separator_after.last_line
            if isinstance(separator_after, cst.ParenthesizedWhitespace)
            else cst.SimpleWhitespace("")
        )
        aliases[-1] = last.with_changes(
            comma=trailing.with_changes(whitespace_after=trailing.whitespace_after.with_changes(last_line=last_line))
        )
        new = new.with_changes(
            comma=trailing.with_changes(
                whitespace_after=trailing.whitespace_after.with_changes(
                    first_line=cst.TrailingWhitespace(), empty_lines=()
                )
            )
        )
    elif isinstance(trailing, cst.Comma):
        aliases[-1] = last.with_changes(comma=separator)
        new = new.with_changes(comma=trailing)
    else:
        aliases[-1] = last.with_changes(comma=separator)
        new = new.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    aliases.append(new)
    return node.with_changes(names=aliases)


def merge_names(node: cst.ImportFrom, names: Sequence[str]) -> cst.ImportFrom:
    """`from typing import ...` with `names` added: in order when the existing names are sorted, else at the end."""
    assert not isinstance(node.names, cst.ImportStar)
    order = _order_of([alias.evaluated_name for alias in node.names])
    for name in sorted(names, key=order or _plain):
        node = _insert_name(node, name, order)
    return node


def remove_names(node: cst.ImportFrom, names: Set[str]) -> cst.ImportFrom:
    assert not isinstance(node.names, cst.ImportStar)
    original = list(node.names)
    kept = [alias for alias in original if _bound_name(alias) not in names]
    if kept and kept[-1] is not original[-1]:
        kept[-1] = kept[-1].with_changes(comma=original[-1].comma)
    return node.with_changes(names=kept)


def new_import_lines(names: Sequence[str], typing_module: bool) -> List[cst.SimpleStatementLine]:
    lines = []
    if typing_module:
        lines.append(cst.SimpleStatementLine(body=[cst.Import(names=[cst.ImportAlias(name=cst.Name("typing"))])]))
    if names:
        aliases = [cst.ImportAlias(name=cst.Name(name)) for name in sorted(names, key=_isort_order)]
        lines.append(cst.SimpleStatementLine(body=[cst.ImportFrom(module=cst.Name("typing"), names=aliases)]))
    return lines


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )


def _is_stdlib_line(statement: cst.SimpleStatementLine) -> bool:
    for small in statement.body:
        if isinstance(small, cst.ImportFrom):
            module_name = _from_module(small)
        else:
            assert isinstance(small, cst.Import)
            module_name = small.names[0].evaluated_name
        if module_name is None or module_name.split(".")[0] not in STDLIB_MODULES:
            return False
    return True


def _module_of(statement: cst.BaseStatement) -> str:
    assert isinstance(statement, cst.SimpleStatementLine)
    small = statement.body[0]
    if isinstance(small, cst.ImportFrom):
        return _from_module(small) or ""
    assert isinstance(small, cst.Import)
    return small.names[0].evaluated_name


def _is_future_line(statement: cst.BaseStatement) -> bool:
    return _is_import_line(statement) and _module_of(statement) == "__future__"


def insertion_point(body: Sequence[cst.BaseStatement]) -> Tuple[int, bool]:
    """Where new typing imports go, and whether they take over the blank lines above that statement: where
    sort-imports would put them in the leading import block.

    Among the standard-library imports, before the first whose module sorts after `typing` (taking its blank
    lines when it opens the group), else after the last; with only `from __future__` imports, after them; with
    only third-party/local imports, before the first one (taking over the blank lines above it); with no
    imports, right after the docstring. insert_lines then spaces them as sort-imports would.
    """
    start = 1 if body and _is_docstring(body[0]) else 0
    end = start
    while end < len(body) and _is_import_line(body[end]):
        end += 1
    stdlib = [
        index for index in range(start, end) if _is_stdlib_line(body[index]) and not _is_future_line(body[index])
    ]
    for index in stdlib:
        if _module_of(body[index]).lower() > "typing":
            return index, index == stdlib[0]
    if stdlib:
        return stdlib[-1] + 1, False
    futures = [index for index in range(start, end) if _is_future_line(body[index])]
    if futures:
        return futures[-1] + 1, False
    return start, end > start


def _blank_prefix(lines: Sequence[cst.EmptyLine]) -> int:
    count = 0
    for line in lines:
        if line.comment is not None:
            break
        count += 1
    return count


def _with_blank_lines(statement: cst.BaseStatement, wanted: int) -> cst.BaseStatement:
    """`statement` with at least `wanted` blank lines above it (above its comments)."""
    missing = wanted - _blank_prefix(statement.leading_lines)
    if missing <= 0:
        return statement
    added = tuple(cst.EmptyLine(indent=False) for _ in range(missing))
    return statement.with_changes(leading_lines=added + tuple(statement.leading_lines))


def _is_definition(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, (cst.FunctionDef, cst.ClassDef))


def insert_lines(
    body: Sequence[cst.BaseStatement], index: int, take_blank_lines: bool, lines: Sequence[cst.SimpleStatementLine]
) -> List[cst.BaseStatement]:
    """`lines` inserted at `index`, spaced as sort-imports spaces them: one blank line after `from __future__`
    imports and before a following import of another group; when the file had no imports, the blank lines PEP 8
    wants after an import block (two before a def or class, one before other code)."""
    result = list(body)
    new_lines = list(lines)
    if take_blank_lines and index < len(result):
        following = result[index]
        blank = _blank_prefix(following.leading_lines)
        new_lines[0] = new_lines[0].with_changes(leading_lines=following.leading_lines[:blank])
        result[index] = following.with_changes(leading_lines=following.leading_lines[blank:])
    if index > 0 and _is_future_line(result[index - 1]):
        new_lines[0] = new_lines[0].with_changes(leading_lines=(cst.EmptyLine(indent=False),))
    if index < len(result):
        following = result[index]
        had_imports = any(_is_import_line(statement) for statement in result[:index])
        if _is_import_line(following):
            if isinstance(following, cst.SimpleStatementLine) and not _is_stdlib_line(following):
                result[index] = _with_blank_lines(following, 1)
        elif not had_imports and not take_blank_lines:
            result[index] = _with_blank_lines(following, 2 if _is_definition(following) else 1)
    result[index:index] = new_lines
    return result


def drop_lines(body: Sequence[cst.BaseStatement], removed: Set[cst.CSTNode]) -> List[cst.BaseStatement]:
    """The body without the removed lines; their blank lines and comments go to the next statement unless it has
    blank lines of its own (then only the comments do)."""
    result: List[cst.BaseStatement] = []
    pending: Optional[List[cst.EmptyLine]] = None
    for statement in body:
        if statement in removed:
            pending = (pending or []) + list(statement.leading_lines)
            continue
        if pending is not None:
            if statement.leading_lines:
                lines = [line for line in pending if line.comment is not None] + list(statement.leading_lines)
            else:
                lines = pending
            statement = statement.with_changes(leading_lines=lines)
            pending = None
        result.append(statement)
    return result


class Applier(cst.CSTTransformer):
    """Puts the rewritten expressions and import edits into the tree, visiting only the statements involved."""

    def __init__(
        self,
        replacements: Mapping[cst.CSTNode, cst.CSTNode],
        import_edits: Mapping[cst.ImportFrom, Callable[[cst.ImportFrom], cst.ImportFrom]],
        removed_imports: Set[cst.CSTNode],
        needed: Set[cst.CSTNode],
        new_lines: Sequence[cst.SimpleStatementLine],
    ) -> None:
        super().__init__()
        self.replacements = replacements
        self.import_edits = import_edits
        self.removed_imports = removed_imports
        self.needed = needed
        self.new_lines = new_lines
        self.removed_lines: Set[cst.CSTNode] = set()

    def on_visit(self, node: cst.CSTNode) -> bool:
        if node in self.replacements:
            return False
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) and node not in self.needed:
            return False
        return super().on_visit(node)

    def on_leave(
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> Union[cst.CSTNode, cst.RemovalSentinel]:
        replacement = self.replacements.get(original_node)
        if replacement is not None:
            return replacement
        return super().on_leave(original_node, updated_node)

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom:
        edit = self.import_edits.get(original_node)
        return edit(updated_node) if edit is not None else updated_node

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        if not any(small in self.removed_imports for small in original_node.body):
            return updated_node
        body = [new for old, new in zip(original_node.body, updated_node.body) if old not in self.removed_imports]
        if not body:
            self.removed_lines.add(updated_node)
            return updated_node
        body[-1] = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(body=body)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if not any(statement in self.removed_lines for statement in updated_node.body):
            return updated_node
        return updated_node.with_changes(body=drop_lines(updated_node.body, self.removed_lines))

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body: List[cst.BaseStatement] = list(updated_node.body)
        if self.new_lines:
            index, take_blank_lines = insertion_point(original_node.body)
            body = insert_lines(body, index, take_blank_lines, self.new_lines)
        return updated_node.with_changes(body=drop_lines(body, self.removed_lines))


# --- the codemod -------------------------------------------------------------------------------------------


def _short(node: cst.CSTNode) -> str:
    text = " ".join(cst.Module([]).code_for_node(node).split())
    return text if len(text) <= MAX_MESSAGE_PART else text[: MAX_MESSAGE_PART - 3] + "..."


def _describe_alias(module_name: str, obj: Optional[str], asname: Optional[str]) -> str:
    text = f"from {module_name} import {obj}" if obj else f"import {module_name}"
    return f"{text} as {asname}" if asname else text


def _value_chain(node: cst.CSTNode) -> List[cst.CSTNode]:
    chain = [node]
    while isinstance(node, cst.Attribute):
        node = node.value
        chain.append(node)
    return chain


def _imports_typing(imports: Sequence[ImportSite]) -> bool:
    """Whether any import could bind `cast`, `NewType` or `TypeVar` (calls are only scanned for then)."""
    for site in imports:
        node = site.node
        if isinstance(node, cst.Import):
            if any(alias.evaluated_name in TYPING_MODULES for alias in node.names):
                return True
        elif _from_module(node) in TYPING_MODULES:
            if isinstance(node.names, cst.ImportStar):
                return True
            if any(alias.evaluated_name in CALL_SHORT_NAMES for alias in node.names):
                return True
    return False


def _bodies(statement: cst.BaseCompoundStatement) -> Iterable[cst.BaseSuite]:
    """The suites of a compound statement in source order (if/elif/else, try/except/else/finally, match, ...)."""
    if not isinstance(statement, cst.Match):
        yield statement.body
    for part in getattr(statement, "handlers", ()) or getattr(statement, "cases", ()):
        yield part.body
    for name in ("orelse", "finalbody"):
        part = getattr(statement, name, None)
        if part is not None and not isinstance(part, cst.If):  # an `elif` is walked as a statement of its own
            yield part.body


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
            _walk_header(collector, statement)
            scoped = isinstance(statement, (cst.FunctionDef, cst.ClassDef))
            collector._scope_depth += scoped
            for suite in _bodies(statement):
                if isinstance(suite, cst.IndentedBlock):
                    collector._blocks.append(suite)
                    _walk_statements(collector, suite.body)
                    collector._blocks.pop()
                else:
                    assert isinstance(suite, cst.SimpleStatementSuite)
                    _walk_small(collector, suite.body)
            collector._scope_depth -= scoped
            if isinstance(statement, cst.If) and isinstance(statement.orelse, cst.If):
                _walk_statements(collector, [statement.orelse])
        collector._statements.pop()


def _walk_header(collector: Collector, statement: cst.BaseCompoundStatement) -> None:
    parameters = getattr(statement, "type_parameters", None)
    if parameters is not None:
        for parameter in parameters.params:
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


def _module_import_removals(
    facts: ModuleFacts, uses: Sequence[Use], imports: Sequence[ImportSite]
) -> List[Tuple[Union[cst.Import, cst.ImportFrom], str, Optional[str], Optional[str]]]:
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
    removals = []
    for site in imports:
        node = site.node
        if site.block is None or node not in by_node or isinstance(node.names, cst.ImportStar):
            continue
        assignments = by_node[node]
        module_name = _from_module(node) if isinstance(node, cst.ImportFrom) else None
        for alias in node.names:
            bound = _bound_name(alias)
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


DOC = f"""\
Rewrites PEP 585 builtin generics, `collections.abc`/`collections`/`contextlib` generics and PEP 604 unions in
typing contexts into `typing` generics, as the style guide prefers (`List`, `Dict`, `Optional`, `Callable`, ...).

Typing contexts: parameter and return annotations; variable and attribute annotations; the value of an explicit
alias (`X: TypeAlias = ...`, `type X = ...`); TypeVar bounds and constraints (also PEP 695 type parameters); the
first argument of `cast(...)`; the second argument of `NewType(...)`; string annotations (rewritten inside the
string, keeping its quotes). Never touched: runtime expressions (`isinstance(x, int | str)`, `list()`,
`dict[str, int]()`, base classes, default values, decorators, `cast`'s second argument, `__all__`), implicit
aliases (`Alias = list[int]`), the contents of `Literal[...]` and the metadata of `Annotated[...]`.

A name is rewritten only when scope analysis shows it is what it looks like: `list` must be the builtin (not a
shadowing class attribute or variable), `Callable` must come from `collections.abc`.

Mapping (read from the `typing` module's own alias table):
{mapping_table()}
    X | None, None | X -> Optional[X]
    X | Y -> Union[X, Y]
    X | Y | None -> Optional[Union[X, Y]]

Options:
    bare = false    also rewrite unsubscripted builtins in typing contexts (`x: list` -> `x: List`).
                    Unsubscripted `collections.abc`/`collections`/`contextlib` names are rewritten whatever
                    `bare` says, when they can be written without a `typing.` qualifier.
    unions = true   rewrite PEP 604 unions.

Imports: new names are added to the first module-level `from typing import ...` (in sorted position when its
names are sorted the isort/ruff way, case-sensitively or case-insensitively, else at the end), or to a new
`from typing import ...` placed after the last standard-library import of the leading import block (else before
its first import, else after the docstring), never adding blank lines. A module that only has `import typing`
(`import typing as t`) gets `t.List`. When a name we would introduce is already bound to something else anywhere
in the module (a class `List`, a `Callable` from collections.abc that stays in use, a star import), the rewrite
uses `typing.List` and adds `import typing`; if `typing` itself is taken, it is left alone with a warning.
`from collections.abc import X` (and collections/contextlib) imports whose every use was rewritten are removed;
`import collections.abc` and the like are removed by LibCST's RemoveImportsVisitor once unused.
`from __future__ import annotations` stays.

Left as it is, with a warning: a subscript whose argument count the typing alias refuses on some supported
Python (`collections.abc.Generator[None]`: typing.Generator takes 3 arguments before Python 3.13), and a union
with comments on both sides of one `|`.

Directives: `# stylefix: skip` (or `skip[typing-generics]`) at the end of a statement leaves it as it is; for a
`def`/`class` it covers the header (decorators to the colon).
"""


class TypingGenerics(StylefixCodemod):
    NAME = "typing-generics"
    DOC = DOC
    EXAMPLES = (
        Example(
            "builtin generics and unions in annotations",
            "def load(path: str, limit: int | None = None) -> dict[str, list[int]]:\n    ...\n",
            "from typing import Dict, List, Optional\n\n\n"
            "def load(path: str, limit: Optional[int] = None) -> Dict[str, List[int]]:\n    ...\n",
        ),
        Example(
            "merged into the existing typing import; runtime code stays",
            "import os\nfrom typing import Any\n\nCACHE: dict[str, Any] = {}\n\n\n"
            "def is_text(value: Any) -> bool:\n    return isinstance(value, str | bytes)\n",
            "import os\nfrom typing import Any, Dict\n\nCACHE: Dict[str, Any] = {}\n\n\n"
            "def is_text(value: Any) -> bool:\n    return isinstance(value, str | bytes)\n",
        ),
        Example(
            "collections.abc import replaced",
            "from collections.abc import Callable, Iterator\n\n\n"
            "def each(items: Iterator[int], action: Callable[[int], None]) -> None:\n    ...\n",
            "from typing import Callable, Iterator\n\n\n"
            "def each(items: Iterator[int], action: Callable[[int], None]) -> None:\n    ...\n",
        ),
        Example(
            "bare builtins with bare = true; `import typing as t` style kept",
            'import typing as t\n\n\ndef names(rows: list) -> "set[str] | None":\n    ...\n',
            'import typing as t\n\n\ndef names(rows: t.List) -> "t.Optional[t.Set[str]]":\n    ...\n',
            options={"bare": True},
        ),
    )

    @classmethod
    def precheck(cls, source: bytes, file: FileContext) -> bool:
        return typing_generics_precheck.precheck(source, file)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        bare, unions = self.options.bare, self.options.unions
        collector = collect(tree)
        candidates = candidates_for(collector.imports, collector.star_import, bare, unions)
        roots = [root for root in collector.roots if expression_may_change(root.expression, candidates)]
        if not roots:
            return tree
        changes, warnings = len(self.changes), len(self.context.warnings)
        try:
            return self._transform(tree, collector, candidates, roots, analyse(tree))
        except Unsure:
            # A name the purpose-built analysis cannot vouch for: start again with LibCST's scope analysis.
            del self.changes[changes:]
            del self.context.warnings[warnings:]
            return self._transform(tree, collector, candidates, roots, self.context.wrapper.resolve(ScopeProvider))

    def _transform(
        self,
        tree: cst.Module,
        collector: Collector,
        candidates: Candidates,
        roots: Sequence[Root],
        scopes: Mapping[cst.CSTNode, Optional[Scope]],
    ) -> cst.Module:
        plan = Rewriter(scopes, candidates, spell=lambda use: cst.Name(use.typing_name))
        confirmed = []
        for root in roots:
            if root.condition is not None and plan.qualified(root.condition[0], None) not in root.condition[1]:
                continue
            if self.is_skipped(root.statement):
                continue
            confirmed.append(root)
            plan.rewrite(root.expression)
        for node, problem in plan.problems:
            self.warn(f"{self.where(node)}: {problem}")
        if not plan.uses:
            return tree
        facts = module_facts(tree, scopes, collector.imports, collector.star_import, self.is_skipped)
        aliases = alias_imports(facts, collector.imports, self.is_skipped)
        decision = decide(facts, plan.uses, aliases, plan.string_residue)
        return self._apply(tree, collector, confirmed, plan, facts, aliases, decision)

    def _apply(
        self,
        tree: cst.Module,
        collector: Collector,
        roots: Sequence[Root],
        plan: Rewriter,
        facts: ModuleFacts,
        aliases: Sequence[AliasImport],
        decision: Decision,
    ) -> cst.Module:
        def spell(use: Use) -> Optional[cst.BaseExpression]:
            spelling = decision.spellings[use.typing_name]
            return spelling.expression() if spelled(use, spelling) and spelling is not None else None

        final = Rewriter(plan.scopes, plan.candidates, spell=spell)
        replacements: Dict[cst.CSTNode, cst.CSTNode] = {}
        needed: Set[cst.CSTNode] = set()
        for root in roots:
            new = final.rewrite(root.expression)
            if new is root.expression:
                continue
            replacements[root.expression] = new
            needed.update(collector.paths[root.statement])
            before, after = _short(root.expression), _short(new)
            if before != after:
                self.report(root.expression, f"{before} -> {after}")
        taken = sorted(
            {
                (self.line_of(use.node), use.typing_name)
                for use in final.uses
                if decision.spellings[use.typing_name] is None
            }
        )
        for line, name in taken:
            self.warn(f"{line}: left as it is: the names `{name}` and `typing` are both taken in this module")
        if not replacements:
            return tree
        applied = [use for use in final.uses if spelled(use, decision.spellings[use.typing_name])]
        import_edits: Dict[cst.ImportFrom, Callable[[cst.ImportFrom], cst.ImportFrom]] = {}
        removed: Set[cst.CSTNode] = set()
        self._removals(aliases, decision, collector, import_edits, removed, needed)
        spellings = [decision.spellings[use.typing_name] for use in applied]
        new_lines = self._additions(tree, facts, [item for item in spellings if item is not None], import_edits)
        if facts.typing_from_line is not None:
            needed.update(collector.paths[facts.typing_from_line])
        tree = tree.visit(Applier(replacements, import_edits, removed, needed, new_lines))
        module_removals = _module_import_removals(facts, applied, collector.imports)
        if module_removals:
            for node, module_name, obj, asname in module_removals:
                self.report(node, f"remove unused `{_describe_alias(module_name, obj, asname)}`")
            scheduled = [(module_name, obj, asname) for _node, module_name, obj, asname in module_removals]
            # LibCST's codemod framework (and its 0.2 s import of libcst.matchers) only for this rare case.
            from libcst.codemod import CodemodContext as LibCSTContext
            from libcst.codemod.visitors import RemoveImportsVisitor

            context = LibCSTContext(filename=self.context.filename)
            tree = RemoveImportsVisitor(context, scheduled).transform_module(tree)
            self.context.warnings.extend(context.warnings)
        return tree

    def _removals(
        self,
        aliases: Sequence[AliasImport],
        decision: Decision,
        collector: Collector,
        import_edits: Dict[cst.ImportFrom, Callable[[cst.ImportFrom], cst.ImportFrom]],
        removed: Set[cst.CSTNode],
        needed: Set[cst.CSTNode],
    ) -> None:
        names_by_node: Dict[cst.ImportFrom, Set[str]] = {}
        for alias in aliases:
            if alias.assignment in decision.removable:
                names_by_node.setdefault(alias.site.node, set()).add(alias.name)
                needed.update(collector.paths[alias.site.line])
        for node, names in names_by_node.items():
            assert not isinstance(node.names, cst.ImportStar)
            described = [
                _short(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
                for alias in node.names
                if _bound_name(alias) in names
            ]
            self.report(node, f"remove unused `from {_from_module(node)} import {', '.join(described)}`")
            if {_bound_name(alias) for alias in node.names} <= names:
                removed.add(node)
            else:
                import_edits[node] = functools.partial(remove_names, names=names)

    def _additions(
        self,
        tree: cst.Module,
        facts: ModuleFacts,
        spellings: Sequence[Spelling],
        import_edits: Dict[cst.ImportFrom, Callable[[cst.ImportFrom], cst.ImportFrom]],
    ) -> List[cst.SimpleStatementLine]:
        names = sorted(
            {spelling.name for spelling in spellings if spelling.module is None} - set(facts.typing_bindings)
        )
        typing_module = any(spelling.module not in (None, facts.typing_module) for spelling in spellings)
        typing_from = facts.typing_from
        new_lines = new_import_lines([] if typing_from is not None else names, typing_module)
        if names and typing_from is not None:
            import_edits[typing_from] = functools.partial(merge_names, names=names)
            self.report(typing_from, f"add {', '.join(names)} to `from typing import ...`")
        if new_lines:
            index, take_blank_lines = insertion_point(tree.body)
            anchor = tree.body[index - 1 if index > 0 and not take_blank_lines else index]
            for line in new_lines:
                self.report(anchor, f"add `{_short(line)}`")
        return new_lines
