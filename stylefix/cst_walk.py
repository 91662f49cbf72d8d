"""Walks over statement bodies in a LibCST tree, shared by the codemods (each used to write its own).

A compound statement owns one or more blocks of statements: its body, `elif`/`else` (an `elif` is an `If` in
`orelse`), `except`/`except*` handlers, `finally`, `match` cases. These helpers see only statements and blocks,
never expressions: a codemod that needs what is inside a statement visits that statement itself.
"""
from typing import Callable, Dict, Iterator, List, Optional, Sequence

import libcst as cst

# The attributes of a compound statement that hold another clause or a list of them, in source order.
CLAUSE_FIELDS = ("handlers", "cases", "orelse", "finalbody")


def suite_statements(suite: Optional[cst.BaseSuite]) -> Sequence[cst.BaseStatement]:
    """The statements of an indented block; () for a one-line body (`if x: y`), whose small statements are not
    statements of their own."""
    return suite.body if isinstance(suite, cst.IndentedBlock) else ()


def clauses(statement: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The statement and every clause of it that owns a body, in source order: `if`, each `elif` and the `else`;
    `try`, each handler, `else`, `finally`; `match` and each case; `for`/`while` and their `else`."""
    yield statement
    for name in CLAUSE_FIELDS:
        value = getattr(statement, name, None)
        if value is None:
            continue
        for part in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(part, cst.If):
                yield from clauses(part)  # `elif`
            else:
                yield part


def child_blocks(statement: cst.CSTNode) -> Iterator[Sequence[cst.BaseStatement]]:
    """The blocks of statements directly inside a compound statement (nothing for a simple statement line)."""
    if isinstance(statement, cst.SimpleStatementLine):
        return
    for clause in clauses(statement):
        body = getattr(clause, "body", None)
        if isinstance(body, cst.BaseSuite):
            yield suite_statements(body)


def walk_statements(
    body: Sequence[cst.BaseStatement], enter: Callable[[cst.BaseStatement], bool] = lambda statement: True
) -> Iterator[cst.BaseStatement]:
    """Every statement of `body` and, where `enter(statement)` says so, of the blocks inside it, in source order."""
    for statement in body:
        yield statement
        if enter(statement):
            for block in child_blocks(statement):
                yield from walk_statements(block, enter)


def map_block(
    body: Sequence[cst.BaseStatement], rewrite: Callable[[cst.BaseStatement], cst.BaseStatement]
) -> Optional[List[cst.BaseStatement]]:
    """`body` with each statement replaced by `rewrite(statement)`; None when every statement came back as it
    was, so a caller rebuilds nothing and the cost follows what changes, not the size of the file."""
    new_body: Optional[List[cst.BaseStatement]] = None
    for index, statement in enumerate(body):
        updated = rewrite(statement)
        if updated is not statement:
            if new_body is None:
                new_body = list(body)
            new_body[index] = updated
    return new_body


def map_suites(
    node: cst.CSTNode,
    rewrite: Callable[[cst.BaseSuite, cst.CSTNode], cst.BaseSuite],
    fields: Sequence[str] = ("body", *CLAUSE_FIELDS),
) -> cst.CSTNode:
    """`node` (a compound statement or a clause of one) with the body of it and of each of its clauses replaced by
    `rewrite(body, clause owning it)`; the node itself when every body came back as it was. `fields` are the
    attributes holding a body, a clause or a list of clauses, rewritten in that order (source order by default)."""
    changes: Dict[str, object] = {}
    for name in fields:
        value = getattr(node, name, None)
        if value is None:
            continue
        if isinstance(value, cst.BaseSuite):
            new_value: object = rewrite(value, node)
        elif isinstance(value, cst.CSTNode):
            new_value = map_suites(value, rewrite, fields)
        else:
            new_items = [map_suites(item, rewrite, fields) for item in value]
            new_value = new_items if any(new is not old for new, old in zip(new_items, value)) else value
        if new_value is not value:
            changes[name] = new_value
    return node.with_changes(**changes) if changes else node


def dotted_name(node: Optional[cst.CSTNode]) -> Optional[str]:
    """`a.b.c` for a chain of plain names and attributes (an import's name included), else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None
