"""typing-generics: one typing-context expression rewritten into its `typing` spelling.

`list[int]` -> `List[int]`, `X | None` -> `Optional[X]`, `X | Y` -> `Union[X, Y]`, inside strings too. How each
typing name is written (`List`, `typing.List`, `t.List`, or left alone) is the caller's `Spell`: a first pass
records the uses, the decision (spelling.py) is taken on all of them, and a second pass writes it.
"""
from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import Assignment, BaseAssignment

from stylefix.codemods.typing_generics.candidates import Candidates
from stylefix.codemods.typing_generics.contexts import TYPING_MODULES, last_name
from stylefix.codemods.typing_generics.precheck import ARITIES, TYPING_ALIASES
from stylefix.codemods.typing_generics.scopes import ScopesView, ScopeView

LITERAL_NAMES: FrozenSet[str] = frozenset(f"{module}.Literal" for module in TYPING_MODULES)
ANNOTATED_NAMES: FrozenSet[str] = frozenset(f"{module}.Annotated" for module in TYPING_MODULES)
# Subscripts whose arguments are not all types.
SPECIAL_FORM_SHORT_NAMES: FrozenSet[str] = frozenset({"Literal", "Annotated"})
# Longest message text for one rewritten expression before it is shortened.
MAX_MESSAGE_PART = 80


def short(node: cst.CSTNode) -> str:
    """A node's code on one line, shortened for a message."""
    text = " ".join(cst.Module([]).code_for_node(node).split())
    return text if len(text) <= MAX_MESSAGE_PART else text[: MAX_MESSAGE_PART - 3] + "..."


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

    scopes: ScopesView
    candidates: Candidates
    spell: Spell
    uses: List[Use] = field(default_factory=list)
    # Names each rewritten string still refers to after the rewrite (the ones it did not rewrite).
    string_residue: Dict[cst.SimpleString, Set[str]] = field(default_factory=dict)
    problems: List[Tuple[cst.CSTNode, str]] = field(default_factory=list)
    _parsed: Dict[cst.SimpleString, Optional[Tuple[str, cst.BaseExpression, str]]] = field(default_factory=dict)

    def qualified(self, node: cst.BaseExpression, string_scope: Optional[ScopeView]) -> Optional[str]:
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

    def _binding(self, node: cst.BaseExpression, string_scope: Optional[ScopeView]) -> Optional[BaseAssignment]:
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
        self,
        node: cst.BaseExpression,
        subscripted: bool,
        string: Optional[cst.SimpleString],
        scope: Optional[ScopeView],
    ) -> Optional[cst.BaseExpression]:
        """The typing spelling for a Name/Attribute naming an aliased class, or None to keep it."""
        if not self.candidates.matches(node, subscripted):
            return None
        qualified = self.qualified(node, scope)
        if qualified is None or qualified not in TYPING_ALIASES:
            return None
        typing_name = TYPING_ALIASES[qualified]
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
        scope: Optional[ScopeView] = None,
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
        self, node: cst.Subscript, string: Optional[cst.SimpleString], scope: Optional[ScopeView]
    ) -> cst.BaseExpression:
        if any(not isinstance(element.slice, cst.Index) for element in node.slice):
            return node
        qualified = None
        if self.candidates.matches(node.value, True) or last_name(node.value) in SPECIAL_FORM_SHORT_NAMES:
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
                    (node, f"{short(node)} left as it is: typing.{typing_name} takes {counts} arguments")
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
        self, node: cst.BinaryOperation, string: Optional[cst.SimpleString], scope: Optional[ScopeView]
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
        if spell_union is not None:  # more than one member
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
        if spell_optional is not None:  # and None among them
            result = _subscript_of(spell_optional, [cst.SubscriptElement(cst.Index(result))], inner_lpar, inner_rpar)
        return result.with_changes(lpar=outer_lpar, rpar=outer_rpar)

    def _special(
        self, name: str, node: cst.CSTNode, string: Optional[cst.SimpleString]
    ) -> Optional[cst.BaseExpression]:
        use = Use(name, True, node, string=string)
        self.uses.append(use)
        return self.spell(use)

    def _string(self, node: cst.SimpleString, outer_scope: Optional[ScopeView]) -> cst.BaseExpression:
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


def _comma_between(operators: Sequence[cst.BitOr]) -> Optional[cst.Comma]:
    """The comma replacing the `|`s between two kept members: line breaks and comments move onto it."""
    broken = [
        whitespace
        for operator in operators
        for whitespace in (operator.whitespace_before, operator.whitespace_after)
        if isinstance(whitespace, cst.ParenthesizedWhitespace)
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
