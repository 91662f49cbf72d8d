"""The guard before LibCST: a file nested deeper than LibCST handles safely is refused, cheaply.

LibCST's parser takes quadratic time on very deep trees and then overflows the native stack; its visitors (and
so every codemod) hit Python's recursion limit well before that. CPython's own `ast` is about ten times cheaper
to build, so the depth is measured on it, and a file CPython itself refuses for nesting never reaches LibCST.
"""
import ast
from itertools import accumulate
import re
from typing import Optional

from stylefix.results import UnparseableSource

# Deepest tree (counted as `tree_depth` counts) that every codemod and the safety net process. Measured on
# Python 3.11 / LibCST 1.x with the default recursion limit: the engine first fails (RecursionError in LibCST's
# visitors) at a depth of 282 for nested calls and 322 for operator chains, subscripts, lambdas and unary
# operators; the limit keeps a margin of a third for deeper call stacks (the language server, pytest). At the
# limit a file costs 0.35 s at most; see docs/reliability.md.
MAX_DEPTH = 200
_BRACKET_STEPS = [0] * 256
for _opening in b"([{":
    _BRACKET_STEPS[_opening] = 1
for _closing in b")]}":
    _BRACKET_STEPS[_closing] = -1
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"()[]{}")
# What nests an expression one level deeper without a bracket: binary and unary operators (a run of operator
# characters counts once, so a `# -----` ruler does not count), `if`, `lambda`, `not`.
_NESTING_TOKENS = re.compile(rb"[-+*/%@&|^~<>]+|\b(?:if|lambda|not)\b")


class TooDeeplyNested(UnparseableSource):
    """A file LibCST could crash on or take minutes over; like a syntax error, reported and left untouched."""

    def __init__(self, depth: int, measured: bool = True) -> None:
        shown = f"depth {depth}" if measured else f"depth about {depth}"
        super().__init__(f"too deeply nested for stylefix to process safely ({shown}, limit {MAX_DEPTH})", 1, 1)
        self.depth = depth


def tree_depth(tree: ast.AST) -> int:
    """The depth of `tree`, each element of a list field counting two levels, as in LibCST's tree (a call's
    argument is an `Arg` node around the expression, a list's item an `Element`...)."""
    deepest = 0
    stack = [(tree, 1)]
    pop, push, node_type = stack.pop, stack.append, ast.AST
    while stack:
        node, depth = pop()
        if depth > deepest:
            deepest = depth
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, node_type):
                push((value, depth + 1))
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, node_type):
                        push((item, depth + 2))
    return deepest


def lexical_depth(source: bytes) -> int:
    """A cheap estimate of the nesting depth without a tree: the deepest bracket nesting, or the most operators
    on one line (an operator chain nests one level per operator); for files CPython cannot build a tree for."""
    brackets = max(accumulate(map(_BRACKET_STEPS.__getitem__, source.translate(None, _NOT_BRACKETS))), default=0)
    operators = max((len(_NESTING_TOKENS.findall(line)) for line in source.splitlines()), default=0)
    return max(brackets, operators)


def refused_for_nesting(error: BaseException) -> bool:
    """Whether CPython's parser refused for nesting or memory rather than for a syntax error."""
    if isinstance(error, (RecursionError, MemoryError)):
        return True
    return isinstance(error, SyntaxError) and "too many nested parentheses" in str(error.msg)


def nesting_error(source: bytes, error: BaseException) -> TooDeeplyNested:
    """The report for a file CPython refused for nesting: the depth is estimated, at least past the limit."""
    return TooDeeplyNested(max(lexical_depth(source), MAX_DEPTH + 1), measured=False)


def check_depth(source: bytes, tree: Optional[ast.AST]) -> None:
    """Raise TooDeeplyNested when LibCST should not be given `source` (`tree`: CPython's, None if it refused)."""
    if tree is not None:
        depth = tree_depth(tree)
        if depth > MAX_DEPTH:
            raise TooDeeplyNested(depth)
        return
    depth = lexical_depth(source)
    if depth > MAX_DEPTH:
        raise TooDeeplyNested(depth, measured=False)
