"""Printing results (text, json, github) and computing the exit code, in one place."""
from dataclasses import dataclass, field
import json
import logging
import re
import sys
from typing import IO, Any, Dict, List, Mapping, Optional, Set

from stylefix.results import Change, FileResult, Mode, Status

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_CHANGES = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process that SIGTERM ended
# A warning's location, `path:line:col: `, and the codemod that follows it when there is one.
_WARNING_LOCATION = re.compile(r"(?P<path>[^\n]+?):(?P<line>\d+):(?P<column>\d+): (?:(?P<codemod>[a-z]+(?:-[a-z]+)+): )?")

# `path:line:col: ` at the start of a message
LOCATED_RE = re.compile(r"[^\s:][^:]*:\d+:\d+: ")


def exit_code(mode: Mode, changed: int, failed: int) -> int:
    if failed:
        return EXIT_ERROR
    if changed and mode is not Mode.FIX:
        return EXIT_CHANGES
    return EXIT_OK


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(mode: Mode, changed: int, unchanged: int, failed: int) -> str:
    verb = "fixed" if mode is Mode.FIX else "would change"
    parts = [f"{_plural(changed, 'file')} {verb}", f"{unchanged} unchanged"]
    if failed:
        parts.append(f"{failed} failed")
    return ", ".join(parts)


def make_console(stream: IO[str], color: Optional[bool]) -> Any:
    from rich.console import Console

    return Console(
        file=stream,
        force_terminal=color,
        no_color=color is False,
        highlight=False,
        soft_wrap=True,
        emoji=False,
    )


@dataclass
class Reporter:
    mode: Mode
    output_format: str = "text"
    quiet: bool = False
    verbose: bool = False
    color: Optional[bool] = None  # None: colour when the stream is a terminal
    out: IO[str] = field(default_factory=lambda: sys.stdout)
    err: IO[str] = field(default_factory=lambda: sys.stderr)
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    _json: List[Dict[str, Any]] = field(default_factory=list)
    _warned: Set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._out_console = None
        self._err_console = None

    def _console(self, stream: str) -> Any:
        if stream == "out":
            if self._out_console is None:
                self._out_console = make_console(self.out, self.color)
            return self._out_console
        if self._err_console is None:
            self._err_console = make_console(self.err, self.color)
        return self._err_console

    def _print(self, stream: str, text: str, style: Optional[str] = None) -> None:
        if self.color is False or (self.color is None and not _isatty(self.out if stream == "out" else self.err)):
            print(text, file=self.out if stream == "out" else self.err)
            return
        from rich.markup import escape

        self._console(stream).print(f"[{style}]{escape(text)}[/]" if style else escape(text))

    def warn(self, message: str) -> None:
        if message in self._warned:
            return
        self._warned.add(message)
        if self.output_format == "github":
            print(f"::warning {_github_warning_properties(message)}::{_github_escape(message)}", file=self.out)
        elif not self.quiet:
            # A located warning reads like an error, `path:line:col: ...`; one about the run keeps the prefix.
            located = LOCATED_RE.match(message) is not None
            self._print("err", message if located else f"warning: {message}", "yellow")

    def error(self, message: str) -> None:
        if self.output_format == "github":
            print(f"::error title=stylefix::{_github_escape(message)}", file=self.out)
        self._print("err", message, "red")

    def result(self, result: FileResult) -> None:
        if self.output_format != "json":
            for warning in result.warnings:
                self.warn(warning)
        if result.status is Status.EXCLUDED:
            if self.verbose and result.error and self.output_format == "text":
                self._print("err", result.error)
            return
        if result.status is Status.ERROR:
            self.failed += 1
            if self.output_format == "json":
                self._json.append(
                    {"path": result.path, "status": "error", "error": result.error, "changes": [], "warnings": []}
                )
            elif self.output_format == "github":
                location = _github_location(result.error or "", result.path)
                print(f"::error {location}title=stylefix::{_github_escape(result.error or '')}", file=self.out)
            self._print("err", result.error or f"{result.path}: error", "red")
            return
        if result.status is Status.UNCHANGED:
            self.unchanged += 1
            if self.output_format == "json" and result.warnings:
                self._json.append(
                    {"path": result.path, "status": "unchanged", "changes": [], "warnings": list(result.warnings)}
                )
            return
        self.changed += 1
        if self.output_format == "json":
            self._json.append(
                {
                    "path": result.path,
                    "status": "fixed" if self.mode is Mode.FIX else "would-change",
                    "codemods": list(result.changed_by()),
                    "changes": [
                        {"codemod": c.codemod, "line": c.line, "message": c.message} for c in in_line_order(result)
                    ],
                    "warnings": list(result.warnings),
                    **({"diff": result.diff} if self.mode is Mode.DIFF else {}),
                }
            )
            return
        if self.output_format == "github":
            for change in in_line_order(result):
                print(
                    f"::warning file={_github_property(result.path)},line={max(change.line, 1)},"
                    f"title={_github_property('stylefix ' + change.codemod)}::"
                    f"{_github_escape(change.message)}",
                    file=self.out,
                )
            return
        if self.quiet:
            return
        if self.mode is Mode.DIFF and result.diff:
            self._print_diff(result.diff)
            return
        names = ", ".join(result.changed_by())
        if self.mode is Mode.FIX:
            self._print("err", f"fixed {result.path} ({names})", "green")
            if self.verbose:
                self._print_changes(result, "err")
        else:
            self._print("out", f"would change {result.path} ({names})", "bold")
            self._print_changes(result, "out")

    def _print_changes(self, result: FileResult, stream: str) -> None:
        for change in in_line_order(result):
            self._print(stream, f"  {result.path}:{change.line}: {change.codemod}: {change.message}")

    def _print_diff(self, diff: str) -> None:
        if self.color is False or (self.color is None and not _isatty(self.out)):
            self.out.write(diff)
            return
        from rich.text import Text

        console = self._console("out")
        for line in diff.splitlines():
            style = ""
            if line.startswith(("+++", "---")):
                style = "bold"
            elif line.startswith("+"):
                style = "green"
            elif line.startswith("-"):
                style = "red"
            elif line.startswith("@@"):
                style = "cyan"
            console.print(Text(line, style=style))

    def finish(self) -> int:
        if self.output_format == "json":
            json.dump(
                {
                    "files": self._json,
                    "summary": {"changed": self.changed, "unchanged": self.unchanged, "failed": self.failed},
                },
                self.out,
                indent=2,
            )
            self.out.write("\n")
        elif not self.quiet:
            self._print("err", summary_line(self.mode, self.changed, self.unchanged, self.failed), "bold")
        return exit_code(self.mode, self.changed, self.failed)


