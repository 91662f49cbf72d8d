"""The shared statement walks the codemods build on."""
from typing import List

import libcst as cst

from stylefix.cst_walk import (
    child_blocks, clauses, dotted_name, map_block, map_suites, suite_statements, walk_statements
)

SOURCE = """\
import os
if a:
    x = 1
elif b:
    def f():
        y = 2
else:
    z = 3
try:
    pass
except E:
    w = 4
finally:
    v = 5
match c:
    case 1:
        u = 6
for i in r: t = 7
"""


def codes(statements: List[cst.BaseStatement]) -> List[str]:
    module = cst.Module(body=[])
    return [module.code_for_node(statement).strip().splitlines()[0] for statement in statements]


def test_WHEN_statements_walked_THEN_every_block_is_entered_in_source_order() -> None:
    module = cst.parse_module(SOURCE)

    actual = codes(list(walk_statements(module.body)))

    expected = [
        "import os", "if a:", "x = 1", "def f():", "y = 2", "z = 3", "try:", "pass", "w = 4", "v = 5",
        "match c:", "u = 6", "for i in r: t = 7",
    ]
    assert expected == actual


def test_WHEN_statements_walked_AND_functions_not_entered_THEN_their_bodies_are_left_out() -> None:
    module = cst.parse_module(SOURCE)

    actual = codes(list(walk_statements(module.body, lambda statement: not isinstance(statement, cst.FunctionDef))))

    assert "def f():" in actual
    assert "y = 2" not in actual


def test_WHEN_clauses_listed_THEN_elif_and_else_follow_the_if() -> None:
    statement = cst.parse_module(SOURCE).body[1]

    actual = [type(clause).__name__ for clause in clauses(statement)]

    assert ["If", "If", "Else"] == actual
    assert 3 == len(list(child_blocks(statement)))


def test_WHEN_one_line_body_asked_THEN_it_has_no_statements_of_its_own() -> None:
    statement = cst.parse_module(SOURCE).body[-1]

    assert isinstance(statement, cst.For)
    assert () == suite_statements(statement.body)


def test_WHEN_block_mapped_THEN_none_unless_something_changed_and_unchanged_statements_are_kept() -> None:
    body = cst.parse_module("a = 1\nb = 2\n").body

    assert None is map_block(body, lambda statement: statement)
    renamed = map_block(body, lambda statement: cst.parse_statement("c = 3\n") if statement is body[1] else statement)
    assert renamed is not None
    assert body[0] is renamed[0]
    assert ["a = 1", "c = 3"] == codes(renamed)


def test_WHEN_suites_mapped_THEN_each_body_is_rewritten_with_its_clause_in_source_order() -> None:
    statement = cst.parse_module(SOURCE).body[2]  # try / except / finally
    seen: List[str] = []

    def rewrite(suite: cst.BaseSuite, clause: cst.CSTNode) -> cst.BaseSuite:
        seen.append(type(clause).__name__)
        if isinstance(clause, cst.Finally):
            return suite.with_changes(body=[cst.parse_statement("done = 1\n")])
        return suite

    updated = map_suites(statement, rewrite)

    assert ["Try", "ExceptHandler", "Finally"] == seen
    assert isinstance(updated, cst.Try) and isinstance(updated.finalbody, cst.Finally)
    assert ["done = 1"] == codes(list(suite_statements(updated.finalbody.body)))
    assert cst.ensure_type(statement, cst.Try).handlers[0] is updated.handlers[0]


def test_WHEN_suites_mapped_AND_nothing_changes_THEN_the_node_itself_comes_back() -> None:
    statement = cst.parse_module(SOURCE).body[1]  # if / elif / else
    seen: List[str] = []

    def rewrite(suite: cst.BaseSuite, clause: cst.CSTNode) -> cst.BaseSuite:
        seen.append(f"{type(clause).__name__} {type(suite).__name__}")
        return suite

    # TEST: the `elif` (an If in `orelse`) is entered, then its `else`.
    assert statement is map_suites(statement, rewrite)
    assert ["If IndentedBlock", "If IndentedBlock", "Else IndentedBlock"] == seen
    # TEST: a one-line body is handed to `rewrite` like an indented one.
    one_line = cst.parse_module(SOURCE).body[-1]
    seen.clear()
    assert one_line is map_suites(one_line, rewrite)
    assert ["For SimpleStatementSuite"] == seen


def test_WHEN_suites_mapped_AND_fields_given_THEN_bodies_are_rewritten_in_that_order() -> None:
    statement = cst.parse_statement("try:\n    a\nexcept E:\n    b\nelse:\n    c\nfinally:\n    d\n")
    seen: List[str] = []

    def rewrite(suite: cst.BaseSuite, clause: cst.CSTNode) -> cst.BaseSuite:
        seen.append(type(clause).__name__)
        return suite

    map_suites(statement, rewrite, ("body", "orelse", "handlers", "finalbody"))

    assert ["Try", "Else", "ExceptHandler", "Finally"] == seen


def test_WHEN_dotted_name_asked_THEN_only_chains_of_names_have_one() -> None:
    assert "os.path.join" == dotted_name(cst.parse_expression("os.path.join"))
    assert "x" == dotted_name(cst.parse_expression("x"))
    assert None is dotted_name(cst.parse_expression("f().y"))
    assert None is dotted_name(None)
