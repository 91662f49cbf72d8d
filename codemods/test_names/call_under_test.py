"""What a test's body says: the function under test (what it calls, and what its first assert checks), a lone
`pytest.raises` block, the names it binds, its docstring."""
import builtins
import dataclasses
from dataclasses import dataclass
import functools
import re
import sys
from typing import FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple, cast

import libcst as cst

from stylefix.codemods.test_names.grammar import camel_words, snake_case
from stylefix.codemods.test_names.naming import BodyFacts
from stylefix.codemods.test_names.words import CLASS_NAME_NOISE, HELPER_ROOTS, MOCK_NAMES
from stylefix.cst_walk import clauses, suite_statements, walk_statements

# Calls that are never the function under test.
BUILTIN_NAMES: FrozenSet[str] = frozenset(dir(builtins))
STDLIB_MODULES: FrozenSet[str] = frozenset(sys.stdlib_module_names)
# Names of one or two characters (`attr.s`, `attr.ib`, `f`) are shorthands or stand-ins: the function under test
# only when the old name has them as a word.
MIN_CALL_NAME_LENGTH = 3
# Fields of LibCST nodes that hold only punctuation and whitespace, never a call (besides whitespace_*).
SYNTAX_FIELDS: FrozenSet[str] = frozenset(
    {
        "colon", "comma", "dot", "equal", "first_colon", "footer", "header", "indent", "lbrace", "lbracket",
        "leading_lines", "lines_after_decorators", "lpar", "operator", "rbrace", "rbracket", "rpar", "second_colon",
        "semicolon", "star", "trailing_whitespace",
    }
)
# Nested scopes: what they call runs later, if at all.
NOT_SEARCHED_NODES: FrozenSet[type] = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})
# A comment that opens the "act" section of a test: "# Run our test", "# Act", "# When".
ACT_COMMENT_RE = re.compile(r"^#\s*(?:Run|RUN|Act|ACT|When|WHEN)\b")


def callee_parts(func: cst.BaseExpression) -> Optional[List[str]]:
    """`ops.perform_get` -> ["ops", "perform_get"]; `Client().get` -> ["Client", "get"]; None if not a name."""
    parts: List[str] = []
    node: cst.BaseExpression = func
    while True:
        if isinstance(node, cst.Attribute):
            parts.append(node.attr.value)
            node = node.value
        elif isinstance(node, cst.Call):
            node = node.func
        elif isinstance(node, cst.Subscript):
            node = node.value
        elif isinstance(node, cst.Name):
            parts.append(node.value)
            return parts[::-1]
        else:
            return parts[::-1] if parts else None


@dataclass(frozen=True)
class CallRules:
    """What the search for the function under test skips: names of this file and of the test (helpers, values);
    and the old name's words, the only one- or two-letter names that count (`test_eq` calling `eq`)."""

    local_names: FrozenSet[str]
    name_words: FrozenSet[str] = frozenset()


def is_call_under_test(parts: Sequence[str], rules: CallRules) -> bool:
    """Not a mock, a constructor, a builtin, a pytest helper, a helper of this file or a stdlib function."""
    last = parts[-1]
    bare = last.lstrip("_")
    if not bare or (last.startswith("__") and last.endswith("__")) or bare[0].isupper():
        return False
    if len(bare) < MIN_CALL_NAME_LENGTH and bare not in rules.name_words:
        return False
    if last.lower().startswith("assert"):
        return False
    if any("mock" in part.lower() or part in MOCK_NAMES for part in parts):
        return False
    if len(parts) == 1:
        return last not in BUILTIN_NAMES and last not in rules.local_names
    root = parts[0]
    if root in HELPER_ROOTS or root in STDLIB_MODULES:
        return False
    return not (root == "self" and len(parts) == 2)


def _first_call(node: cst.CSTNode, rules: CallRules) -> Optional[str]:
    """The first qualifying call in pre-order (outer calls before the calls in their arguments).

    Exact type checks: LibCST's node classes are ABCs, and isinstance() against them costs ten times more."""
    kind = type(node)
    if kind in NOT_SEARCHED_NODES:
        return None
    callee: Optional[cst.BaseExpression] = None
    if kind is cst.Call:
        callee = cast(cst.Call, node).func
    elif kind is cst.Decorator and type(cast(cst.Decorator, node).decorator) is not cst.Call:
        callee = cast(cst.Decorator, node).decorator  # `@memoize` calls memoize with the function
    if callee is not None:
        parts = callee_parts(callee)
        if parts and is_call_under_test(parts, rules):
            return parts[-1].lstrip("_")
    for child in _child_nodes(node):
        found = _first_call(child, rules)
        if found is not None:
            return found
    return None


@functools.lru_cache(maxsize=None)
def _searched_fields(node_type: type) -> Tuple[str, ...]:
    return tuple(
        item.name
        for item in dataclasses.fields(node_type)
        if not item.name.startswith("whitespace") and item.name not in SYNTAX_FIELDS
    )


@functools.lru_cache(maxsize=None)
def _is_node_type(kind: type) -> bool:
    return issubclass(kind, cst.CSTNode)


def _child_nodes(node: cst.CSTNode) -> List[cst.CSTNode]:
    """The children that can hold a call, in source order; `node.children` costs a visit per node, 15x slower."""
    children: List[cst.CSTNode] = []
    for name in _searched_fields(type(node)):
        value = getattr(node, name)
        kind: type = type(value)  # a type, hashable for the cache (mypy cannot tell from `type(Any)`)
        if kind is tuple or kind is list:
            for item in value:
                item_kind: type = type(item)
                if _is_node_type(item_kind):
                    children.append(item)
        elif _is_node_type(kind):
            children.append(value)
    return children


