"""The units `stylefix review` asks about, and how a choice of them becomes text. Pure: no terminal, no files.

A file is reviewed codemod by codemod, in the order the codemods run: each codemod runs alone on the text the
earlier choices made, so every unit belongs to exactly one codemod and its reasons are that codemod's own.
- test-names: one unit per rename. The renamed file and the original tokenize alike except for the renamed
  names, so the rename is the set of places where one old name became one new name; accepting it (or an edited
  name) rewrites exactly those places.
- the other codemods: one unit per hunk of the line diff between the codemod's input and output. Hunks of
  sort-imports inside one import block are one unit (a moved import is a deletion and an insertion); hunks of
  typing-generics that only add or remove imports are not asked about: they are applied when at least one of
  that codemod's annotation changes in the file is.
"""
from dataclasses import dataclass, field
import difflib
import io
import keyword
import logging
import re
import tokenize
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

from stylefix.config import Config, is_test_function
from stylefix.results import Change, FixResult

logger = logging.getLogger(__name__)

IMPORT_MESSAGE_RE = re.compile(r"^(add |remove unused )")
IMPORT_LINE_RE = re.compile(r"^(import|from)\s[^(]*$")
IMPORTISH_RE = re.compile(r"^\s*(import\s|from\s|\)|#|$)|^\s+[\w\s,.]+,?\s*(#.*)?$")
DIRECTIVE = "  # stylefix: skip[{}]"
# Marks a directive review adds only while it asks the codemod again; removed from the result.
PENDING = "  # stylefix-review-pending"

Span = Tuple[int, int, int]  # (row, first column, end column) of one occurrence, rows from 1


@dataclass
class Unit:
    codemod: str
    reasons: List[str]
    start: int  # the lines [start, end) of the codemod's input (0-based) that the unit replaces
    end: int
    new_lines: List[str] = field(default_factory=list)
    companion: bool = False
    old: str = ""  # a rename: old and proposed name, and where the old name is replaced
    new: str = ""
    spans: List[Span] = field(default_factory=list)
    line: int = 0  # where a skip directive goes (1-based), 0: nowhere suitable

    @property
    def is_rename(self) -> bool:
        return bool(self.old)


@dataclass
class Decision:
    action: str  # "accept", "edit", "skip", "directive"
    lines: Optional[List[str]] = None  # an edited hunk
    name: str = ""  # an edited or accepted name


