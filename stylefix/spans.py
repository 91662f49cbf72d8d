"""Where a change is in the file as it was read, when a later codemod reported it on an earlier codemod's output.

Codemods run one after the other on the same tree, so each one reports positions in the code the previous ones
wrote. The engine maps them back through each rewrite (a line diff, then a character diff of the lines that
differ), so every change names the text it is about in the original source.
"""
import bisect
import difflib
import re
from typing import Callable, Dict, List, Sequence, Tuple

from stylefix.results import Change

# The line terminators LibCST and the LSP count (not form feeds).
LINE_PATTERN = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")

Position = Tuple[int, int]  # 1-based line, 0-based column in code points
# (start in the new text, end in the new text, start in the old text, end in the old text, equal)
Block = Tuple[int, int, int, int, bool]
Opcode = Tuple[str, int, int, int, int]  # difflib's (tag, old start, old end, new start, new end)
Range = Tuple[int, int]
# Up to this many lines, texts are diffed by difflib exactly as they always were; beyond, its quadratic time shows
# (a 9,000-line file every codemod rewrote took minutes), and line_opcodes cuts the texts at unique lines first.
EXACT_DIFF_LINES = 400
# A stretch without unique lines is diffed by difflib up to this product of line counts, else taken as one block.
MAX_LINE_DIFF = 250_000
# Character diffs of a rewritten stretch up to this product of lengths (about 2,000 x 2,000 characters).
MAX_CHARACTER_DIFF = 4_000_000
# Nested cuts at unique lines; deeper, a stretch is diffed as above (a guard against a pathological recursion).
MAX_ANCHOR_DEPTH = 50


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
    for tag, old_first, old_last, new_first, new_last in line_opcodes(old_lines, new_lines):
        old_start, old_end = old_starts[old_first], old_starts[old_last]
        new_start, new_end = new_starts[new_first], new_starts[new_last]
        if tag == "equal":
            blocks.append((new_start, new_end, old_start, old_end, True))
            continue
        pieces = [(old_start, old_end, new_start, new_end)]
        too_long = (old_end - old_start) * (new_end - new_start) > MAX_CHARACTER_DIFF
        if too_long and old_last - old_first == new_last - new_first:
            # A long rewritten stretch with as many lines as before: aligned line by line, at linear cost.
            pieces = [
                (old_starts[old_first + k], old_starts[old_first + k + 1], new_starts[new_first + k], new_starts[new_first + k + 1])
                for k in range(old_last - old_first)
            ]
        for old_a, old_b, new_a, new_b in pieces:
            blocks.extend(_character_blocks(old, new, (old_a, old_b), (new_a, new_b)))
    return blocks


def _character_blocks(old: str, new: str, old_span: Tuple[int, int], new_span: Tuple[int, int]) -> List[Block]:
    (old_start, old_end), (new_start, new_end) = old_span, new_span
    if (old_end - old_start) * (new_end - new_start) > MAX_CHARACTER_DIFF:
        return [(new_start, new_end, old_start, old_end, False)]  # too long to align: its offsets map to its start
    chars = difflib.SequenceMatcher(None, old[old_start:old_end], new[new_start:new_end], autojunk=False)
    return [
        (new_start + new_a, new_start + new_b, old_start + old_a, old_start + old_b, tag == "equal")
        for tag, old_a, old_b, new_a, new_b in chars.get_opcodes()
    ]


def line_opcodes(old: Sequence[str], new: Sequence[str]) -> List[Opcode]:
    """difflib's opcodes for two lists of lines. Small inputs get difflib's own diff; a larger one is first cut at
    its common ends and at the lines that occur once on each side (kept in order), so that a file rewritten
    throughout costs about linear time instead of difflib's quadratic time."""
    if max(len(old), len(new)) <= EXACT_DIFF_LINES:
        return _difflib_opcodes(old, (0, len(old)), new, (0, len(new)))
    found: List[Opcode] = []
    _diff(old, (0, len(old)), new, (0, len(new)), found, 0)
    merged: List[Opcode] = []
    for opcode in found:
        if opcode[1] == opcode[2] and opcode[3] == opcode[4]:
            continue
        if merged and merged[-1][0] == opcode[0] == "equal":
            merged[-1] = ("equal", merged[-1][1], opcode[2], merged[-1][3], opcode[4])
        else:
            merged.append(opcode)
    return merged


