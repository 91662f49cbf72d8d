"""Node positions for reporting, computed the way LibCST's PositionProvider does, at a third of its cost.

PositionProvider splits every token with a regular expression and builds two CodePosition objects and a
CodeRange per node; on a typical file that costs about as much as parsing it. Codemods only look up the few
nodes they change, so positions are kept as plain tuples and turned into CodeRange objects on lookup. The
result is identical to PositionProvider's (a test compares them node by node).
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

    def get(self, node: cst.CSTNode) -> Optional[CodeRange]:
        span = self._spans.get(node)
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


def compute_positions(module: cst.Module) -> Positions:
    state = _PositionState(module.default_indent, module.default_newline)
    module._codegen(state)
    return Positions(state.spans)
