"""What the language server sends for an outcome: minimal text edits, diagnostics and code actions, with positions
counted in the client's units (UTF-16 code units by default). Pure functions of the outcome and the buffer."""
from dataclasses import dataclass
import difflib
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from lsprotocol import types

from stylefix import registry
from stylefix.lsp_outcome import Outcome
from stylefix.results import Change, StylefixError
from stylefix.spans import split_lines

SOURCE = "stylefix"
FIX_ALL_KIND = "source.fixAll.stylefix"

Units = Callable[[str], int]
# The edits of a run of some codemods only, made when a code action needs them.
PartialEdits = Callable[[Sequence[str]], List[types.TextEdit]]


@dataclass(frozen=True)
class SourceAction:
    """A code action that runs one codemod alone, declared by its spec (`code_action_kind`)."""

    kind: str
    codemod: str
    title: str


SOURCE_ACTIONS: Tuple[SourceAction, ...] = tuple(
    SourceAction(f"{spec.code_action_kind}.{SOURCE}", spec.name, f"stylefix: {spec.name.replace('-', ' ')}")
    for spec in registry.CODEMODS
    if spec.code_action_kind
)
CODE_ACTION_KINDS: List[str] = [types.CodeActionKind.QuickFix, FIX_ALL_KIND, *(a.kind for a in SOURCE_ACTIONS)]


def _strip_terminator(line: str) -> str:
    return line.rstrip("\r\n")


def _position(lines: Sequence[str], index: int, units: Units) -> types.Position:
    """The start of line `index`; one past the last line is the end of the document."""
    if index < len(lines):
        return types.Position(line=index, character=0)
    if not lines:
        return types.Position(line=0, character=0)
    last = lines[-1]
    if last != _strip_terminator(last):
        return types.Position(line=len(lines), character=0)
    return types.Position(line=len(lines) - 1, character=units(last))


def text_edits(old: str, new: str, units: Units = len) -> List[types.TextEdit]:
    """Minimal whole-line edits that turn `old` into `new` (a line diff, not one whole-document replacement)."""
    if old == new:
        return []
    old_lines, new_lines = split_lines(old), split_lines(new)
    # The common head and tail cost nothing to skip and usually leave only a few lines for the diff.
    head = 0
    while head < min(len(old_lines), len(new_lines)) and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while (
        tail < min(len(old_lines), len(new_lines)) - head
        and old_lines[len(old_lines) - 1 - tail] == new_lines[len(new_lines) - 1 - tail]
    ):
        tail += 1
    old_middle = old_lines[head : len(old_lines) - tail]
    new_middle = new_lines[head : len(new_lines) - tail]
    matcher = difflib.SequenceMatcher(None, old_middle, new_middle, autojunk=False)
    edits = []
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        edits.append(
            types.TextEdit(
                range=types.Range(
                    start=_position(old_lines, head + old_start, units),
                    end=_position(old_lines, head + old_end, units),
                ),
                new_text="".join(new_middle[new_start:new_end]),
            )
        )
    return edits


def _line_range(lines: Sequence[str], line: int, start: int, units: Units) -> types.Range:
    """From character `start` (code points) of 0-based `line` to its end, clamped to the document."""
    if not lines:
        return types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    index = min(max(line, 0), len(lines) - 1)
    text = _strip_terminator(lines[index])
    start = min(max(start, 0), len(text))
    return types.Range(
        start=types.Position(line=index, character=units(text[:start])),
        end=types.Position(line=index, character=units(text)),
    )


def _span_range(lines: Sequence[str], change: Change, units: Units) -> types.Range:
    """The exact text a change is about (the engine positions it in the document's own text)."""
    if not lines:
        return _line_range(lines, 0, 0, units)

    def position(line: int, column: int) -> types.Position:
        index = min(max(line - 1, 0), len(lines) - 1)
        text = _strip_terminator(lines[index])
        return types.Position(line=index, character=units(text[: min(max(column, 0), len(text))]))

    start = position(change.line, change.column)
    end = position(change.end_line, change.end_column)
    if (end.line, end.character) < (start.line, start.character):
        end = start
    return types.Range(start=start, end=end)


