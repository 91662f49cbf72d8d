"""What stylefix makes of one editor buffer: the buffer encoded as the file on disk would be, run through the public
API (`api.fix_bytes`), in a child process so that a crash or a hang costs one answer, never the server."""
import codecs
from dataclasses import dataclass, replace
import io
import logging
from pathlib import Path
import tokenize
from typing import Optional, Sequence, Tuple

from stylefix.config import Config
from stylefix.isolation import ChildCaller, ChildFailed
from stylefix.results import Change, StylefixError
from stylefix.spans import split_lines

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What stylefix makes of one buffer: the new text and its changes, or why there is nothing to offer."""

    text: str
    changes: Tuple[Change, ...] = ()
    error: Optional[StylefixError] = None
    excluded: bool = False
    # The document the changes are positioned in (the same as `text` when nothing changes).
    original: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.changes) and self.error is None


def declared_encoding(text: str) -> str:
    """The encoding a PEP 263 cookie declares (the buffer is text; stylefix works on the bytes on disk)."""
    head = "".join(split_lines(text)[:2]).encode("utf-8", "surrogatepass")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(head).readline)
    except SyntaxError:
        return "utf-8"  # an unknown or invalid cookie: the engine reports it
    name = codecs.lookup(encoding).name
    return "utf-8" if name in ("utf-8", "utf-8-sig") else name


def fix_text(text: str, path: Path, config: Config, names: Optional[Sequence[str]] = None) -> Outcome:
    """Run the engine on a buffer; never raises for a bad document."""
    # Imported on first use: the server starts without loading the engine.
    from stylefix.api import fix_bytes

    encoding = declared_encoding(text)
    try:
        source = text.encode(encoding)
    except UnicodeEncodeError as error:
        line = text[: error.start].count("\n") + 1
        return Outcome(text, error=StylefixError(f"cannot encode in {encoding}: {error.reason}", line, 0))
    try:
        result = fix_bytes(source, path, config, names=names)
    except StylefixError as error:
        return Outcome(text, error=error)
    except RecursionError:
        return Outcome(text, error=StylefixError("too deeply nested to process"))
    except Exception as error:  # a bug in stylefix: report it on this document and keep serving
        logger.exception("internal error on %s", path)
        return Outcome(text, error=StylefixError(f"internal error: {type(error).__name__}: {error} — please report"))
    if not result.changes:
        return Outcome(text)
    changes = tuple(sorted(result.changes, key=lambda change: (change.line, change.column)))  # as `check` lists them
    return Outcome(result.source.decode(encoding), changes=changes, original=text)


def fix_text_plain(text: str, path: Path, config: Config, names: Optional[Sequence[str]]) -> Outcome:
    """`fix_text` as the child process runs it."""
    outcome = fix_text(text, path, config, names)
    if outcome.error is None:
        return outcome
    # Only the plain error crosses back to the server (every subclass may not rebuild from its pickled form).
    error = outcome.error
    return replace(outcome, error=StylefixError(error.message, error.line, error.column))


def fix_text_isolated(
    caller: ChildCaller[Outcome], text: str, path: Path, config: Config, names: Optional[Sequence[str]] = None
) -> Outcome:
    """`fix_text` in a child process: a crash or a hang costs this document's answer, never the server."""
    try:
        return caller.call((text, path, config, names), config.timeout)
    except ChildFailed as error:
        logger.warning("%s: %s", path, error)
        return Outcome(text, error=StylefixError(str(error), 1, 1))
