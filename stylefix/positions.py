"""Node positions for reporting, computed the way LibCST's PositionProvider does, at a third of its cost.

PositionProvider splits every token with a regular expression and builds two CodePosition objects and a
CodeRange per node; on a typical file that costs about as much as parsing it. Codemods only look up the few
nodes they change, so positions are kept as plain tuples and turned into CodeRange objects on lookup. The
result is identical to PositionProvider's (a test compares them node by node).

Each top-level statement starts at column 0, so its positions relative to its own first line do not depend on
what comes before it. `compute_positions` keeps them per statement in a cache the engine shares between the
codemods of one run: the next codemod's tree holds mostly the same statement objects, and only the statements
an earlier codemod replaced are generated again.
"""
from contextlib import contextmanager
import logging
from typing import Dict, Iterator, List, Optional, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

logger = logging.getLogger(__name__)

Span = Tuple[int, int, int, int]  # start line, start column, end line, end column


class _PositionState(CodegenState):
    """Codegen that tracks line and column and records each node's syntactic span."""

    def __init__(self, default_indent: str, default_newline: str) -> None:
        super().__init__(default_indent=default_indent, default_newline=default_newline)
        self.line = 1
        self.column = 0
        self.spans: Dict[cst.CSTNode, Span] = {}
        self._stack: List[Tuple[int, int]] = []

    def _advance(self, value: str) -> None:
        last_newline = max(value.rfind("\n"), value.rfind("\r"))
        if last_newline < 0:
            self.column += len(value)
            return
        self.line += value.count("\n") + value.count("\r") - value.count("\r\n")
        self.column = len(value) - last_newline - 1

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self._advance(value)

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self._advance(token)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        if node not in self.spans:
            self.spans[node] = (start[0], start[1], self.line, self.column)

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> Iterator[None]:
        start = (self.line, self.column)
        try:
            yield
        finally:
            end = (self.line, self.column)
            if start_node is not None:
                start = self.spans[start_node][:2]
            if end_node is not None:
                end = self.spans[end_node][2:]
            self.spans[node] = (start[0], start[1], end[0], end[1])


class Positions:
    """node -> CodeRange, like PositionProvider's mapping, for one tree."""

    def __init__(self, spans: Dict[cst.CSTNode, Span]) -> None:
        self._spans = spans

    def span(self, node: cst.CSTNode) -> Optional[Span]:
        return self._spans.get(node)

    def get(self, node: cst.CSTNode) -> Optional[CodeRange]:
        span = self.span(node)
        if span is None:
            return None
        return CodeRange(CodePosition(span[0], span[1]), CodePosition(span[2], span[3]))

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self.get(node)
        if found is None:
            raise KeyError(node)
        return found

    def __contains__(self, node: object) -> bool:
        return node in self._spans

    def __len__(self) -> int:
        return len(self._spans)


class _Piece:
    """One top-level statement (or the module's header or footer lines): spans relative to its first line."""

    def __init__(self, spans: Dict[cst.CSTNode, Span], lines: int) -> None:
        self.spans = spans
        self.lines = lines


class _PiecedPositions(Positions):
    """Positions assembled from pieces: a node's piece, and the line the piece starts on."""

    def __init__(self, pieces: List[_Piece], module: cst.Module, end: Tuple[int, int]) -> None:
        super().__init__({})
        self._pieces = pieces
        self._offsets: List[int] = []
        self._piece_of: Dict[cst.CSTNode, int] = {}
        offset = 0
        for piece in pieces:
            self._offsets.append(offset)
            offset += piece.lines
        for index in range(len(pieces) - 1, -1, -1):  # a node met twice keeps its first span, as in one codegen
            self._piece_of.update(dict.fromkeys(pieces[index].spans, index))
        self._module = module
        self._module_span: Span = (1, 0, end[0], end[1])

    def span(self, node: cst.CSTNode) -> Optional[Span]:
        index = self._piece_of.get(node)
        if index is None:
            return self._module_span if node is self._module else None
        start_line, start_column, end_line, end_column = self._pieces[index].spans[node]
        offset = self._offsets[index]
        return (start_line + offset, start_column, end_line + offset, end_column)

    def __contains__(self, node: object) -> bool:
        return node in self._piece_of or node is self._module

    def __len__(self) -> int:
        return len(self._piece_of) + 1


def _piece(nodes: List[cst.CSTNode], module: cst.Module) -> Optional[_Piece]:
    state = _PositionState(module.default_indent, module.default_newline)
    for node in nodes:
        node._codegen(state)
    if state.column != 0:
        return None
    return _Piece(state.spans, state.line - 1)


def compute_positions(module: cst.Module, cache: Optional[Dict[cst.CSTNode, _Piece]] = None) -> Positions:
    """Positions of every node; with a cache (statement -> its piece), statements seen before cost nothing."""
    if cache is None or not module.body or not module.has_trailing_newline:
        state = _PositionState(module.default_indent, module.default_newline)
        module._codegen(state)
        return Positions(state.spans)
    pieces: List[_Piece] = []
    statements: List[List[cst.CSTNode]] = [[statement] for statement in module.body]
    parts: List[List[cst.CSTNode]] = [list(module.header), *statements, list(module.footer)]
    for part in parts:
        if not part:
            continue
        key = part[0] if len(part) == 1 and isinstance(part[0], cst.BaseStatement) else None
        piece = cache.get(key) if key is not None else None
        if piece is None:
            piece = _piece(part, module)
            if piece is None:
                return compute_positions(module)
            if key is not None:
                cache[key] = piece
        pieces.append(piece)
    kept: Dict[cst.CSTNode, _Piece] = {statement: cache[statement] for statement in module.body if statement in cache}
    cache.clear()
    cache.update(kept)
    lines = sum(piece.lines for piece in pieces)
    return _PiecedPositions(pieces, module, (lines + 1, 0))
