"""Where a change is in the file as it was read, when a later codemod reported it on an earlier codemod's output.

Codemods run one after the other on the same tree, so each one reports positions in the code the previous ones
wrote. The engine maps them back through each rewrite (a line diff, then a character diff of the lines that
differ), so every change names the text it is about in the original source.
"""
import bisect
import difflib
import re
from typing import Callable, List, Sequence, Tuple

from stylefix.results import Change

# The line terminators LibCST and the LSP count (not form feeds).
LINE_PATTERN = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")

Position = Tuple[int, int]  # 1-based line, 0-based column in code points
# (start in the new text, end in the new text, start in the old text, end in the old text, equal)
Block = Tuple[int, int, int, int, bool]


def split_lines(text: str) -> List[str]:
    return LINE_PATTERN.findall(text)


def _line_starts(lines: Sequence[str]) -> List[int]:
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return starts


def _blocks(old: str, new: str) -> List[Block]:
    """Matching and differing stretches of `new` against `old`, as character offsets."""
    old_lines, new_lines = split_lines(old), split_lines(new)
    old_starts, new_starts = _line_starts(old_lines), _line_starts(new_lines)
    blocks: List[Block] = []
    lines = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, old_first, old_last, new_first, new_last in lines.get_opcodes():
        old_start, old_end = old_starts[old_first], old_starts[old_last]
        new_start, new_end = new_starts[new_first], new_starts[new_last]
        if tag == "equal":
            blocks.append((new_start, new_end, old_start, old_end, True))
            continue
        chars = difflib.SequenceMatcher(None, old[old_start:old_end], new[new_start:new_end], autojunk=False)
        for char_tag, old_a, old_b, new_a, new_b in chars.get_opcodes():
            equal = char_tag == "equal"
            blocks.append((new_start + new_a, new_start + new_b, old_start + old_a, old_start + old_b, equal))
    return blocks


def offset_mapper(old: str, new: str) -> Callable[[int], int]:
    """Maps a character offset in `new` to the offset of the same text in `old` (rewritten text: its old start)."""
    blocks = [block for block in _blocks(old, new) if block[1] > block[0]]
    starts = [block[0] for block in blocks]

    def map_offset(offset: int) -> int:
        index = bisect.bisect_right(starts, offset) - 1
        if index < 0:
            return 0
        new_start, _new_end, old_start, old_end, equal = blocks[index]
        if equal:
            return old_start + offset - new_start
        return old_start + min(offset - new_start, old_end - old_start)

    return map_offset


def map_changes(changes: Sequence[Change], texts: Sequence[str]) -> List[Change]:
    """Changes reported on `texts[-1]`, positioned in `texts[0]` (each text is a rewrite of the one before)."""
    if len(texts) < 2:
        return list(changes)
    mappers = [offset_mapper(old, new) for old, new in zip(texts, texts[1:])]
    starts = [_line_starts(split_lines(text)) for text in texts]

    def to_offset(position: Position, level: int) -> int:
        line, column = position
        line_starts = starts[level]
        index = min(max(line - 1, 0), len(line_starts) - 1)
        return min(line_starts[index] + column, line_starts[-1])

    def to_position(offset: int) -> Position:
        line_starts = starts[0]
        index = bisect.bisect_right(line_starts, offset) - 1
        if index >= len(line_starts) - 1 and len(line_starts) > 1 and offset == line_starts[-1]:
            index = len(line_starts) - 2
        index = max(index, 0)
        return (index + 1, offset - line_starts[index])

    def back(position: Position) -> Position:
        offset = to_offset(position, len(texts) - 1)
        for mapper in reversed(mappers):
            offset = mapper(offset)
        return to_position(offset)

    mapped = []
    for change in changes:
        if change.line <= 0:
            mapped.append(change)
            continue
        start = back((change.line, change.column))
        end = back((change.end_line, change.end_column)) if change.end_line > 0 else start
        end = max(start, end)
        mapped.append(Change(change.codemod, start[0], change.message, start[1], end[0], end[1], change.rename))
    return mapped