def change_diagnostic(change: Change, lines: Sequence[str], units: Units) -> types.Diagnostic:
    if change.end_line > 0:
        where = _span_range(lines, change, units)
    else:
        where = _line_range(lines, change.line - 1, 0, units)
    return types.Diagnostic(
        range=where,
        message=change.message,
        severity=types.DiagnosticSeverity.Warning,
        code=change.codemod,
        source=SOURCE,
    )


def error_diagnostic(error: StylefixError, lines: Sequence[str], units: Units) -> types.Diagnostic:
    line = (error.line or 1) - 1
    column = (error.column or 1) - 1
    return types.Diagnostic(
        range=_line_range(lines, line, column, units),
        message=error.message,
        severity=types.DiagnosticSeverity.Error,
        source=SOURCE,
    )


def diagnostics(outcome: Outcome, units: Units) -> List[types.Diagnostic]:
    """Diagnostics on the document as the editor has it (never on stylefix's output)."""
    lines = split_lines(outcome.original if outcome.changes else outcome.text)
    if outcome.error is not None:
        return [error_diagnostic(outcome.error, lines, units)]
    return [change_diagnostic(change, lines, units) for change in outcome.changes]


def wanted_kind(kind: str, only: Optional[Sequence[str]]) -> bool:
    """Whether an action of `kind` answers a request limited to `only` (kinds are hierarchical: a.b covers a.b.c)."""
    if not only:
        return True
    return any(kind == prefix or kind.startswith(prefix + ".") for prefix in only)


def _quick_fix_title(change: Change, count: int) -> str:
    if count == 1:
        return f"stylefix: {change.message} ({change.codemod})"
    # The quick fix runs the whole codemod: one change alone may need another (an import its rewrite uses).
    return f"stylefix: apply {change.codemod} ({count} changes, including {change.message})"


def code_actions(
    uri: str,
    source: str,
    outcome: Outcome,
    published: Sequence[types.Diagnostic],
    lines: Tuple[int, int],
    only: Optional[Sequence[str]],
    partial_edits: PartialEdits,
    units: Units,
) -> List[types.CodeAction]:
    """A quick fix per diagnostic on `lines` (first, last; 0-based), fix all, and each codemod's source action.

    `published` are the very diagnostics that were published (or pulled) for this outcome, one per change."""
    if not outcome.changed:
        return []
    found = list(zip(outcome.changes, published))
    actions = []
    if wanted_kind(types.CodeActionKind.QuickFix, only):
        counts: Dict[str, int] = {}
        for change in outcome.changes:
            counts[change.codemod] = counts.get(change.codemod, 0) + 1
        first, last = lines
        for change, diagnostic in found:
            if not first <= diagnostic.range.start.line <= last:
                continue
            edits = partial_edits([change.codemod])
            if edits:
                actions.append(
                    types.CodeAction(
                        title=_quick_fix_title(change, counts[change.codemod]),
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=types.WorkspaceEdit(changes={uri: edits}),
                    )
                )
    if wanted_kind(FIX_ALL_KIND, only):
        actions.append(
            types.CodeAction(
                title="stylefix: fix all",
                kind=FIX_ALL_KIND,
                diagnostics=[diagnostic for _, diagnostic in found],
                edit=types.WorkspaceEdit(changes={uri: text_edits(source, outcome.text, units)}),
            )
        )
    for action in SOURCE_ACTIONS:
        if not wanted_kind(action.kind, only) or not any(c.codemod == action.codemod for c in outcome.changes):
            continue
        edits = partial_edits([action.codemod])
        if edits:
            actions.append(
                types.CodeAction(
                    title=action.title,
                    kind=action.kind,
                    diagnostics=[diagnostic for change, diagnostic in found if change.codemod == action.codemod],
                    edit=types.WorkspaceEdit(changes={uri: edits}),
                )
            )
    return actions
