"""`stylefix lsp` driven by a hand-written JSON-RPC client over stdio, as an editor drives it: exact diagnostic
ranges, pull diagnostics, one analysis per document version, and the protocol's lifecycle rules."""
import json
from pathlib import Path
import subprocess
from typing import Any, Dict, List, Optional

from tests.helpers import STYLEFIX, write_files

# A test file with a change of every codemod; the emoji takes two UTF-16 code units.
DOCUMENT = (
    "import sys\n"
    "import os\n"
    "\n"
    "\n"
    "def test_compute_returns_value(values: list[int]) -> None:\n"
    "    result = compute(values)\n"
    '    assert result == {"\U0001f600": 1}, (os, sys)\n'
)
# (codemod, start line, start character, end line, end character) in UTF-16 units, in line order.
EXPECTED_RANGES = [
    ("typing-generics", 1, 0, 1, 9),  # the import its `from typing import List` goes after
    ("sort-imports", 1, 0, 1, 9),  # `import os`, the first import out of order
    ("test-names", 4, 4, 4, 30),  # test_compute_returns_value
    ("typing-generics", 4, 39, 4, 48),  # list[int]
    ("assert-order", 6, 11, 6, 30),  # result == {"😀": 1}
]


class Client:
    """A minimal LSP client: Content-Length framed JSON over the server's stdin and stdout."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(
            STYLEFIX + ["lsp"], cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self.notifications: List[Dict[str, Any]] = []
        self.next_id = 0

    def send(self, message: Dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self) -> Dict[str, Any]:
        assert self.process.stdout is not None
        length = 0
        while True:
            header = self.process.stdout.readline()
            if not header:
                raise EOFError("the server closed its output")
            if header in (b"\r\n", b"\n"):
                break
            name, _, value = header.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        message: Dict[str, Any] = json.loads(self.process.stdout.read(length))
        return message

    def request(self, method: str, params: Any) -> Dict[str, Any]:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                return message
            if "id" in message and "method" in message:  # a request from the server (e.g. registration)
                self.send({"id": message["id"], "result": None})
                continue
            self.notifications.append(message)

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def initialize(self, root: Path, capabilities: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        response = self.request(
            "initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": capabilities or {}}
        )
        self.notify("initialized", {})
        return response

    def open(self, path: Path, text: str, version: int = 1) -> None:
        document = {"uri": path.as_uri(), "languageId": "python", "version": version, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})

    def finish(self, shutdown: bool = True) -> int:
        if shutdown:
            self.request("shutdown", None)
        self.notify("exit", None)
        return self.process.wait(timeout=60)

    def stderr(self) -> str:
        assert self.process.stderr is not None
        return self.process.stderr.read().decode("utf-8", "replace")


def ranges(diagnostics: List[Dict[str, Any]]) -> List[tuple]:
    return [
        (
            d["code"],
            d["range"]["start"]["line"],
            d["range"]["start"]["character"],
            d["range"]["end"]["line"],
            d["range"]["end"]["character"],
        )
        for d in diagnostics
    ]


def make_project(tmp_path: Path) -> Path:
    write_files(tmp_path, {"pyproject.toml": "[tool.stylefix]\n", "tests/test_compute.py": DOCUMENT})
    return tmp_path / "tests" / "test_compute.py"


def code_actions(client: Client, path: Path) -> List[Dict[str, Any]]:
    params = {
        "textDocument": {"uri": path.as_uri()},
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 7, "character": 0}},
        "context": {"diagnostics": []},
    }
    return list(client.request("textDocument/codeAction", params)["result"])


def test_WHEN_document_opened_THEN_each_diagnostic_spans_exactly_its_text_in_utf16(tmp_path: Path) -> None:
    path = make_project(tmp_path)
    client = Client(tmp_path)
    client.initialize(tmp_path)
    client.open(path, DOCUMENT)

    while not any(n.get("method") == "textDocument/publishDiagnostics" for n in client.notifications):
        client.notifications.append(client.receive())
    published = next(n for n in client.notifications if n.get("method") == "textDocument/publishDiagnostics")
    actions = code_actions(client, path)

    assert EXPECTED_RANGES == ranges(published["params"]["diagnostics"])
    # TEST: the diagnostics inside the code actions are the published ones, range for range
    fix_all = next(action for action in actions if action["kind"] == "source.fixAll.stylefix")
    assert published["params"]["diagnostics"] == fix_all["diagnostics"]
    quick_fixes = [action for action in actions if action["kind"] == "quickfix"]
    assert all(action["diagnostics"][0] in published["params"]["diagnostics"] for action in quick_fixes)
    assert 0 == client.finish()


def test_WHEN_client_pulls_diagnostics_THEN_answered_AND_none_pushed(tmp_path: Path) -> None:
    path = make_project(tmp_path)
    client = Client(tmp_path)
    initialized = client.initialize(tmp_path, {"textDocument": {"diagnostic": {"dynamicRegistration": False}}})
    client.open(path, DOCUMENT)

    report = client.request("textDocument/diagnostic", {"textDocument": {"uri": path.as_uri()}})["result"]

    assert {"identifier": "stylefix", "interFileDependencies": True, "workspaceDiagnostics": False} == initialized[
        "result"
    ]["capabilities"]["diagnosticProvider"]
    assert "full" == report["kind"]
    assert EXPECTED_RANGES == ranges(report["items"])
    assert 0 == client.finish()
    # TEST: a client that pulls is not sent the same diagnostics a second time
    assert [] == [n for n in client.notifications if n.get("method") == "textDocument/publishDiagnostics"]


def test_WHEN_one_document_version_asked_for_everything_THEN_stylefix_runs_once(tmp_path: Path) -> None:
    path = make_project(tmp_path)
    client = Client(tmp_path)
    client.initialize(tmp_path, {"textDocument": {"diagnostic": {"dynamicRegistration": False}}})
    client.notify("$/setTrace", {"value": "verbose"})
    client.open(path, DOCUMENT)
    uri = {"uri": path.as_uri()}
    formatting_options = {"tabSize": 4, "insertSpaces": True}

    client.request("textDocument/diagnostic", {"textDocument": uri})
    client.request("textDocument/formatting", {"textDocument": uri, "options": formatting_options})
    code_actions(client, path)
    client.request("textDocument/diagnostic", {"textDocument": uri})
    client.notify(
        "textDocument/didChange",
        {"textDocument": {**uri, "version": 2}, "contentChanges": [{"text": DOCUMENT + "\n"}]},
    )
    client.request("textDocument/formatting", {"textDocument": uri, "options": formatting_options})
    client.request("textDocument/diagnostic", {"textDocument": uri})
    client.finish()

    full_runs = [
        n["params"]["message"]
        for n in client.notifications
        if n.get("method") == "$/logTrace" and n["params"]["message"].startswith("stylefix: running stylefix on")
    ]
    assert [f"stylefix: running stylefix on {path.as_uri()} version {v}" for v in (1, 2)] == full_runs


def test_WHEN_other_file_saved_with_a_mention_of_a_test_name_THEN_unchanged_document_no_longer_renames_it(
    tmp_path: Path,
) -> None:
    test_a = "def test_x_works() -> None:\n    pass\n"
    test_b = "def test_WHEN_listed_THEN_names() -> None:\n    pass\n"
    test_b_mentioning = "def test_WHEN_listed_THEN_names() -> None:\n    assert 'test_x_works' in NAMES\n"
    files = {"pyproject.toml": "[tool.stylefix]\n", "tests/test_a.py": test_a, "tests/test_b.py": test_b}
    _, path_a, path_b = write_files(tmp_path, files)
    client = Client(tmp_path)
    client.initialize(tmp_path, {"textDocument": {"diagnostic": {"dynamicRegistration": False}}})
    client.open(path_a, test_a)
    client.open(path_b, test_b)
    uri_a = {"uri": path_a.as_uri()}
    formatting_options = {"tabSize": 4, "insertSpaces": True}
    before = client.request("textDocument/diagnostic", {"textDocument": uri_a})["result"]["items"]

    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": path_b.as_uri(), "version": 2}, "contentChanges": [{"text": test_b_mentioning}]},
    )
    path_b.write_text(test_b_mentioning)
    client.notify("textDocument/didSave", {"textDocument": {"uri": path_b.as_uri()}})
    after = client.request("textDocument/diagnostic", {"textDocument": uri_a})["result"]["items"]
    edits = client.request("textDocument/formatting", {"textDocument": uri_a, "options": formatting_options})["result"]
    client.finish()

    assert ["test-names"] == [diagnostic["code"] for diagnostic in before]
    assert [] == after
    assert [] == edits


def test_WHEN_request_sent_before_initialize_THEN_server_not_initialized_error_AND_no_traceback(
    tmp_path: Path,
) -> None:
    path = make_project(tmp_path)
    client = Client(tmp_path)

    options = {"tabSize": 4, "insertSpaces": True}
    response = client.request("textDocument/formatting", {"textDocument": {"uri": path.as_uri()}, "options": options})
    exit_status = client.finish(shutdown=False)

    assert -32002 == response["error"]["code"]
    assert "Traceback" not in client.stderr()
    # TEST: exit without shutdown exits with status 1
    assert 1 == exit_status


def test_WHEN_exit_sent_AND_shutdown_first_or_not_THEN_exit_status_0_or_1(tmp_path: Path) -> None:
    make_project(tmp_path)
    client = Client(tmp_path)
    client.initialize(tmp_path)

    assert 1 == client.finish(shutdown=False)
    # TEST: after shutdown, exit status 0
    client = Client(tmp_path)
    client.initialize(tmp_path)
    assert 0 == client.finish(shutdown=True)
