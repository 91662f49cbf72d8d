"""typing-generics' syntactic filter: could anything in a typing context be rewritten, before any name is
resolved? Only the contexts that pass it are rewritten, and only files with such a context pay for scope analysis.
"""
from dataclasses import dataclass
import re
from typing import FrozenSet, Sequence, Set, Tuple

import libcst as cst

from stylefix.codemods.typing_generics.contexts import ImportSite, bound_name, from_module
from stylefix.codemods.typing_generics.precheck import (
    ALIASED_SHORT_NAMES,
    BUILTIN_NAMES,
    NON_BUILTIN_SHORT_NAMES,
    source_may_change,
)

# Modules whose names count only as the module imports them (builtins are always there).
ALIAS_IMPORT_PREFIXES: Tuple[str, ...] = ("collections", "_collections_abc", "contextlib")
# Any aliased class named in a string annotation.
TEXT_ALIAS_RE = re.compile(r"\b(?:%s)\b" % "|".join(sorted(ALIASED_SHORT_NAMES)))


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


def candidates_for(imports: Sequence[ImportSite], star_import: bool, bare: bool, unions: bool) -> Candidates:
    """Names from collections/contextlib count only as the module imports them: by name (under any alias), or
    through the module (then only as the last part of a dotted name); a star import may bring any of them."""
    by_name: Set[str] = set()
    modules = False
    for site in imports:
        node = site.node
        if isinstance(node, cst.ImportFrom):
            module_name = from_module(node) or ""
            if not module_name.startswith(ALIAS_IMPORT_PREFIXES + ("builtins",)):
                continue
            assert not isinstance(node.names, cst.ImportStar)
            by_name.update(bound_name(alias) for alias in node.names)
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
