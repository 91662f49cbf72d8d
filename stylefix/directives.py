"""Skip directives in comments: `# stylefix: skip`, `# stylefix: skip-file`, `# stylefix: skip[a,b]`, and isort's."""
from dataclasses import dataclass, field
import io
import logging
import re
import tokenize
from typing import Dict, FrozenSet, List, Mapping, Optional, Tuple

logger = logging.getLogger(__name__)

STYLEFIX_RE = re.compile(r"^stylefix:\s*(skip-file|skip)\s*(?:\[([^\]]*)\])?\s*$")
ISORT_RE = re.compile(r"^isort:\s*(skip_file|skip-file|skip|off|on|split)\s*$")
ALL: FrozenSet[str] = frozenset()  # an empty set of names means "every codemod"


@dataclass(frozen=True)
class Directives:
    # None: the file is not skipped; ALL: skipped for every codemod; else the names skipped.
    skip_file: Optional[FrozenSet[str]] = None
    # line -> codemods skipped on that line (ALL for every codemod); only comments that end a line of code.
    skip_lines: Mapping[int, FrozenSet[str]] = field(default_factory=dict)
    # line -> isort directive ("skip", "skip_file", "off", "on", "split"), trailing or own-line.
    isort: Mapping[int, str] = field(default_factory=dict)
    warnings: Tuple[str, ...] = ()

    def skips_file(self, codemod: str) -> bool:
        return self.skip_file is not None and (not self.skip_file or codemod in self.skip_file)

    def skips_line(self, line: int, codemod: str) -> bool:
        names = self.skip_lines.get(line)
        return names is not None and (not names or codemod in names)

    def has_line_skips(self, codemod: str) -> bool:
        return any(not names or codemod in names for names in self.skip_lines.values())


NO_DIRECTIVES = Directives()


def _comment_parts(comment: str) -> List[str]:
    return [part.strip() for part in comment.split("#") if part.strip()]


def _parse_names(raw: Optional[str], known: Tuple[str, ...], line: int, warnings: List[str]) -> FrozenSet[str]:
    if raw is None:
        return ALL
    names = [name.strip() for name in raw.split(",") if name.strip()]
    for name in names:
        if name not in known:
            warnings.append(f"{line}: unknown codemod {name!r} in skip directive; valid names: {', '.join(known)}")
    return frozenset(names)


def _comments(source: bytes) -> List[Tuple[int, str, bool, bool]]:
    """(line, text, trailing, leading) for every comment; trailing = code before it on its line,
    leading = before the module's first statement other than a docstring."""
    found: List[Tuple[int, str, bool, bool]] = []
    code_lines = set()
    leading = True
    seen_docstring = False
    try:
        for token in tokenize.tokenize(io.BytesIO(source).readline):
            kind = token.type
            if kind == tokenize.COMMENT:
                line = token.start[0]
                found.append((line, token.string, line in code_lines, leading))
            elif kind in (tokenize.NL, tokenize.NEWLINE, tokenize.ENCODING, tokenize.INDENT, tokenize.DEDENT):
                continue
            elif kind == tokenize.ENDMARKER:
                break
            else:
                for line in range(token.start[0], token.end[0] + 1):
                    code_lines.add(line)
                if leading and kind == tokenize.STRING and not seen_docstring:
                    seen_docstring = True
                else:
                    leading = False
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError):
        # Not valid Python: the parser will report it. Fall back to a line scan so a skip-file still counts.
        found = []
        for number, raw in enumerate(source.splitlines(), start=1):
            text = raw.decode("utf-8", "replace")
            stripped = text.lstrip()
            if stripped.startswith("#"):
                found.append((number, stripped, False, True))
    return found


def parse_directives(source: bytes, known: Tuple[str, ...]) -> Directives:
    if b"stylefix:" not in source and b"isort:" not in source:
        return NO_DIRECTIVES
    skip_file: Optional[FrozenSet[str]] = None
    skip_lines: Dict[int, FrozenSet[str]] = {}
    isort: Dict[int, str] = {}
    warnings: List[str] = []
    for line, comment, trailing, leading in _comments(source):
        for part in _comment_parts(comment):
            match = STYLEFIX_RE.match(part)
            if match:
                names = _parse_names(match.group(2), known, line, warnings)
                if match.group(1) == "skip-file":
                    if leading and not trailing:
                        skip_file = ALL if (not names or skip_file == ALL) else (skip_file or frozenset()) | names
                elif trailing:
                    previous = skip_lines.get(line)
                    skip_lines[line] = ALL if not names or previous == ALL else (previous or frozenset()) | names
                continue
            match = ISORT_RE.match(part)
            if match:
                isort[line] = match.group(1).replace("-", "_")
    return Directives(skip_file=skip_file, skip_lines=skip_lines, isort=isort, warnings=tuple(warnings))
