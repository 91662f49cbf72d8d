"""`stylefix lsp`: a language server over stdio (formatting, diagnostics, code actions), built on pygls.

Every answer comes from the same `fix_source` the CLI runs, with the configuration of the document's own path,
so format-on-save, pre-commit and `stylefix fix` agree. LibCST is imported only when a document needs it.
"""
import asyncio
import codecs
from dataclasses import dataclass, field, replace
import difflib
import io
import logging
import os
from pathlib import Path
import re
import sys
import threading
import tokenize
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple

from lsprotocol import types
from pygls.exceptions import JsonRpcServerNotInitialized
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.workspace import TextDocument

from stylefix.config import Config, InvalidConfig, ModuleIndex, load_config
from stylefix.isolation import ChildCaller
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
    # The document the changes are positioned in (the same as `text` when nothing changes).
    original: str = ""

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


def _fix_text_plain(text: str, path: Path, config: Config, names: Optional[Sequence[str]]) -> Outcome:
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
    from stylefix.isolation import ChildFailed

    try:
        return caller.call((text, path, config, names), config.timeout)
    except ChildFailed as error:
        logger.warning("%s: %s", path, error)
        return Outcome(text, error=StylefixError(str(error), 1, 1))


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


def _span_range(lines: Sequence[str], change: Change, units: Units) -> types.Range:
    """The exact text a change is about (the engine positions it in the document's own text)."""
    if not lines:
        return _line_range(lines, 0, 0, units)

    def position(line: int, column: int) -> types.Position:
        index = min(max(line - 1, 0), len(lines) - 1)
        text = _strip_terminator(lines[index])
        return types.Position(line=index, character=units(text[: min(max(column, 0), len(text))]))

    start = position(change.line, change.column)
    end = position(change.end_line, change.end_column)
    if (end.line, end.character) < (start.line, start.character):
        end = start
    return types.Range(start=start, end=end)


