"""`stylefix lsp`: a language server over stdio (formatting, diagnostics, code actions), built on pygls.

Every answer comes from the same `fix_source` the CLI runs, with the configuration of the document's own path,
so format-on-save, pre-commit and `stylefix fix` agree. LibCST is imported only when a document needs it.
"""
import asyncio
import codecs
from dataclasses import dataclass, replace
import difflib
import io
import logging
from pathlib import Path
import re
import threading
import tokenize
from typing import Callable, Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from stylefix.config import Config, InvalidConfig, load_config
from stylefix.mentions import with_project_mentions
from stylefix.results import Change, StylefixError
from stylefix.version import VERSION

logger = logging.getLogger(__name__)

SOURCE = "stylefix"
FIX_ALL_KIND = "source.fixAll.stylefix"
ORGANIZE_IMPORTS_KIND = "source.organizeImports.stylefix"
SORT_IMPORTS = "sort-imports"
PYTHON_SUFFIXES: Tuple[str, ...] = (".py", ".pyi")
# Diagnostics while typing wait for a pause: every run costs a parse, too much for each keystroke.
CHANGE_DELAY_SECONDS = 0.3
# Fix results kept per (document, codemods) so code actions, formatting and diagnostics share one run.
RESULT_CACHE_SIZE = 64
# The line terminators of the LSP specification (str.splitlines also splits on \f, \v, \x1c... which LSP does not).
LINE_PATTERN = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")

Units = Callable[[str], int]


@dataclass(frozen=True)
class Outcome:
    """What stylefix makes of one buffer: the new text and its changes, or why there is nothing to offer."""

    text: str
    changes: Tuple[Change, ...] = ()
    error: Optional[StylefixError] = None
    excluded: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.changes) and self.error is None


def split_lines(text: str) -> List[str]:
    """The lines of `text` as LSP counts them, each with its terminator."""
    return LINE_PATTERN.findall(text)


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
    from stylefix.engine import fix_source

    encoding = declared_encoding(text)
    try:
        source = text.encode(encoding)
    except UnicodeEncodeError as error:
        line = text[: error.start].count("\n") + 1
        return Outcome(text, error=StylefixError(f"cannot encode in {encoding}: {error.reason}", line, 0))
    try:
        result = fix_source(source, path, config, names=names)
    except StylefixError as error:
        return Outcome(text, error=error)
    except RecursionError:
        return Outcome(text, error=StylefixError("too deeply nested to process"))
    except Exception as error:  # a bug in stylefix: report it on this document and keep serving
        logger.exception("internal error on %s", path)
        return Outcome(text, error=StylefixError(f"internal error: {type(error).__name__}: {error} — please report"))
    if not result.changes:
        return Outcome(text)
    return Outcome(result.source.decode(encoding), changes=result.changes)


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


