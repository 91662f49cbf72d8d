"""Where a renamed test's old name is used: in this file's text (counted per line), as a variable (CPython's
`ast`, or LibCST's scope analysis when the text cannot tell), in strings and attributes the rename cannot reach,
elsewhere in the project (its mentions and `-k` expressions, gathered before the run)."""
import ast
import bisect
from collections import Counter
from dataclasses import dataclass
import logging
import os
from pathlib import Path
import re
import typing
from typing import Dict, FrozenSet, Iterable, List, Optional, Protocol, Sequence, Set, Tuple

import libcst as cst
from libcst.metadata import Assignment, MetadataWrapper, Scope, ScopeProvider

from stylefix.codemods.test_names.selection import Candidate, Reporter
from stylefix.config import ProjectMentions
from stylefix.mentions import ATTRIBUTE, STRING, Occurrence, keyword_mismatches
from stylefix.parsing import python_tree

logger = logging.getLogger(__name__)

# `ast` nodes and fields whose strings are never variables: string constants, attribute and keyword names,
# the module of `from x import y`, type comments.
NO_VARIABLE_NODES: FrozenSet[str] = frozenset({"Constant", "TypeIgnore"})
TYPE_COMMENT_NODES: Tuple[str, ...] = (
    "AsyncFor", "AsyncFunctionDef", "AsyncWith", "Assign", "For", "FunctionDef", "With", "arg"
)
NO_VARIABLE_FIELDS: FrozenSet[Tuple[str, str]] = frozenset(
    {("FunctionDef", "name"), ("AsyncFunctionDef", "name")}  # counted as defs, per scope
    | {("Attribute", "attr"), ("keyword", "arg"), ("ImportFrom", "module"), ("MatchClass", "kwd_attrs")}
    | {(kind, "type_comment") for kind in TYPE_COMMENT_NODES}
)
# (name, line) -> how often the name occurs there as a whole word.
MentionCounts = typing.Counter[Tuple[str, int]]
# A renamed test with the Name nodes that refer to it (none when the text showed nothing refers to it).
Resolved = Tuple[Candidate, List[cst.Name]]


class ScopeReporter(Reporter, Protocol):
    """Besides what selection asks: positions, for the warnings about names bound twice."""

    def where(self, node: cst.CSTNode) -> str: ...

    def line_of(self, node: cst.CSTNode) -> int: ...


def mention_counts(code: str, names: Iterable[str]) -> MentionCounts:
    """(name, line) -> how often the name occurs there as a whole word; one pass over the code for all names.

    Lines are counted as LibCST counts them (`\n`, `\r\n` and a lone `\r` each end one)."""
    wanted = frozenset(names)
    if not wanted:
        return Counter()
    # Every word that starts like the names (the pattern is the same for every file: `test` for test names).
    prefix = os.path.commonprefix(sorted(wanted))
    pattern = re.compile(rf"(?<!\w){re.escape(prefix)}\w*" if prefix else r"\w+")
    lone_returns = "\r" in code
    counts: MentionCounts = Counter()
    line, offset = 1, 0
    for match in pattern.finditer(code):
        word = match.group(0)
        if word not in wanted:
            continue
        start = match.start()
        line += code.count("\n", offset, start)
        if lone_returns:
            line += code.count("\r", offset, start) - code.count("\r\n", offset, start)
        offset = start
        counts[(word, line)] += 1
    return counts


@dataclass(frozen=True)
class NameUses:
    """What CPython's `ast` says about some names: how often each is used as a variable besides the function
    defs named after it, and the lines of those defs per scope (the chain of enclosing classes and functions)."""

    variables: typing.Counter[str]
    defs: Dict[Tuple[str, Tuple[str, ...]], List[int]]


def variable_uses(code: str, names: FrozenSet[str], lines: Sequence[int]) -> Optional[NameUses]:
    """From CPython's `ast` (a tenth of a LibCST parse): every identifier among `names` that can bind or refer to
    a variable, in any scope. Attribute and keyword names, imported-from modules and strings are not counted, nor
    comments. Only the statements that span one of the sorted `lines` (where the names occur in the text) are
    looked into. None when this Python cannot parse the code."""
    tree = python_tree(code)
    if tree is None:
        return None
    uses = NameUses(Counter(), {})
    try:
        _scan(tree, (), names, lines, uses)
    except RecursionError:  # a very deep expression: let scope analysis decide
        return None
    return uses


def _spans(statement: ast.stmt, lines: Sequence[int]) -> bool:
    first = min([statement.lineno, *(item.lineno for item in getattr(statement, "decorator_list", ()))])
    index = bisect.bisect_left(lines, first)
    return index < len(lines) and lines[index] <= (statement.end_lineno or statement.lineno)


def _scan(node: ast.AST, scope: Tuple[str, ...], names: FrozenSet[str], lines: Sequence[int], uses: NameUses) -> None:
    kind = type(node).__name__
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        if node.name in names and not isinstance(node, ast.ClassDef):
            uses.defs.setdefault((node.name, scope), []).append(node.lineno)
        scope = (*scope, f"{kind}:{node.name}")
    for field, value in ast.iter_fields(node):
        if isinstance(value, ast.AST):
            _scan(value, scope, names, lines, uses)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, ast.stmt):
                    if _spans(item, lines):
                        _scan(item, scope, names, lines, uses)
                elif isinstance(item, ast.AST):
                    _scan(item, scope, names, lines, uses)
                elif isinstance(item, str) and _is_variable_field(kind, field):
                    uses.variables.update(part for part in item.split(".") if part in names)
        elif isinstance(value, str) and _is_variable_field(kind, field):
            uses.variables.update(part for part in value.split(".") if part in names)