def _difflib_opcodes(old: Sequence[str], old_range: Range, new: Sequence[str], new_range: Range) -> List[Opcode]:
    (old_low, old_high), (new_low, new_high) = old_range, new_range
    matcher = difflib.SequenceMatcher(None, old[old_low:old_high], new[new_low:new_high], autojunk=False)
    return [(tag, old_low + i1, old_low + i2, new_low + j1, new_low + j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]


def _diff(old: Sequence[str], old_range: Range, new: Sequence[str], new_range: Range, found: List[Opcode], depth: int) -> None:
    (old_low, old_high), (new_low, new_high) = old_range, new_range
    prefix = 0
    while old_low + prefix < old_high and new_low + prefix < new_high and old[old_low + prefix] == new[new_low + prefix]:
        prefix += 1
    found.append(("equal", old_low, old_low + prefix, new_low, new_low + prefix))
    old_low, new_low = old_low + prefix, new_low + prefix
    suffix = 0
    while old_low < old_high - suffix and new_low < new_high - suffix and old[old_high - 1 - suffix] == new[new_high - 1 - suffix]:
        suffix += 1
    _middle(old, (old_low, old_high - suffix), new, (new_low, new_high - suffix), found, depth)
    found.append(("equal", old_high - suffix, old_high, new_high - suffix, new_high))


def _middle(old: Sequence[str], old_range: Range, new: Sequence[str], new_range: Range, found: List[Opcode], depth: int) -> None:
    (old_low, old_high), (new_low, new_high) = old_range, new_range
    if old_low == old_high or new_low == new_high:
        if old_low < old_high or new_low < new_high:
            found.append(("delete" if new_low == new_high else "insert", old_low, old_high, new_low, new_high))
        return
    anchors = _unique_anchors(old, old_range, new, new_range) if depth < MAX_ANCHOR_DEPTH else []
    if anchors:
        for old_line, new_line in anchors:
            _diff(old, (old_low, old_line), new, (new_low, new_line), found, depth + 1)
            found.append(("equal", old_line, old_line + 1, new_line, new_line + 1))
            old_low, new_low = old_line + 1, new_line + 1
        _diff(old, (old_low, old_high), new, (new_low, new_high), found, depth + 1)
    elif (old_high - old_low) * (new_high - new_low) <= MAX_LINE_DIFF:
        found.extend(_difflib_opcodes(old, old_range, new, new_range))
    else:
        found.append(("replace", old_low, old_high, new_low, new_high))


def _unique_anchors(old: Sequence[str], old_range: Range, new: Sequence[str], new_range: Range) -> List[Tuple[int, int]]:
    """(old index, new index) of the lines that occur once in each range, the longest run of them in the same order
    on both sides."""
    old_seen: Dict[str, int] = {}
    for index in range(*old_range):
        old_seen[old[index]] = -1 if old[index] in old_seen else index
    new_seen: Dict[str, int] = {}
    for index in range(*new_range):
        new_seen[new[index]] = -1 if new[index] in new_seen else index
    pairs = [(index, new_seen[line]) for line, index in old_seen.items() if index >= 0 and new_seen.get(line, -1) >= 0]
    pairs.sort()
    # The longest increasing run of new indexes (patience sorting), so the anchors keep the order on both sides.
    tails: List[int] = []
    tail_pairs: List[int] = []
    previous: List[int] = [-1] * len(pairs)
    for position, (_old_index, new_index) in enumerate(pairs):
        slot = bisect.bisect_left(tails, new_index)
        if slot == len(tails):
            tails.append(new_index)
            tail_pairs.append(position)
        else:
            tails[slot] = new_index
            tail_pairs[slot] = position
        previous[position] = tail_pairs[slot - 1] if slot else -1
    chain: List[Tuple[int, int]] = []
    position = tail_pairs[-1] if tail_pairs else -1
    while position >= 0:
        chain.append(pairs[position])
        position = previous[position]
    return chain[::-1]


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