def change_diagnostic(change: Change, lines: Sequence[str], units: Units) -> types.Diagnostic:
    return types.Diagnostic(
        range=_line_range(lines, change.line - 1, 0, units),
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
    lines = split_lines(outcome.text)
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
    # The quick fix runs the whole codemod: one change alone may need another (the import typing-generics adds).
    return f"stylefix: apply {change.codemod} ({count} changes, including {change.message})"


def python_document(document: TextDocument) -> bool:
    return document.language_id == "python" or (document.path or "").endswith(PYTHON_SUFFIXES)


class StylefixServer(LanguageServer):
    """pygls' server plus what stylefix keeps between requests: module indexes and recent fix results."""

    def __init__(self) -> None:
        super().__init__("stylefix", VERSION, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.project_modules: Dict[Path, FrozenSet[str]] = {}
        # Least recently used first (dicts keep insertion order).
        self.results: Dict[Tuple[str, Optional[Tuple[str, ...]], str, str], Outcome] = {}
        self.pending: Dict[str, asyncio.TimerHandle] = {}
        self.warned_roots: Set[Path] = set()
        # (root, module name) pairs the index was rebuilt for, so a file outside the index costs one rebuild only
        self.rescanned: Set[Tuple[Path, str]] = set()

    def document_path(self, document: TextDocument) -> Path:
        path = Path(document.path or "untitled.py")
        if not path.is_absolute():
            path = Path(self.workspace.root_path or Path.cwd()) / path.name
        return path

    def units(self, document: TextDocument) -> Units:
        return document.position_codec.client_num_units

    def config_for(self, path: Path) -> Config:
        """The document's project configuration, with that project's module index (built once per root)."""
        config = load_config(path)
        root = config.root.resolve()
        if root not in self.warned_roots:
            self.warned_roots.add(root)
            self.show_conflicts(config)
        # Scanned on every request: files whose (mtime, size) did not change are not read again.
        config = with_project_mentions(config)
        if SORT_IMPORTS not in config.enabled:
            return config
        stem = path.name.rsplit(".", 1)[0]
        modules = self.project_modules.get(root)
        if modules is None or (stem not in modules and (root, stem) not in self.rescanned):
            # A module the index has not seen (a file created since) may change how imports of it are filed.
            from stylefix.discovery import project_modules

            self.rescanned.add((root, stem))
            modules = project_modules(config)
            self.project_modules[root] = modules
        return replace(config, project_modules=modules)

    def show_conflicts(self, config: Config) -> None:
        from stylefix.conflicts import find_conflicts

        for warning in find_conflicts(config):
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=warning))

    def outcome(self, document: TextDocument, names: Optional[Sequence[str]] = None) -> Outcome:
        text = document.source
        if not python_document(document):
            return Outcome(text, excluded=True)
        path = self.document_path(document)
        try:
            config = self.config_for(path)
        except InvalidConfig as error:
            return Outcome(text, error=StylefixError(f"invalid configuration: {error}"))
        from stylefix.discovery import Excluder

        if Excluder(config).is_excluded(path, is_dir=False):
            return Outcome(text, excluded=True)
        key = (document.uri, tuple(names) if names is not None else None, config.fingerprint(), str(path))
        cached = self.results.pop(key, None)
        result = cached if cached is not None and cached.text == text else fix_text(text, path, config, names)
        self.results[key] = result
        while len(self.results) > RESULT_CACHE_SIZE:
            del self.results[next(iter(self.results))]
        return result

    def publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        document = self.workspace.get_text_document(uri)
        outcome = self.outcome(document)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics(outcome, self.units(document)), version=document.version
            )
        )

    def publish_later(self, uri: str) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.get_running_loop().call_later(CHANGE_DELAY_SECONDS, self.publish, uri)

    def forget(self, uri: str) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        for key in [key for key in self.results if key[0] == uri]:
            del self.results[key]
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def edits(self, document: TextDocument, names: Optional[Sequence[str]] = None) -> List[types.TextEdit]:
        outcome = self.outcome(document, names)
        if not outcome.changed:
            return []
        return text_edits(document.source, outcome.text, self.units(document))

    def code_actions(self, params: types.CodeActionParams) -> List[types.CodeAction]:
        document = self.workspace.get_text_document(params.text_document.uri)
        only = params.context.only
        outcome = self.outcome(document)
        if not outcome.changed:
            return []
        uri = document.uri
        units = self.units(document)
        lines = split_lines(document.source)
        found = [(change, change_diagnostic(change, lines, units)) for change in outcome.changes]
        actions = []
        if wanted_kind(types.CodeActionKind.QuickFix, only):
            counts: Dict[str, int] = {}
            for change in outcome.changes:
                counts[change.codemod] = counts.get(change.codemod, 0) + 1
            first, last = params.range.start.line, params.range.end.line
            for change, diagnostic in found:
                if not first <= diagnostic.range.start.line <= last:
                    continue
                edits = self.edits(document, [change.codemod])
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
                    edit=types.WorkspaceEdit(changes={uri: text_edits(document.source, outcome.text, units)}),
                )
            )
        if wanted_kind(ORGANIZE_IMPORTS_KIND, only) and any(c.codemod == SORT_IMPORTS for c in outcome.changes):
            edits = self.edits(document, [SORT_IMPORTS])
            if edits:
                actions.append(
                    types.CodeAction(
                        title="stylefix: sort imports",
                        kind=ORGANIZE_IMPORTS_KIND,
                        diagnostics=[diagnostic for change, diagnostic in found if change.codemod == SORT_IMPORTS],
                        edit=types.WorkspaceEdit(changes={uri: edits}),
                    )
                )
        return actions


def _preload() -> None:
    # Import LibCST and the codemods while the editor is still busy starting up, not on the first save.
    try:
        from stylefix import registry

        for spec in registry.CODEMODS:
            spec.load()
    except Exception:
        logger.debug("preloading the codemods failed", exc_info=True)


def make_server() -> StylefixServer:
    server = StylefixServer()

    @server.feature(types.INITIALIZED)
    def initialized(ls: StylefixServer, params: types.InitializedParams) -> None:
        threading.Thread(target=_preload, name="stylefix-preload", daemon=True).start()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: StylefixServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: StylefixServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.publish_later(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: StylefixServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: StylefixServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: StylefixServer, params: types.DocumentFormattingParams) -> List[types.TextEdit]:
        return ls.edits(ls.workspace.get_text_document(params.text_document.uri))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND, ORGANIZE_IMPORTS_KIND],
            resolve_provider=False,
        ),
    )
    def code_action(ls: StylefixServer, params: types.CodeActionParams) -> List[types.CodeAction]:
        return ls.code_actions(params)

    return server


def serve() -> None:
    """Serve over stdin/stdout until the client says exit."""
    logging.basicConfig(level=logging.WARNING, format="stylefix lsp: %(levelname)s: %(message)s")
    make_server().start_io()
