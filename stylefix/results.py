"""Results that cross layers and process boundaries. Errors are data here: workers never raise for a bad file."""
from dataclasses import dataclass, field
import enum
from typing import List, Optional, Tuple


class Mode(enum.Enum):
    FIX = "fix"
    CHECK = "check"
    DIFF = "diff"


class Status(enum.Enum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"  # fixed by `fix`, would change for `check`/`diff`
    ERROR = "error"
    EXCLUDED = "excluded"


@dataclass(frozen=True)
class Change:
    codemod: str
    line: int
    message: str
    # The text the change is about (0-based columns in code points; end exclusive). Not part of equality: the
    # cache keeps only the line.
    column: int = field(default=0, compare=False)
    end_line: int = field(default=0, compare=False)
    end_column: int = field(default=0, compare=False)
    # A change that renames a definition carries (old name, new name): the safety net and `review` read it here,
    # never from the message.
    rename: Optional[Tuple[str, str]] = field(default=None, compare=False)


@dataclass(frozen=True)
class FixResult:
    """What `fix_source` made of one file's bytes."""

    source: bytes
    changes: Tuple[Change, ...] = ()
    warnings: Tuple[str, ...] = ()

    def changed_by(self) -> Tuple[str, ...]:
        return tuple(dict.fromkeys(change.codemod for change in self.changes))


@dataclass
class FileResult:
    path: str
    status: Status
    changes: Tuple[Change, ...] = ()
    error: Optional[str] = None
    diff: Optional[str] = None
    # Only filled in for stdin, where the caller prints the new source.
    source: Optional[bytes] = None
    warnings: Tuple[str, ...] = ()
    cached: bool = False

    def changed_by(self) -> Tuple[str, ...]:
        return tuple(dict.fromkeys(change.codemod for change in self.changes))


class StylefixError(Exception):
    """A file that cannot be processed; `str()` is the one-line message, location first where known."""

    def __init__(self, message: str, line: Optional[int] = None, column: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def located(self, path: str) -> str:
        # A whole-file error (binary, unreadable, missing) is placed at 1:1, so every line reads path:line:col.
        return f"{path}:{self.line or 1}:{self.column or 1}: {self.message}"


class UnparseableSource(StylefixError):
    pass


class UndecodableSource(StylefixError):
    pass


class BinaryFile(StylefixError):
    pass


class InternalError(StylefixError):
    """The safety net caught a codemod changing more than it may; nothing is written."""

    def __init__(self, codemod: str, what: str) -> None:
        super().__init__(f"internal error in {codemod}: {what} — please report")
        self.codemod = codemod


@dataclass
class RunSummary:
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    excluded: int = 0
    messages: List[str] = field(default_factory=list)
