"""The guard before LibCST: a file nested deeper than LibCST handles safely is refused, cheaply.

LibCST's parser takes quadratic time on very deep trees and then overflows the native stack; its visitors (and
so every codemod) hit Python's recursion limit well before that. CPython's own `ast` is about ten times cheaper
to build, so the depth is measured on it, and a file CPython itself refuses for nesting never reaches LibCST.
"""
import ast
import contextlib
import io
from itertools import accumulate
import re
import sys
import tokenize
from typing import Iterator, List, Optional

from stylefix.results import UnparseableSource

# Deepest tree (counted as `tree_depth` counts) given to LibCST. Measured on Python 3.11, LibCST 1.x, every
# codemod on, with RECURSION_LIMIT: the engine first fails (a clean RecursionError in LibCST's visitors) at a depth
# of about 1,320 for operator chains, `and` chains and implicit string concatenation; nested brackets stop at 200
# levels in CPython's tokenizer (a depth of about 400 here). Past a few thousand levels LibCST's native parser
# takes minutes, then overflows its stack (SIGSEGV). The limit keeps well over half of the headroom in hand;
# a file at the limit costs 0.7 to 1.7 s (docs/reliability.md).
MAX_DEPTH = 500
# Python's recursion limit while stylefix works on a file: LibCST's visitors recurse a few frames per level of
# the tree. At 4,000 frames the visitors still end in a clean RecursionError, not a C stack overflow (measured
# with a 2,500-term chain on an 8 MB main-thread stack).
RECURSION_LIMIT = 4000
# What a level costs, relative to an operator in a chain, where LibCST's tree is deeper than CPython's: an
# element of a list field (a call's argument is an `Arg` around the expression, a dict's item a `DictElement`),
# an operand of `and`/`or` (flat in `ast`, nested in LibCST) and a piece of an implicitly concatenated string
# (one constant in `ast`, nested in LibCST).
ITEM_COST = 2
NESTED_PIECE_COST = 1
_BRACKET_STEPS = [0] * 256
for _opening in b"([{":
    _BRACKET_STEPS[_opening] = 1
for _closing in b")]}":
    _BRACKET_STEPS[_closing] = -1
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"()[]{}")
# What nests an expression one level deeper without nesting brackets: binary and unary operators (a run of
# operator characters counts once, so a `# -----` ruler does not count), `if`, `lambda`, `not`, and a trailer
# after a trailer or a name (`a[0][0]`, `f()()`, `a.b.c`).
_NESTING_TOKENS = re.compile(rb"[-+*/%@&|^~<>]+|\b(?:if|lambda|not)\b|[\])]\s*[\[(]|(?<=\w)\.[A-Za-z_]")


class TooDeeplyNested(UnparseableSource):
    """A file LibCST could crash on or take minutes over; like a syntax error, reported and left untouched."""

    def __init__(self, depth: Optional[int], measured: bool = True) -> None:
        if depth is None:
            shown = f"depth over {MAX_DEPTH}"
        else:
            shown = f"depth {depth}" if measured else f"depth about {depth}"
        super().__init__(f"too deeply nested for stylefix to process safely ({shown}, limit {MAX_DEPTH})", 1, 1)
        self.depth = depth


def tree_depth(tree: ast.AST, source: bytes) -> int:
    """The depth of `tree` weighted as LibCST's visitors pay for it (ITEM_COST, NESTED_PIECE_COST)."""
    deepest = 0
    stack = [(tree, 1)]
    pop, push, node_type = stack.pop, stack.append, ast.AST
    lines: List[bytes] = []
    while stack:
        node, depth = pop()
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and getattr(node, "end_lineno", None) is not None:
            if not lines:
                lines = source.splitlines(keepends=True)
            if _long_span(node, lines):
                depth += NESTED_PIECE_COST * (_string_pieces(node, lines) - 1)
        if depth > deepest:
            deepest = depth
        step = NESTED_PIECE_COST * len(node.values) if isinstance(node, ast.BoolOp) else ITEM_COST
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, node_type):
                push((value, depth + 1))
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, node_type):
                        push((item, depth + step))
    return deepest


def _long_span(node: ast.expr, lines: List[bytes]) -> bool:
    # Only a literal this long can hold more pieces than the limit (a piece is 2 characters at least).
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    if first == last:
        length = (node.end_col_offset or 0) - node.col_offset
    else:
        length = sum(len(line) for line in lines[first : last + 1])
    return length >= 2 * MAX_DEPTH // NESTED_PIECE_COST


def _string_pieces(node: ast.expr, lines: List[bytes]) -> int:
    """How many string tokens make up the literal at `node` (its source tokenized, inside parentheses)."""
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    if first == last:
        segment = lines[first][node.col_offset : node.end_col_offset]
    else:
        segment = lines[first][node.col_offset :] + b"".join(lines[first + 1 : last]) + lines[last][: node.end_col_offset]
    text = "(" + segment.decode("utf-8", "replace") + "\n)"
    pieces = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING or tokenize.tok_name[token.type] == "FSTRING_START":
                pieces += 1
    except (tokenize.TokenError, SyntaxError):
        return last - first + 1
    return max(pieces, 1)


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
    """The report for a file CPython refused for nesting: the depth estimated, or only known to be past the limit."""
    estimate = lexical_depth(source)
    return TooDeeplyNested(estimate if estimate > MAX_DEPTH else None, measured=False)


@contextlib.contextmanager
def recursion_room() -> Iterator[None]:
    """Python's recursion limit raised to RECURSION_LIMIT for the duration, so a tree within MAX_DEPTH fits."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def check_depth(source: bytes, tree: Optional[ast.AST]) -> None:
    """Raise TooDeeplyNested when LibCST should not be given `source` (`tree`: CPython's, None if it refused)."""
    if tree is not None:
        depth = tree_depth(tree, source)
        if depth > MAX_DEPTH:
            raise TooDeeplyNested(depth)
        return
    depth = lexical_depth(source)
    if depth > MAX_DEPTH:
        raise TooDeeplyNested(depth, measured=False)