def change_diagnostic(change: Change, lines: Sequence[str], units: Units) -> types.Diagnostic:
    if change.end_line > 0:
        where = _span_range(lines, change, units)
    else:
        where = _line_range(lines, change.line - 1, 0, units)
    return types.Diagnostic(
        range=where,
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
    """Diagnostics on the document as the editor has it (never on stylefix's output)."""
    lines = split_lines(outcome.original if outcome.changes else outcome.text)
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


@dataclass
class Analysis:
    """Everything stylefix answers about one version of one document, computed once and reused by formatting,
    diagnostics (pushed and pulled) and code actions."""

    version: Optional[int]
    text: str
    outcome: Outcome
    diagnostics: List[types.Diagnostic]
    # Runs of a subset of the codemods (quick fixes, organize imports), made when first asked for.
    partial: Dict[Tuple[str, ...], Outcome] = field(default_factory=dict)


class StylefixProtocol(LanguageServerProtocol):
    """pygls' protocol, answering requests that come before `initialize` as the specification says."""

    def handle_message(self, message: Any) -> None:
        method = getattr(message, "method", None)
        if self._workspace is None and method is not None and method not in (types.INITIALIZE, types.EXIT):
            message_id = getattr(message, "id", None)
            if message_id is not None:
                self._send_response(message_id, None, JsonRpcServerNotInitialized().to_response_error())
            return  # a notification before initialize is dropped
        super().handle_message(message)


class StylefixServer(LanguageServer):
    """pygls' server plus what stylefix keeps between requests: module indexes and each document's analysis."""

    def __init__(self) -> None:
        super().__init__(
            "stylefix",
            VERSION,
            text_document_sync_kind=types.TextDocumentSyncKind.Full,
            protocol_cls=StylefixProtocol,
        )
        self.project_modules: Dict[Path, ModuleIndex] = {}
        self.analyses: Dict[str, Analysis] = {}
        self.pending: Dict[str, asyncio.TimerHandle] = {}
        self.warned_roots: Set[Path] = set()
        # (root, module name) pairs the index was rebuilt for, so a file outside the index costs one rebuild only
        self.rescanned: Set[Tuple[Path, str]] = set()
        # Documents are fixed in a forked child; a fork in the middle of an import would deadlock the child.
        self.preloading: Optional[threading.Thread] = None
        self.fixer: ChildCaller[Outcome] = ChildCaller(_fix_text_plain)
        self.shut_down = False

    def document_path(self, document: TextDocument) -> Path:
        path = Path(document.path or "untitled.py")
        if not path.is_absolute():
            path = Path(self.workspace.root_path or Path.cwd()) / path.name
        return path

    def units(self, document: TextDocument) -> Units:
        return document.position_codec.client_num_units

    def pulls_diagnostics(self) -> bool:
        """Whether the client asks for diagnostics (textDocument/diagnostic) instead of being sent them."""
        text_document = self.client_capabilities.text_document
        return text_document is not None and text_document.diagnostic is not None

    def trace(self, message: str) -> None:
        if self.protocol.trace != types.TraceValue.Off:
            self.log_trace(types.LogTraceParams(message=message))

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

    def _run(self, document: TextDocument, names: Optional[Sequence[str]]) -> Outcome:
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
        what = "stylefix" if names is None else ", ".join(names)
        self.trace(f"stylefix: running {what} on {document.uri} version {document.version}")
        if self.preloading is not None:
            self.preloading.join()
            self.preloading = None
        return fix_text_isolated(self.fixer, text, path, config, names)

    def analysis(self, document: TextDocument) -> Analysis:
        """The document's analysis for its current version: computed on first use, then reused."""
        found = self.analyses.get(document.uri)
        if found is not None and found.version == document.version and found.text == document.source:
            return found
        outcome = self._run(document, None)
        found = Analysis(document.version, document.source, outcome, diagnostics(outcome, self.units(document)))
        self.analyses[document.uri] = found
        return found

    def outcome(self, document: TextDocument, names: Optional[Sequence[str]] = None) -> Outcome:
        analysis = self.analysis(document)
        if names is None:
            return analysis.outcome
        key = tuple(names)
        if key not in analysis.partial:
            analysis.partial[key] = self._run(document, names)
        return analysis.partial[key]

    def publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        if self.pulls_diagnostics():
            return
        document = self.workspace.get_text_document(uri)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, diagnostics=list(self.analysis(document).diagnostics), version=document.version
            )
        )

    def publish_later(self, uri: str) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        if self.pulls_diagnostics():
            return
        self.pending[uri] = asyncio.get_running_loop().call_later(CHANGE_DELAY_SECONDS, self.publish, uri)

    def project_changed(self, saved_uri: str) -> None:
        """A saved file can change what stylefix answers for the other open documents (a test name now used as a
        string there, a new local module): their analyses are dropped and their diagnostics brought up to date (a
        client that pulls asks again, as `interFileDependencies` tells it to)."""
        for uri in [uri for uri in self.analyses if uri != saved_uri]:
            del self.analyses[uri]
            self.publish_later(uri)

    def forget(self, uri: str) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.analyses.pop(uri, None)
        if not self.pulls_diagnostics():
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def edits(self, document: TextDocument, names: Optional[Sequence[str]] = None) -> List[types.TextEdit]:
        outcome = self.outcome(document, names)
        if not outcome.changed:
            return []
        return text_edits(document.source, outcome.text, self.units(document))

    def code_actions(self, params: types.CodeActionParams) -> List[types.CodeAction]:
        document = self.workspace.get_text_document(params.text_document.uri)
        only = params.context.only
        analysis = self.analysis(document)
        outcome = analysis.outcome
        if not outcome.changed:
            return []
        uri = document.uri
        units = self.units(document)
        # The very diagnostics that were published (or pulled) for this version, not a second computation.
        found = list(zip(outcome.changes, analysis.diagnostics))
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
        ls.preloading = threading.Thread(target=_preload, name="stylefix-preload", daemon=True)
        ls.preloading.start()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: StylefixServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: StylefixServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.publish_later(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: StylefixServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.project_changed(params.text_document.uri)
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: StylefixServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: StylefixServer, params: types.DocumentFormattingParams) -> List[types.TextEdit]:
        return ls.edits(ls.workspace.get_text_document(params.text_document.uri))

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=True, workspace_diagnostics=False),
    )
    def pull_diagnostics(
        ls: StylefixServer, params: types.DocumentDiagnosticParams
    ) -> types.RelatedFullDocumentDiagnosticReport:
        document = ls.workspace.get_text_document(params.text_document.uri)
        return types.RelatedFullDocumentDiagnosticReport(items=list(ls.analysis(document).diagnostics))

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: StylefixServer, params: Any) -> None:
        ls.shut_down = True

    @server.feature(types.EXIT)
    def exit_server(ls: StylefixServer, params: Any) -> None:
        # Every answer has been written by now; leave at once rather than wait for the reader thread on stdin.
        sys.stdout.flush()
        logging.shutdown()
        os._exit(0 if ls.shut_down else 1)

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
    """Serve over stdin/stdout until the client says exit; exit status 1 without a `shutdown` first (LSP)."""
    logging.basicConfig(level=logging.WARNING, format="stylefix lsp: %(levelname)s: %(message)s")
    server = make_server()
    try:
        server.start_io()
    except SystemExit:
        pass
    sys.exit(0 if server.shut_down else 1)
