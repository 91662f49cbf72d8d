"""Applying the planned renames: each renamed def, the names that refer to it, and its old name in comments and
docstrings, rebuilding only the statements that hold one."""
import bisect
import re
from typing import Callable, Dict, List, Optional, Sequence, Set

import libcst as cst
from libcst.metadata import CodeRange

from stylefix.cst_walk import map_block
from stylefix.mentions import COMMENT, DOCSTRING
from stylefix.results import Change


def docstring_node(node: cst.CSTNode) -> Optional[cst.SimpleString]:
    """The docstring of a module, class or function: its first statement when that is a plain string.

    A one-line body counts too (`def test_a(): "doc"`): its first small statement is the docstring."""
    if isinstance(node, cst.Module):
        body: Sequence[cst.CSTNode] = node.body
    elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        body = node.body.body
    else:
        return None
    first = body[0] if body else None
    if isinstance(first, cst.SimpleStatementLine):
        first = first.body[0] if first.body else None
    if isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString):
        return first.value
    return None


class Renamer(cst.CSTTransformer):
    """Renames the Name nodes in `renames` (by id), and the old names in comments and docstrings once
    `rename_in_text` is given them. Positions and lines are asked of the codemod that planned the renames."""

    def __init__(
        self,
        codemod: str,
        line_of: Callable[[cst.CSTNode], int],
        position: Callable[[cst.CSTNode], Optional[CodeRange]],
    ) -> None:
        super().__init__()
        self._codemod = codemod
        self._line_of = line_of
        self._position = position
        self.renames: Dict[int, str] = {}  # id of a Name node -> its new value
        self.enter: Set[int] = set()  # ids of the classes that hold a renamed def
        self.target_lines: List[int] = []  # lines of every renamed Name (scope path only)
        self.reference_lines: List[int] = []  # lines of the references among them (scope path only)
        # old name -> new name, for comments and docstrings that mention a renamed test (then the whole tree is
        # visited: rare, and comments sit between statements where the statement rewrite does not look)
        self._text_renames: Dict[str, str] = {}
        self._text_pattern: Optional["re.Pattern[str]"] = None
        self._docstrings: Set[int] = set()  # ids of the docstring nodes seen by the visit
        self.changes: List[Change] = []  # one per comment or docstring changed

    def rename_in_text(self, text_renames: Dict[str, str]) -> None:
        """Rename these old names in comments and docstrings too; the tree must then be visited whole."""
        self._text_renames = text_renames
        self._text_pattern = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, text_renames))})(?!\w)")

    def rewrite_block(self, body: Sequence[cst.BaseStatement]) -> Optional[List[cst.BaseStatement]]:
        """The statements with the renamed ones replaced; None when none changed. Untouched statements are
        returned as they are, so the cost follows what changes, not the size of the file."""
        return map_block(body, self._rewrite_statement)

    def _rewrite_statement(self, statement: cst.BaseStatement) -> cst.BaseStatement:
        if self.reference_lines and self._holds(statement, self.reference_lines):
            # A reference can sit anywhere in the statement: visit it, entering only statements that hold one.
            visited = statement.visit(self)
            assert isinstance(visited, cst.BaseStatement), "renaming names never removes a statement"
            return visited
        if isinstance(statement, cst.FunctionDef):
            new = self.renames.get(id(statement.name))
            return statement if new is None else statement.with_changes(name=statement.name.with_changes(value=new))
        if isinstance(statement, cst.ClassDef) and id(statement) in self.enter:
            block = statement.body
            if isinstance(block, cst.IndentedBlock):
                body = self.rewrite_block(block.body)
                if body is not None:
                    return statement.with_changes(body=block.with_changes(body=body))
        return statement

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._text_pattern is not None:
            docstring = docstring_node(node)
            if docstring is not None:
                self._docstrings.add(id(docstring))
        # Only statements that hold a renamed name are entered: most test bodies are skipped whole.
        elif isinstance(node, cst.BaseStatement) and not self._holds(node, self.target_lines):
            return False
        return super().on_visit(node)

    def _renamed_text(self, node: cst.CSTNode, text: str, kind: str) -> str:
        """`text` with the renamed tests' old names replaced, each replacement reported as a change."""
        pattern = self._text_pattern
        assert pattern is not None
        found = list(dict.fromkeys(pattern.findall(text)))
        for old in found:
            message = f"{kind}: {old} -> {self._text_renames[old]}"
            self.changes.append(Change(self._codemod, self._line_of(node), message))
        return pattern.sub(lambda match: self._text_renames[match.group(0)], text) if found else text

    def leave_Comment(self, original_node: cst.Comment, updated_node: cst.Comment) -> cst.Comment:
        if self._text_pattern is None:
            return updated_node
        value = self._renamed_text(original_node, updated_node.value, COMMENT)
        return updated_node if value == updated_node.value else updated_node.with_changes(value=value)

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.SimpleString:
        if self._text_pattern is None or id(original_node) not in self._docstrings:
            return updated_node
        value = self._renamed_text(original_node, updated_node.value, DOCSTRING)
        return updated_node if value == updated_node.value else updated_node.with_changes(value=value)

    def _holds(self, statement: cst.BaseStatement, lines: List[int]) -> bool:
        """Whether one of the sorted `lines` falls in the statement, decorators included."""
        position = self._position(statement)
        if position is None:
            return True
        first, last = position.start.line, position.end.line
        decorators = getattr(statement, "decorators", ())
        if decorators:
            first = min(first, self._line_of(decorators[0]))
        index = bisect.bisect_left(lines, first)
        return index < len(lines) and lines[index] <= last

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self.renames.get(id(original_node))
        return updated_node if new is None else updated_node.with_changes(value=new)
