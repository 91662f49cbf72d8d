"""`stylefix review`: each change in a terminal, to accept (y), skip (n), edit (e), skip for good with a directive
(s), accept the rest of the file (a) or quit (q). The units and how choices become text are in review_changes.py.

A file is written once its review is done (or on q), atomically, and only when the safety net accepts the final
text; a file whose review Ctrl-C interrupts is not written at all.
"""
from dataclasses import dataclass, field
import logging
import os
from pathlib import Path
import shlex
import subprocess
import sys
import tempfile
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

from stylefix.config import Config, InvalidConfig, common_base, load_config
from stylefix.report import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK
from stylefix.results import Change, StylefixError
from stylefix.review_changes import (
    Decision,
    Unit,
    apply_hunks,
    apply_renames,
    encoding_of,
    hunk_units,
    name_problem,
    rename_units,
    split_lines,
    with_skipped_left_out,
)

logger = logging.getLogger(__name__)

KEYS = "ynesaq"
PROMPT = "[y] accept  [n] skip  [e] edit  [s] skip + directive  [a] accept rest of file  [q] quit"
NO_TERMINAL = (
    "stylefix: error: review needs a terminal (stdin and stdout); use `stylefix fix` to apply every change "
    "or `stylefix diff` to see them"
)
CONTEXT_LINES = 2  # unchanged lines shown around a hunk
COUNTED = ("accepted", "skipped", "edited")
END_OF_TRANSMISSION = "\x04"  # Ctrl-D, read as a character with the terminal in cbreak mode: quit


class QuitReview(Exception):
    """The user pressed q: write what the current file has so far, then stop."""


@dataclass
class Tally:
    counts: Dict[str, Dict[str, int]] = field(default_factory=dict)
    written: List[str] = field(default_factory=list)
    refused: List[str] = field(default_factory=list)

    def add(self, codemod: str, what: str) -> None:
        self.counts.setdefault(codemod, dict.fromkeys(COUNTED, 0))[what] += 1


class Terminal:
    """Keys in, coloured hunks out; the only part that talks to the person."""

    def __init__(self, color: Optional[bool]) -> None:
        from stylefix.report import make_console

        self.console = make_console(sys.stdout, True if color is None else color)

    def say(self, text: Any = "", style: Optional[str] = None) -> None:
        self.console.print(text, style=style, markup=False, highlight=False)

    def key(self) -> str:
        import termios
        import tty

        descriptor = sys.stdin.fileno()
        saved = termios.tcgetattr(descriptor)
        try:
            tty.setcbreak(descriptor)
            while True:
                pressed = os.read(descriptor, 1).decode("utf-8", "replace").lower()
                if not pressed:
                    raise EOFError("the terminal closed")
                if pressed == END_OF_TRANSMISSION:
                    return "q"
                if pressed in KEYS:
                    return pressed
                self.say(PROMPT, style="bold")
        finally:
            termios.tcsetattr(descriptor, termios.TCSADRAIN, saved)

    def edit_name(self, proposed: str) -> str:
        """The proposed name on an editable line (readline), returned as typed."""
        import readline

        readline.set_startup_hook(lambda: readline.insert_text(proposed))
        try:
            return input("new name (empty to go back): ").strip()
        finally:
            readline.set_startup_hook()

    def edit_lines(self, lines: List[str]) -> Optional[List[str]]:
        """The lines opened in $VISUAL / $EDITOR; None when the editor fails."""
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        descriptor, path = tempfile.mkstemp(prefix="stylefix-hunk-", suffix=".py")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write("".join(lines))
            if subprocess.call([*shlex.split(editor), path]) != 0:
                return None
            with open(path, encoding="utf-8") as handle:
                return split_lines(handle.read())
        finally:
            os.unlink(path)


def _show_lines(terminal: Terminal, lines: Sequence[str], first: int, last: int, prefix: str, style: str) -> None:
    for number in range(first, last):
        terminal.say(f"{number + 1:>5} {prefix} {lines[number].rstrip()}", style=style)


