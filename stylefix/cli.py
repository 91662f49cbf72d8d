"""The `stylefix` command: a thin Click layer over the runner; prints results and returns the exit code."""
import logging
import os
from pathlib import Path
import signal
import sys
from typing import Any, Callable, List, Optional, Sequence, Tuple

import click

from stylefix import registry
from stylefix.config import InvalidConfig, common_base, load_config
from stylefix.report import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_TERMINATED, Reporter, color_from_environment
from stylefix.results import Mode, Status
from stylefix.version import VERSION

logger = logging.getLogger(__name__)

OUTPUT_FORMATS: Tuple[str, ...] = ("text", "json", "github")


def _names(ctx: click.Context, param: click.Parameter, value: Sequence[str]) -> Tuple[str, ...]:
    names: List[str] = []
    for item in value:
        names.extend(name.strip() for name in item.split(",") if name.strip())
    for name in names:
        if name not in registry.SPECS:
            raise click.BadParameter(f"unknown codemod {name!r}; valid names: {', '.join(registry.NAMES)}")
    return tuple(names)


def run_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options shared by fix, check and diff."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option("--select", multiple=True, callback=_names, help="Run only these codemods (comma-separated)."),
        click.option("--ignore", multiple=True, callback=_names, help="Do not run these codemods (comma-separated)."),
        click.option(
            "--config",
            "config_file",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Read configuration from this file instead of the nearest pyproject.toml.",
        ),
        click.option("--exclude", multiple=True, metavar="GLOB", help="Also exclude paths matching GLOB (repeatable)."),
        click.option(
            "--force-exclude",
            is_flag=True,
            help="Apply excludes to files named on the command line too (pre-commit passes files explicitly).",
        ),
        click.option(
            "--stdin-filename",
            type=click.Path(path_type=Path),
            help="With '-': the path of the file on stdin (config lookup, test-file rules).",
        ),
        click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per CPU)."),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            metavar="SECONDS",
            help="Give up on a file after this many seconds (default: the `timeout` key, else 60).",
        ),
        click.option("--no-cache", is_flag=True, help="Do not read or write .stylefix_cache/."),
        click.option("--fast", is_flag=True, help="Skip the safety net (output re-parse and stability check)."),
        click.option("-q", "--quiet", is_flag=True, help="Print only errors."),
        click.option("-v", "--verbose", is_flag=True, help="Print every change, also for fix."),
        click.option("--color/--no-color", default=None, help="Colour the output (default: when it is a terminal)."),
        click.option(
            "--output-format",
            type=click.Choice(OUTPUT_FORMATS),
            default="text",
            show_default=True,
            help="json: machine-readable changes per file; github: workflow annotations.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="stylefix")
def cli() -> None:
    """Rewrite Python source to match the style guide.

    \b
    Exit codes: 0 nothing to change (or all fixed by `fix`); 1 `check`/`diff` found changes;
    2 usage error, bad configuration, or a file that could not be processed.
    """


@cli.command()
@run_options
def fix(**kwargs: Any) -> None:
    """Rewrite files in place (PATHS default: '.'; '-' reads stdin and writes the result to stdout)."""
    sys.exit(run(Mode.FIX, **kwargs))


@cli.command()
@run_options
def check(**kwargs: Any) -> None:
    """Write nothing; list each file that would change and the codemods that would change it."""
    sys.exit(run(Mode.CHECK, **kwargs))


@cli.command()
@run_options
def diff(**kwargs: Any) -> None:
    """Write nothing; print a unified diff of every change (a dry run)."""
    sys.exit(run(Mode.DIFF, **kwargs))


@cli.command(name="list")
def list_codemods() -> None:
    """List the codemods, what they do and whether they are on by default."""
    width = max(len(name) for name in registry.NAMES)
    for spec in registry.CODEMODS:
        state = "on " if spec.default_on else "off"
        click.echo(f"{spec.name:<{width}}  {state}  {spec.summary}")


@cli.command()
@click.argument("name")
def explain(name: str) -> None:
    """Explain what a codemod does, with before/after examples."""
    spec = registry.get_spec(name)
    if spec is None:
        raise click.BadParameter(f"unknown codemod {name!r}; valid names: {', '.join(registry.NAMES)}")
    doc, examples = spec.documentation()
    click.echo(f"{spec.name} ({'on' if spec.default_on else 'off'} by default)\n")
    click.echo(spec.summary + "\n")
    if doc:
        click.echo(doc.strip() + "\n")
    for example in examples:
        click.echo(f"Example: {example.title}" + (f" (in {example.path})" if example.path != "example.py" else ""))
        if example.options:
            options = ", ".join(f"{key} = {value!r}" for key, value in example.options.items())
            click.echo(f"  with [tool.stylefix.{spec.name}] {options}")
        click.echo("  before:")
        click.echo("".join(f"    {line}\n" for line in example.before.splitlines()))
        click.echo("  after:")
        click.echo("".join(f"    {line}\n" for line in example.after.splitlines()))


@cli.command()
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--write", is_flag=True, help="Add the proposed [tool.stylefix] section to pyproject.toml.")
@click.option("--force", is_flag=True, help="With --write: replace an existing [tool.stylefix] section.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--color/--no-color", default=None, help="Colour the output (default: when it is a terminal).")
def init(path: Path, write: bool, force: bool, as_json: bool, color: Optional[bool]) -> None:
    """Read the project at PATH (default '.') and propose a [tool.stylefix] section; writes only with --write."""
    from stylefix.setup_output import run_init

    sys.exit(run_init(path, write, force, as_json, color))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--select", multiple=True, callback=_names, help="Review only these codemods (comma-separated).")
@click.option("--ignore", multiple=True, callback=_names, help="Do not run these codemods (comma-separated).")
@click.option("--color/--no-color", default=None, help="Colour the output (default: on).")
def review(paths: Tuple[Path, ...], select: Tuple[str, ...], ignore: Tuple[str, ...], color: Optional[bool]) -> None:
    """Walk the changes one by one in a terminal: y accept, n skip, e edit, s skip for good, a accept the rest of
    the file, q quit."""
    from stylefix.review import run_review

    sys.exit(run_review(paths, select, ignore, color))


@cli.command()
def lsp() -> None:
    """Run the language server over stdio (formatting, diagnostics, code actions)."""
    from stylefix.lsp import serve

    serve()


def _fail(message: str) -> int:
    click.echo(f"stylefix: error: {message}", err=True)
    return EXIT_ERROR


def run(
    mode: Mode,
    paths: Tuple[Path, ...],
    select: Tuple[str, ...],
    ignore: Tuple[str, ...],
    config_file: Optional[Path],
    exclude: Tuple[str, ...],
    force_exclude: bool,
    stdin_filename: Optional[Path],
    jobs: Optional[int],
    timeout: Optional[float],
    no_cache: bool,
    fast: bool,
    quiet: bool,
    verbose: bool,
    color: Optional[bool],
    output_format: str,
) -> int:
    from stylefix.runner import RunOptions

    use_stdin = paths == (Path("-"),)
    if Path("-") in paths and not use_stdin:
        return _fail("'-' (stdin) cannot be combined with other paths")
    if stdin_filename is not None and not use_stdin:
        return _fail("--stdin-filename only applies when reading stdin ('-')")
    targets = list(paths) or [Path(".")]
    start = stdin_filename if use_stdin and stdin_filename else (Path.cwd() if use_stdin else common_base(targets))
    try:
        config = load_config(start, config_file, select=select, ignore=ignore, extend_exclude=exclude)
    except InvalidConfig as error:
        return _fail(str(error))
    options = RunOptions(
        mode=mode, safe=not fast, use_cache=not no_cache, jobs=jobs or 0, force_exclude=force_exclude, timeout=timeout
    )
    color = color_from_environment(color, os.environ)
    reporter = Reporter(mode=mode, output_format=output_format, quiet=quiet, verbose=verbose, color=color)
    if use_stdin:
        # Format-on-save runs on every save: the project-wide conflict warnings belong to `check` and `fix`.
        return _run_stdin(stdin_filename, config, options, reporter)
    from stylefix.conflicts import find_conflicts

    for warning in find_conflicts(config):
        reporter.warn(warning)
    return _run_paths(targets, config, options, reporter)


def _run_stdin(filename: Optional[Path], config: Any, options: Any, reporter: Reporter) -> int:
    from stylefix.api import fix_stdin
    from stylefix.discovery import Excluder

    source = sys.stdin.buffer.read()
    if filename is not None and Excluder(config).is_excluded(filename, is_dir=False):
        if options.mode is Mode.FIX:
            sys.stdout.buffer.write(source)
        return EXIT_OK
    result = fix_stdin(source, filename, config, options)
    if options.mode is Mode.FIX:
        for warning in result.warnings:
            reporter.warn(warning)
        if result.status is Status.ERROR:
            reporter.error(result.error or "error")
            return EXIT_ERROR
        sys.stdout.buffer.write(result.source or source)
        sys.stdout.buffer.flush()
        if reporter.verbose:
            for change in result.changes:
                reporter.warn(f"{result.path}:{change.line}: {change.codemod}: {change.message}")
        return EXIT_OK
    reporter.result(result)
    return reporter.finish()


def _run_paths(targets: List[Path], config: Any, options: Any, reporter: Reporter) -> int:
    from stylefix.api import fix_paths
    from stylefix.isolation import Terminated

    progress = _Progress(enabled=not reporter.quiet and reporter.output_format == "text", color=reporter.color)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        with progress:
            for result in fix_paths(targets, config, options, on_total=progress.start):
                progress.advance()
                reporter.result(result)
    except Terminated:
        click.echo("stylefix: terminated; every file is either unchanged or fully fixed", err=True)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        click.echo("stylefix: interrupted; every file is either unchanged or fully fixed", err=True)
        return EXIT_INTERRUPTED
    return reporter.finish()


def _terminate(signum: int, frame: Any) -> None:
    from stylefix.isolation import Terminated

    raise Terminated()


# A progress bar is worth drawing only for runs that take a noticeable time.
PROGRESS_MIN_FILES = 50


class _Progress:
    """A rich progress bar on stderr when stderr is a terminal and there are many files; otherwise nothing."""

    def __init__(self, enabled: bool, color: Optional[bool]) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.color = color
        self._progress: Any = None
        self._task: Any = None

    def start(self, total: int) -> None:
        if not self.enabled or total < PROGRESS_MIN_FILES:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        from stylefix.report import make_console

        self._progress = Progress(
            TextColumn("stylefix"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=make_console(sys.stderr, self.color),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("files", total=total)

    def advance(self) -> None:
        if self._progress is not None:
            self._progress.advance(self._task)

    def __enter__(self) -> "_Progress":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            self._progress.stop()


def main() -> None:
    cli(prog_name="stylefix")


if __name__ == "__main__":
    main()