def in_line_order(result: FileResult) -> List[Change]:
    """A file's changes from top to bottom (codemods report in their own order, one codemod after the other)."""
    return sorted(result.changes, key=lambda change: (change.line, change.column))


def color_from_environment(color: Optional[bool], environ: Mapping[str, str]) -> Optional[bool]:
    """--color/--no-color first, then NO_COLOR (any value, even empty), then FORCE_COLOR (non-empty)."""
    if color is not None:
        return color
    if "NO_COLOR" in environ:
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return None


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    """A workflow command's property value: also `:` and `,`, which would end the value."""
    return _github_escape(text).replace(":", "%3A").replace(",", "%2C")


def _github_location(message: str, path: str) -> str:
    # messages look like "path:line:col: text" when the location is known
    rest = message[len(path) :] if message.startswith(path + ":") else ""
    parts = rest.split(":")
    if len(parts) >= 3 and parts[1].isdigit():
        column = f",col={parts[2]}" if parts[2].isdigit() else ""
        return f"file={_github_property(path)},line={parts[1]}{column},"
    return f"file={_github_property(path)},"


def _github_warning_properties(message: str) -> str:
    """`file=`, `line=` and `col=` from the warning's `path:line:col: ` (so GitHub shows it on that line), and the
    codemod in the title, as for a change."""
    found = _WARNING_LOCATION.match(message)
    if found is None:
        return "title=stylefix"
    title = f"stylefix {found['codemod']}" if found["codemod"] else "stylefix"
    return (
        f"file={_github_property(found['path'])},line={found['line']},col={found['column']},"
        f"title={_github_property(title)}"
    )