def _is_variable_field(kind: str, field: str) -> bool:
    return kind not in NO_VARIABLE_NODES and (kind, field) not in NO_VARIABLE_FIELDS


def unreferenced_def_lines(
    code: str, candidates: Sequence[Candidate], mentions: MentionCounts, totals: typing.Counter[str], path: Path
) -> Optional[Dict[int, int]]:
    """id of each candidate's def -> its line, when no old name is referred to or bound twice in a scope;
    else None (scope analysis decides).

    An old name that occurs once in the text occurs only at its def. For the others, CPython's `ast` tells
    whether any other occurrence is a variable, or a second def in the same scope (then scope analysis
    finds the references and warns), or only strings, comments, attributes and defs in other classes (warned
    about, as on the scope path)."""
    if not all(candidate.old.isascii() for candidate in candidates):
        return None  # the text's word boundaries are exact for ASCII names only; rare enough to pay for scopes
    once = {old: line for (old, line) in mentions if totals[old] == 1}
    lines = {id(c.node.name): once[c.old] for c in candidates if c.old in once}
    others = [candidate for candidate in candidates if candidate.old not in once]
    if not others:
        return lines
    names = frozenset(candidate.old for candidate in others)
    logger.debug("%s: %s occur again; asking ast", path, ", ".join(sorted(names)))
    uses = variable_uses(code, names, sorted({line for (name, line) in mentions if name in names}))
    if uses is None or any(uses.variables[name] for name in names):
        return None
    if any(len(found) != 1 for (name, _scope), found in uses.defs.items()):
        return None  # bound twice in one scope: scope analysis warns with both lines
    for candidate in others:
        found = uses.defs.get((candidate.old, candidate.test.scope))
        if found is None:
            return None
        if (candidate.old, found[0]) in mentions:  # else the name is on a continuation line: positions tell
            lines[id(candidate.node.name)] = found[0]
    return lines


def resolve_references(
    candidates: Sequence[Candidate], wrapper: MetadataWrapper, taken: Set[str], reporter: ScopeReporter
) -> List[Resolved]:
    """The scope path: each candidate with the Name nodes that refer to it; names bound twice are left out.

    Every name bound in any scope joins `taken`, so non-ASCII names are as safe as the text makes ASCII ones."""
    scopes = wrapper.resolve(ScopeProvider)
    for scope in {id(scope): scope for scope in scopes.values() if scope is not None}.values():
        taken.update(assignment.name for assignment in scope.assignments)
    resolved = []
    for candidate in candidates:
        node_scope = scopes.get(candidate.node)
        if node_scope is None:
            continue
        references = _references(candidate, node_scope, reporter)
        if references is not None:
            resolved.append((candidate, references))
    return resolved


def _references(candidate: Candidate, scope: Scope, reporter: ScopeReporter) -> Optional[List[cst.Name]]:
    """The Name nodes that refer to this def; None (with a warning) when the name is bound more than once."""
    assignments = list(scope.assignments[candidate.old])
    if len(assignments) != 1:
        lines = sorted({reporter.line_of(a.node) for a in assignments if isinstance(a, Assignment)})
        reporter.warn(
            f"{reporter.where(candidate.node.name)}: {candidate.old} is bound {len(assignments)} times in its scope "
            f"(lines {', '.join(map(str, lines))}); only the last counts; not renamed"
        )
        return None
    return [access.node for access in assignments[0].references if isinstance(access.node, cst.Name)]


def unblocked(
    candidates: Sequence[Candidate],
    occurrences: Sequence[Occurrence],
    own_path: str,
    index: Optional[ProjectMentions],
    reporter: Reporter,
) -> List[Candidate]:
    """The candidates whose name nothing the rename cannot reach uses: a string or an attribute in this file,
    a string, an import or configuration text elsewhere in the project. The others keep their name."""
    here: Dict[str, List[Tuple[str, int, str]]] = {}
    for occurrence in occurrences:
        if occurrence.kind in (STRING, ATTRIBUTE):
            here.setdefault(occurrence.word, []).append((own_path, occurrence.line, occurrence.kind))
    kept = []
    for candidate in candidates:
        uses = list(here.get(candidate.old, ()))
        if index is not None:
            uses += [(m.path, m.line, m.kind) for m in index.of(candidate.old, exclude_path=own_path)]
        if not uses:
            kept.append(candidate)
            continue
        path, line, kind = uses[0]
        more = f" and {len(uses) - 1} more place{'s' if len(uses) > 2 else ''}" if len(uses) > 1 else ""
        reporter.warn_kept(
            candidate.node, candidate.old, f"its name is used at {path}:{line} ({kind}){more}; rename both by hand"
        )
    return kept


def keyword_selected(
    resolved: Sequence[Resolved], index: Optional[ProjectMentions], reporter: Reporter
) -> List[Resolved]:
    """Without the renames that a `-k` expression in the project's configuration would select differently."""
    if index is None or not index.keyword_lines:
        return list(resolved)
    kept = []
    for candidate, references in resolved:
        found = [
            (option, word)
            for option in index.keyword_lines
            for word in keyword_mismatches(option.words, candidate.old, candidate.new)
        ]
        if not found:
            kept.append((candidate, references))
            continue
        option, word = found[0]
        reporter.warn_kept(
            candidate.node,
            candidate.old,
            f"-k {word!r} at {option.path}:{option.line} selects it and {candidate.new} differently "
            "(-k expression); rename both by hand",
        )
    return kept