def show_unit(terminal: Terminal, display: str, unit: Unit, text_lines: List[str], position: str) -> None:
    terminal.say()
    terminal.say(f"{display}  {unit.codemod}  ({position})", style="bold cyan")
    for reason in unit.reasons:
        terminal.say(f"  {reason}", style="yellow")
    if unit.is_rename:
        for row in sorted({row for row, _start, _end in unit.spans}):
            line = text_lines[row - 1]
            new = line
            for span_row, start, end in sorted(unit.spans, reverse=True):
                if span_row == row:
                    new = new[:start] + unit.new + new[end:]
            terminal.say(f"{row:>5} - {line.rstrip()}", style="red")
            terminal.say(f"{row:>5} + {new.rstrip()}", style="green")
    else:
        _show_lines(terminal, text_lines, max(0, unit.start - CONTEXT_LINES), unit.start, " ", "dim")
        _show_lines(terminal, text_lines, unit.start, unit.end, "-", "red")
        for line in unit.new_lines:
            terminal.say(f"{'':>5} + {line.rstrip()}", style="green")
        _show_lines(terminal, text_lines, unit.end, min(len(text_lines), unit.end + CONTEXT_LINES), " ", "dim")
    terminal.say(PROMPT, style="bold")


@dataclass
class FileReview:
    path: Path
    display: str
    config: Config
    terminal: Terminal
    tally: Tally
    encoding: str = "utf-8"
    accept_rest: bool = False
    renames: List[Change] = field(default_factory=list)

    def ask(self, unit: Unit, text: str, taken: Set[str], position: str) -> Decision:
        if self.accept_rest:
            return Decision("accept")
        show_unit(self.terminal, self.display, unit, split_lines(text), position)
        while True:
            key = self.terminal.key()
            if key == "y":
                return Decision("accept")
            if key == "n":
                return Decision("skip")
            if key == "a":
                self.accept_rest = True
                return Decision("accept")
            if key == "q":
                raise QuitReview()
            if key == "s":
                if unit.line:
                    return Decision("directive")
                self.terminal.say("no line here can carry a skip directive; press n to skip", style="red")
            if key == "e":
                decision = self.edit(unit, text, taken)
                if decision is not None:
                    return decision
                self.terminal.say(PROMPT, style="bold")

    def edit(self, unit: Unit, text: str, taken: Set[str]) -> Optional[Decision]:
        if unit.is_rename:
            while True:
                name = self.terminal.edit_name(unit.new)
                if not name:
                    return None
                problem = name_problem(name, unit, text, self.config, taken)
                if problem is None:
                    return Decision("edit", name=name) if name != unit.new else Decision("accept")
                self.terminal.say(problem, style="red")
        lines = self.terminal.edit_lines(unit.new_lines)
        if lines is None:
            self.terminal.say("the editor failed; nothing changed", style="red")
            return None
        return Decision("edit", lines=lines)

    def stage(self, codemod: str, text: str) -> Tuple[str, bool]:
        """Review one codemod's changes to `text`; the new text, and whether the user quit."""
        from stylefix.engine import fix_source

        staged = fix_source(text.encode(self.encoding), self.path, self.config, names=[codemod])
        if not staged.changes:
            return text, False
        new_text = staged.source.decode(self.encoding)
        units = rename_units(text, staged, new_text) if codemod == "test-names" else None
        is_rename = units is not None
        if units is None:
            units = hunk_units(codemod, text, staged, new_text)
        decisions: Dict[int, Decision] = {}
        asked = [index for index, unit in enumerate(units) if not unit.companion]
        quit_now = False
        try:
            for number, index in enumerate(asked, start=1):
                taken = {decision.name for decision in decisions.values() if decision.name}
                decisions[index] = self.ask(units[index], text, taken, f"{number} of {len(asked)}")
        except QuitReview:
            quit_now = True
        for index in asked:
            decision = decisions.get(index)
            if decision is None:
                continue
            self.tally.add(codemod, {"accept": "accepted", "edit": "edited"}.get(decision.action, "skipped"))
            if is_rename and decision.action in ("accept", "edit"):
                unit = units[index]
                new_name = decision.name or unit.new
                rename = (unit.old, new_name)
                self.renames.append(Change(codemod, unit.spans[0][0], f"{unit.old} -> {new_name}", rename=rename))
        applied: Optional[str] = None
        if codemod == "typing-generics":
            applied = with_skipped_left_out(text, units, decisions, lambda marked: self.run_alone(codemod, marked))
        if applied is None:
            applied = apply_renames(text, units, decisions) if is_rename else apply_hunks(text, units, decisions)
        return applied, quit_now

    def run_alone(self, codemod: str, text: str) -> str:
        from stylefix.engine import fix_source

        fixed = fix_source(text.encode(self.encoding), self.path, self.config, names=[codemod])
        return fixed.source.decode(self.encoding)