def _header(statement: cst.BaseCompoundStatement) -> List[cst.CSTNode]:
    """The expressions a compound statement evaluates before its body."""
    if isinstance(statement, cst.With):
        return [item.item for item in statement.items]
    if isinstance(statement, (cst.If, cst.While)):
        return [statement.test]
    if isinstance(statement, cst.For):
        return [statement.iter]
    if isinstance(statement, cst.Match):
        return [statement.subject]
    return []


def _steps(block: Iterable[cst.BaseStatement]) -> Iterator[Tuple[cst.BaseStatement, List[cst.CSTNode]]]:
    """(statement, what it evaluates) in execution order; a compound statement's header comes before its body."""
    for statement in block:
        if isinstance(statement, cst.SimpleStatementLine):
            yield statement, [statement]
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            yield statement, list(statement.decorators)
        elif isinstance(statement, cst.BaseCompoundStatement):
            for clause in clauses(statement):
                if isinstance(clause, cst.BaseCompoundStatement):  # the statement itself or an `elif`
                    yield clause, _header(clause)
                body = getattr(clause, "body", None)
                yield from _steps(suite_statements(body if isinstance(body, cst.BaseSuite) else None))


def _has_act_comment(statement: cst.BaseStatement) -> bool:
    lines = getattr(statement, "leading_lines", ())
    return any(line.comment is not None and ACT_COMMENT_RE.match(line.comment.value) for line in lines)


def _is_assert(statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, cst.Assert):
            return True
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            parts = callee_parts(small.value.func)
            if parts and parts[-1].lower().startswith("assert"):
                return True
    return False


def _step_call(nodes: Sequence[cst.CSTNode], rules: CallRules) -> Optional[str]:
    for node in nodes:
        found = _first_call(node, rules)
        if found is not None:
            return found
    return None


def find_call_under_test(
    body: Sequence[cst.BaseStatement], rules: CallRules
) -> Tuple[Optional[str], Optional[str]]:
    """After a `# Run`/`# Act`/`# When` comment the first call; else the last call before the first assert (or
    the first call in it). Second: the first call in that assert when an earlier call came first, else None."""
    steps = list(_steps(body))
    act = next((i for i, (statement, _nodes) in enumerate(steps) if _has_act_comment(statement)), None)
    if act is not None:
        for _statement, nodes in steps[act:]:
            found = _step_call(nodes, rules)
            if found is not None:
                return found, None
    last: Optional[str] = None
    for statement, nodes in steps:
        found = _step_call(nodes, rules)
        if _is_assert(statement):
            return (last, found) if last is not None else (found, None)
        if found is not None:
            last = found
    return last, None


def _is_pytest_raises(node: cst.BaseExpression) -> bool:
    if not isinstance(node, cst.Call):
        return False
    parts = callee_parts(node.func)
    return parts in (["pytest", "raises"], ["raises"])


def single_raises(body: Sequence[cst.BaseStatement]) -> Optional[str]:
    """For a body that ends in its only `with pytest.raises(X):` block: the exception in snake case."""
    statements = [s for s in body if not _is_docstring_statement(s)]
    blocks = [
        s for s in statements if isinstance(s, cst.With) and any(_is_pytest_raises(i.item) for i in s.items)
    ]
    if len(blocks) != 1 or statements[-1] is not blocks[0] or len(blocks[0].items) != 1:
        return None
    call = blocks[0].items[0].item
    assert isinstance(call, cst.Call)
    positional = [arg for arg in call.args if arg.keyword is None]
    if not positional or len(positional) > 1:
        return "" if positional else None
    exception = callee_parts(positional[0].value) if not isinstance(positional[0].value, cst.Call) else None
    return snake_case(exception[-1]) if exception else ""


def _is_docstring_statement(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _target_names(target: cst.CSTNode) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _target_names(target.value)


def function_bindings(node: cst.FunctionDef) -> Set[str]:
    """Parameters and names the body binds: calling one of them calls a helper or a value, not the code under test."""
    params = node.params
    names = {param.name.value for param in (*params.posonly_params, *params.params, *params.kwonly_params)}
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)
    for statement in walk_statements(suite_statements(node.body), _is_not_nested_scope):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            names.add(statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    for target in small.targets:
                        names.update(_target_names(target.target))
                elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                    names.update(_target_names(small.target))
        elif isinstance(statement, cst.For):
            names.update(_target_names(statement.target))
        elif isinstance(statement, cst.With):
            for item in statement.items:
                if item.asname is not None:
                    names.update(_target_names(item.asname.name))
    return names


def _is_not_nested_scope(statement: cst.BaseStatement) -> bool:
    return not isinstance(statement, (cst.FunctionDef, cst.ClassDef))


def class_words(class_name: Optional[str]) -> Tuple[str, ...]:
    if class_name is None:
        return ()
    return tuple(word for word in camel_words(class_name) if word not in CLASS_NAME_NOISE)


def body_facts(
    node: cst.FunctionDef, module_names: FrozenSet[str], words: Sequence[str], class_name: Optional[str] = None
) -> BodyFacts:
    body = suite_statements(node.body)
    rules = CallRules(module_names | function_bindings(node), frozenset(word.lower() for word in words))
    call, assert_call = find_call_under_test(body, rules)
    docstring = node.get_docstring(clean=True)
    return BodyFacts(call, assert_call, single_raises(body), docstring, class_words(class_name))