def split_lines(text: str) -> List[str]:
    """Lines as tokenize counts them: split at "\\n" only, each keeping it."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def encoding_of(source: bytes) -> str:
    encoding, _lines = tokenize.detect_encoding(io.BytesIO(source).readline)
    return encoding


def directive_rows(text: str) -> Set[int]:
    """Rows where a trailing comment can be added: rows ending with code (not inside a string, no backslash)."""
    rows: Set[int] = set()
    code: Set[int] = set()
    ignored = (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                rows.add(token.start[0])
            elif token.type not in ignored:
                code.add(token.end[0])
    except (tokenize.TokenError, SyntaxError):
        return set()
    return rows & code


def _pick_line(candidates: Sequence[int], rows: Set[int]) -> int:
    for line in candidates:
        if line in rows:
            return line
    return 0


def rename_units(text: str, staged: FixResult, new_text: str) -> Optional[List[Unit]]:
    """One unit per rename; None when the two texts differ in anything but renamed names."""
    try:
        before = list(tokenize.generate_tokens(io.StringIO(text).readline))
        after = list(tokenize.generate_tokens(io.StringIO(new_text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    if len(before) != len(after):
        return None
    spans: Dict[Tuple[str, str], List[Span]] = {}
    for old, new in zip(before, after):
        if old.type != new.type:
            return None
        if old.string != new.string:
            if old.type != tokenize.NAME or old.start[0] != old.end[0]:
                return None
            spans.setdefault((old.string, new.string), []).append((old.start[0], old.start[1], old.end[1]))
    rows = directive_rows(text)
    units: Dict[Tuple[str, str], Unit] = {}
    for change in staged.changes:
        if change.rename is None:
            return None
        key = change.rename
        if key in spans and key not in units:
            found = spans[key]
            line = _pick_line([change.line, *[row for row, _start, _end in found]], rows)
            units[key] = Unit(change.codemod, [change.message], 0, 0, old=key[0], new=key[1], spans=found, line=line)
    if set(units) != set(spans):
        return None
    return sorted(units.values(), key=lambda unit: unit.spans[0][:2])


def _reasons(changes: Sequence[Change], start: int, end: int) -> List[str]:
    inside = [change.message for change in changes if start + 1 <= change.line <= max(end, start + 1)]
    if inside or not changes:
        return inside
    nearest = min(changes, key=lambda change: min(abs(change.line - start - 1), abs(change.line - end)))
    return [nearest.message]


def _importish(lines: Sequence[str]) -> bool:
    return all(IMPORTISH_RE.match(line) for line in lines)


def _only_imports(lines: Sequence[str]) -> bool:
    return bool(lines) and all(IMPORT_LINE_RE.match(line) for line in lines)


def _leading_imports(lines: Sequence[str]) -> int:
    count = 0
    while count < len(lines) and IMPORT_LINE_RE.match(lines[count]):
        count += 1
    return count


def _imports_apart(hunk: List[int], old_lines: Sequence[str], new_lines: Sequence[str]) -> List[List[int]]:
    """A typing-generics hunk that difflib made of an import edit and the annotation below it, as two hunks."""
    i1, i2, j1, j2 = hunk
    old_count, new_count = _leading_imports(old_lines[i1:i2]), _leading_imports(new_lines[j1:j2])
    if not (old_count or new_count) or (i1 + old_count == i2 and j1 + new_count == j2):
        return [hunk]
    return [[i1, i1 + old_count, j1, j1 + new_count], [i1 + old_count, i2, j1 + new_count, j2]]


def hunk_units(codemod: str, text: str, staged: FixResult, new_text: str) -> List[Unit]:
    old_lines, new_lines = split_lines(text), split_lines(new_text)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    opcodes = [opcode for opcode in matcher.get_opcodes() if opcode[0] != "equal"]
    merged: List[List[int]] = []
    for _tag, i1, i2, j1, j2 in opcodes:
        if merged and codemod == "sort-imports" and _importish(old_lines[merged[-1][1] : i1]):
            merged[-1][1], merged[-1][3] = i2, j2
        else:
            merged.append([i1, i2, j1, j2])
    if codemod == "typing-generics":
        merged = [part for hunk in merged for part in _imports_apart(hunk, old_lines, new_lines)]
    rows = directive_rows(text)
    units = []
    for i1, i2, j1, j2 in merged:
        reasons = _reasons(staged.changes, i1, i2)
        imports = [reason for reason in reasons if IMPORT_MESSAGE_RE.match(reason)]
        companion = codemod == "typing-generics" and (
            bool(reasons) and len(imports) == len(reasons) or _only_imports(old_lines[i1:i2] + new_lines[j1:j2])
        )
        if codemod == "typing-generics" and not companion:
            reasons = [reason for reason in reasons if reason not in imports]
        inside = [change.line for change in staged.changes if i1 < change.line <= i2]
        line = _pick_line([*inside, *range(i1 + 1, i2 + 1)], rows)
        units.append(Unit(codemod, reasons, i1, i2, new_lines[j1:j2], companion=companion, line=line))
    if units and all(unit.companion for unit in units):
        for unit in units:
            unit.companion = False
    return units


def with_directive(line: str, codemod: str) -> str:
    body = line.rstrip("\r\n")
    return body + DIRECTIVE.format(codemod) + line[len(body) :]


def apply_renames(text: str, units: Sequence[Unit], decisions: Dict[int, Decision]) -> str:
    lines = split_lines(text)
    edits: List[Tuple[int, int, int, str]] = []
    for index, unit in enumerate(units):
        decision = decisions.get(index)
        if decision is not None and decision.action in ("accept", "edit"):
            edits.extend((row, start, end, decision.name or unit.new) for row, start, end in unit.spans)
    for row, start, end, name in sorted(edits, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:start] + name + line[end:]
    for index, unit in enumerate(units):
        decision = decisions.get(index)
        if decision is not None and decision.action == "directive" and unit.line:
            lines[unit.line - 1] = with_directive(lines[unit.line - 1], unit.codemod)
    return "".join(lines)


def apply_hunks(text: str, units: Sequence[Unit], decisions: Dict[int, Decision]) -> str:
    lines = split_lines(text)
    taken = [index for index, unit in enumerate(units) if not unit.companion and _taken(decisions.get(index))]
    output: List[str] = []
    position = 0
    for index, unit in enumerate(units):
        output.extend(lines[position : unit.start])
        decision = decisions.get(index)
        if unit.companion and taken:
            output.extend(unit.new_lines)
        elif decision is not None and decision.action == "edit" and decision.lines is not None:
            output.extend(decision.lines)
        elif decision is not None and decision.action == "accept":
            output.extend(unit.new_lines)
        else:
            kept = lines[unit.start : unit.end]
            if decision is not None and decision.action == "directive" and unit.line:
                offset = unit.line - 1 - unit.start
                kept[offset] = with_directive(kept[offset], unit.codemod)
            output.extend(kept)
        position = unit.end
    output.extend(lines[position:])
    return "".join(output)


def _taken(decision: Optional[Decision]) -> bool:
    return decision is not None and decision.action in ("accept", "edit")


def name_problem(name: str, unit: Unit, text: str, config: Config, taken: Set[str]) -> Optional[str]:
    """Why `name` cannot replace the rename's proposal, or None: it must be an identifier that pytest still
    collects as a test, and not a name the file already uses."""
    if not name.isidentifier() or keyword.iskeyword(name):
        return f"{name!r} is not a Python identifier"
    if not is_test_function(name, config):
        patterns = ", ".join(config.test_functions)
        return f"{name!r} would not be collected as a test (test functions match: {patterns})"
    if name != unit.old and (name in taken or re.search(rf"\b{re.escape(name)}\b", text)):
        return f"{name!r} is already used in this file"
    return None


def with_skipped_left_out(
    text: str, units: Sequence[Unit], decisions: Dict[int, Decision], run: Callable[[str], str]
) -> Optional[str]:
    """typing-generics with some annotation changes accepted and some not: the codemod itself runs again with the
    refused ones marked skipped, so the imports it adds or removes are exactly those the accepted changes need
    (a removed import may still be used by a refused one). None when that cannot be done (an edited hunk, a
    refused one without a line for a directive): the caller then applies the import edits as they are."""
    asked = [index for index, unit in enumerate(units) if not unit.companion]
    if not any(unit.companion for unit in units) or any(_edited(decisions.get(index)) for index in asked):
        return None
    refused = [index for index in asked if not _taken(decisions.get(index))]
    if not refused or len(refused) == len(asked) or any(not units[index].line for index in refused):
        return None
    lines = split_lines(text)
    for row in sorted({units[index].line for index in refused}):
        permanent = any(_is_directive(decisions.get(index)) and units[index].line == row for index in refused)
        suffix = DIRECTIVE.format(units[0].codemod) + ("" if permanent else PENDING)
        body = lines[row - 1].rstrip("\r\n")
        lines[row - 1] = body + suffix + lines[row - 1][len(body) :]
    result = split_lines(run("".join(lines)))
    pending = DIRECTIVE.format(units[0].codemod) + PENDING
    for index, line in enumerate(result):
        body = line.rstrip("\r\n")
        if body.endswith(pending):
            result[index] = body[: -len(pending)] + line[len(body) :]
    original = split_lines(text)
    text = "".join(result)
    # A refused change's directive covers its whole statement: an accepted change in the same one would be lost.
    for index in asked:
        unit = units[index]
        if _taken(decisions.get(index)) and "".join(original[unit.start : unit.end]) in text:
            return None
    return text


def _is_directive(decision: Optional[Decision]) -> bool:
    return decision is not None and decision.action == "directive"


def _edited(decision: Optional[Decision]) -> bool:
    return decision is not None and decision.action == "edit"
