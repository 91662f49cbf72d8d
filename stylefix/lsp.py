"""`stylefix lsp`: a language server over stdio (formatting, diagnostics, code actions), built on pygls.

Every answer comes from the same `fix_source` the CLI runs (through `api.fix_bytes`), with the configuration of
the document's own path, so format-on-save, pre-commit and `stylefix fix` agree. LibCST is imported only when a
document needs it. This module is the pygls adapter; what it keeps per document is in lsp_documents.py, what it
sends (edits, diagnostics, code actions) in lsp_edits.py, and the run on a buffer in lsp_outcome.py.
"""
import asyncio
import logging
import os
import sys
import threading
from typing import Any, Dict, List

from lsprotocol import types
from pygls.exceptions import JsonRpcServerNotInitialized
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from stylefix.lsp_documents import Documents, units
from stylefix.lsp_edits import CODE_ACTION_KINDS, SOURCE, code_actions
from stylefix.version import VERSION

logger = logging.getLogger(__name__)

# Diagnostics while typing wait for a pause: every run costs a parse, too much for each keystroke.
CHANGE_DELAY_SECONDS = 0.3


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
    """pygls' server plus what stylefix keeps between requests (`documents`) and the diagnostics waiting to be
    published."""

    def __init__(self) -> None:
        super().__init__(
            "stylefix",
            VERSION,
            text_document_sync_kind=types.TextDocumentSyncKind.Full,
            protocol_cls=StylefixProtocol,
        )
        self.documents = Documents(lambda: self.workspace.root_path, self.warn, self.trace)
        self.pending: Dict[str, asyncio.TimerHandle] = {}
        self.shut_down = False

    def pulls_diagnostics(self) -> bool:
        """Whether the client asks for diagnostics (textDocument/diagnostic) instead of being sent them."""
        text_document = self.client_capabilities.text_document
        return text_document is not None and text_document.diagnostic is not None

    def trace(self, message: str) -> None:
        if self.protocol.trace != types.TraceValue.Off:
            self.log_trace(types.LogTraceParams(message=message))

    def warn(self, message: str) -> None:
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))

    def publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        if self.pulls_diagnostics():
            return
        document = self.workspace.get_text_document(uri)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, diagnostics=list(self.documents.analysis(document).diagnostics), version=document.version
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
        for uri in self.documents.drop_others(saved_uri):
            self.publish_later(uri)

    def forget(self, uri: str) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.documents.forget(uri)
        if not self.pulls_diagnostics():
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def code_actions(self, params: types.CodeActionParams) -> List[types.CodeAction]:
        document = self.workspace.get_text_document(params.text_document.uri)
        analysis = self.documents.analysis(document)
        return code_actions(
            document.uri,
            document.source,
            analysis.outcome,
            analysis.diagnostics,
            (params.range.start.line, params.range.end.line),
            params.context.only,
            lambda names: self.documents.edits(document, names),
            units(document),
        )


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
        ls.documents.preloading = threading.Thread(target=_preload, name="stylefix-preload", daemon=True)
        ls.documents.preloading.start()

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
        return ls.documents.edits(ls.workspace.get_text_document(params.text_document.uri))

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=True, workspace_diagnostics=False),
    )
    def pull_diagnostics(
        ls: StylefixServer, params: types.DocumentDiagnosticParams
    ) -> types.RelatedFullDocumentDiagnosticReport:
        document = ls.workspace.get_text_document(params.text_document.uri)
        return types.RelatedFullDocumentDiagnosticReport(items=list(ls.documents.analysis(document).diagnostics))

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
        types.CodeActionOptions(code_action_kinds=CODE_ACTION_KINDS, resolve_provider=False),
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