def _safety_problem(original: bytes, final: bytes, renames: Sequence[Change]) -> Optional[str]:
    from stylefix.parsing import cpython_error
    from stylefix.safety import equivalence_problem

    error = cpython_error(final)
    if error is not None and cpython_error(original) is None:
        return f"the result does not parse ({error.message}, line {error.line})"
    return equivalence_problem(original, final, renames)


def review_file(path: Path, config: Config, terminal: Terminal, tally: Tally) -> bool:
    """Review one file and write it; False when the user quit."""
    from stylefix.runner import read_source, write_atomically

    display = str(path)
    try:
        original = read_source(path)
        encoding = encoding_of(original)
        text = original.decode(encoding)
    except (StylefixError, UnicodeDecodeError, SyntaxError, LookupError) as error:
        terminal.say(f"{display}: cannot review: {error}", style="red")
        return True
    review = FileReview(path, display, config, terminal, tally, encoding)
    quit_now = False
    for codemod in config.enabled:
        try:
            text, quit_now = review.stage(codemod, text)
        except StylefixError as error:
            terminal.say(error.located(display), style="red")
            return True
        if quit_now:
            break
    final = text.encode(encoding)
    if final != original:
        problem = _safety_problem(original, final, review.renames)
        if problem is not None:
            terminal.say(f"{display}: not written, the safety net refused the result: {problem}", style="red")
            tally.refused.append(display)
        else:
            try:
                write_atomically(path, original, final)
                tally.written.append(display)
                terminal.say(f"{display}: written", style="bold green")
            except (StylefixError, OSError) as error:
                terminal.say(f"{display}: not written: {error}", style="red")
                tally.refused.append(display)
    return not quit_now


def print_summary(terminal: Terminal, tally: Tally) -> None:
    from rich.table import Table

    table = Table(title="stylefix review")
    table.add_column("codemod")
    for what in COUNTED:
        table.add_column(what, justify="right")
    for codemod, counts in tally.counts.items():
        table.add_row(codemod, *(str(counts[what]) for what in COUNTED))
    terminal.console.print(table)
    terminal.say(f"files written: {len(tally.written)}" + (f", refused: {len(tally.refused)}" if tally.refused else ""))


def run_review(paths: Sequence[Path], select: Sequence[str], ignore: Sequence[str], color: Optional[bool]) -> int:
    import click

    from stylefix.discovery import discover
    from stylefix.runner import with_project_modules

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        click.echo(NO_TERMINAL, err=True)
        return EXIT_ERROR
    targets = list(paths) or [Path(".")]
    try:
        config = with_project_modules(load_config(common_base(targets), select=select, ignore=ignore))
    except InvalidConfig as error:
        click.echo(f"stylefix: error: {error}", err=True)
        return EXIT_ERROR
    found = discover(targets, config)
    for given, message in found.errors:
        click.echo(f"stylefix: {given}: {message}", err=True)
    terminal = Terminal(color)
    tally = Tally()
    try:
        for path in sorted(found.files, key=str):
            if not review_file(path, config, terminal, tally):
                break
    except (KeyboardInterrupt, EOFError):
        terminal.say("\ninterrupted: the file under review was not written", style="red")
        print_summary(terminal, tally)
        return EXIT_INTERRUPTED
    print_summary(terminal, tally)
    return EXIT_OK
