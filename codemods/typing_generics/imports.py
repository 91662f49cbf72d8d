"""typing-generics: the edits to the tree, imports above all.

Names added to an existing `from typing import ...` in its own order and layout, or a new import placed and spaced
where sort-imports would put it; removed `from collections.abc import ...` names and lines, their comments kept;
and the Applier, which puts the rewritten expressions and these edits into the tree, visiting only the statements
involved.
"""
import sys
from typing import Callable, FrozenSet, List, Mapping, Optional, Sequence, Set, Tuple, TypeVar, Union, cast

import libcst as cst

from stylefix.codemods.typing_generics.contexts import bound_name, from_module

STDLIB_MODULES: FrozenSet[str] = frozenset(sys.stdlib_module_names) | {"__future__"}
# A sort key for the names of a `from typing import ...`.
NameOrder = Callable[[str], Tuple[Union[int, str], ...]]
NodeT = TypeVar("NodeT", bound=cst.CSTNode)


def _isort_order(name: str) -> Tuple[int, str]:
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return (kind, name)


def _case_insensitive(name: str) -> Tuple[str, str]:
    return (name.lower(), name)


def _plain(name: str) -> Tuple[str]:
    return (name,)


# Orders an existing `from typing import ...` may follow (isort/ruff's default first); new names keep it.
NAME_ORDERS: Tuple[NameOrder, ...] = (_isort_order, _plain, _case_insensitive)


def _order_of(names: Sequence[str]) -> Optional[NameOrder]:
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


def _insert_name(node: cst.ImportFrom, name: str, order: Optional[NameOrder]) -> cst.ImportFrom:
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
    kept = [alias for alias in original if bound_name(alias) not in names]
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


def _is_stdlib_line(statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, cst.ImportFrom):
            module_name = from_module(small)
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
        return from_module(small) or ""
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


def _leading_lines(statement: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    """The blank and comment lines above a statement (which every statement class has; their base does not say so)."""
    assert isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    return statement.leading_lines


def _blank_prefix(lines: Sequence[cst.EmptyLine]) -> int:
    count = 0
    for line in lines:
        if line.comment is not None:
            break
        count += 1
    return count


def _with_blank_lines(statement: cst.BaseStatement, wanted: int) -> cst.BaseStatement:
    """`statement` with at least `wanted` blank lines above it (above its comments)."""
    leading_lines = _leading_lines(statement)
    missing = wanted - _blank_prefix(leading_lines)
    if missing <= 0:
        return statement
    added = tuple(cst.EmptyLine(indent=False) for _ in range(missing))
    return statement.with_changes(leading_lines=added + tuple(leading_lines))


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
        leading_lines = _leading_lines(following)
        blank = _blank_prefix(leading_lines)
        new_lines[0] = new_lines[0].with_changes(leading_lines=leading_lines[:blank])
        result[index] = following.with_changes(leading_lines=leading_lines[blank:])
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
            pending = (pending or []) + list(_leading_lines(statement))
            continue
        if pending is not None:
            leading_lines = _leading_lines(statement)
            if leading_lines:
                lines = [line for line in pending if line.comment is not None] + list(leading_lines)
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
        self, original_node: NodeT, updated_node: NodeT
    ) -> Union[NodeT, cst.RemovalSentinel, cst.FlattenSentinel[NodeT]]:
        replacement = self.replacements.get(original_node)
        if replacement is not None:
            # An expression for an expression, not always of the same class (`list[int]` -> `List[int]` is, but
            # `int | None` -> `Optional[int]` is not), which LibCST's signature cannot say.
            return cast(NodeT, replacement)
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
