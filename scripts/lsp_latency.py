"""Formatting latency of the real `stylefix lsp` over stdio: usage `lsp_latency.py FILE [REQUESTS]`.

`lsp_latency.py --as-is FILE [REQUESTS]` instead opens FILE where it is, under its own name (a test file stays
a test file), as a new user would: it times didOpen to the first published diagnostics, then formatting after
each of REQUESTS edits (a comment line appended, so the server must compute again).

Opens FILE (cut or repeated to about 1,000 lines), then REQUESTS times: changes the buffer (so no cached result
can answer) and times `textDocument/formatting` from request to response. Two buffers: the file as it is (every
codemod has work), and the file already fixed by stylefix with one out-of-order import added per request (the
format-on-save case in a project that uses stylefix). Prints JSON with medians and p95s in milliseconds.
"""
import itertools
import json
from pathlib import Path
import statistics
import subprocess
import sys
import time
from typing import Any, Dict, List, Tuple

TARGET_LINES = 1000
DEFAULT_REQUESTS = 50


class Client:
    def __init__(self) -> None:
        executable = Path(sys.executable).parent / "stylefix"
        self.process = subprocess.Popen(
            [str(executable), "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.ids = itertools.count(1)

    def send(self, message: Dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self) -> Dict[str, Any]:
        length = 0
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("server closed the connection")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def request(self, method: str, params: Any) -> Any:
        number = next(self.ids)
        self.send({"id": number, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == number and "method" not in message:
                return message.get("result")
            if "method" in message and "id" in message:  # a request from the server: answer it
                self.send({"id": message["id"], "result": None})

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def close(self) -> None:
        self.request("shutdown", None)
        self.notify("exit", None)
        self.process.wait(timeout=30)


def sample_text(path: Path) -> str:
    """About TARGET_LINES lines of the file, cut where a top-level statement starts so that it still parses."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if abs(len(lines) - TARGET_LINES) <= TARGET_LINES // 10:
        return "".join(lines)
    while len(lines) < TARGET_LINES:
        lines = lines + lines
    cut = TARGET_LINES
    while cut < len(lines) and (lines[cut][:1].isspace() or lines[cut].startswith(("#", ")", "]", "}", "@"))):
        cut += 1
    while cut > 0 and lines[cut - 1].startswith("@"):
        cut -= 1
    text = "".join(lines[:cut])
    return text if text.endswith("\n") else text + "\n"


def _percentiles(timings: List[float]) -> Tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def _formatting_times(client: Client, uri: str, texts: List[str]) -> List[float]:
    client.notify("textDocument/didOpen", {
        "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": texts[0]},
    })
    options = {"tabSize": 4, "insertSpaces": True}
    client.request("textDocument/formatting", {"textDocument": {"uri": uri}, "options": options})
    timings = []
    for version, text in enumerate(texts[1:], start=2):
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}],
        })
        started = time.perf_counter()
        client.request("textDocument/formatting", {"textDocument": {"uri": uri}, "options": options})
        timings.append((time.perf_counter() - started) * 1000)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return timings


def _open_to_diagnostics(client: Client, uri: str, text: str) -> float:
    started = time.perf_counter()
    client.notify("textDocument/didOpen", {
        "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text},
    })
    while True:
        message = client.receive()
        if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
            return (time.perf_counter() - started) * 1000
        if "method" in message and "id" in message:
            client.send({"id": message["id"], "result": None})


def as_is(path: Path, requests: int) -> Dict[str, float]:
    """didOpen to diagnostics, and formatting p95, on FILE under its own name and project."""
    text = path.read_text(encoding="utf-8")
    uri = path.resolve().as_uri()
    client = Client()
    try:
        client.request("initialize", {"processId": None, "rootUri": path.resolve().parent.as_uri(), "capabilities": {}})
        client.notify("initialized", {})
        open_ms = _open_to_diagnostics(client, uri, text)
        options = {"tabSize": 4, "insertSpaces": True}
        timings = []
        for version in range(2, requests + 2):
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": text + f"# edit {version}\n"}],
            })
            started = time.perf_counter()
            client.request("textDocument/formatting", {"textDocument": {"uri": uri}, "options": options})
            timings.append((time.perf_counter() - started) * 1000)
        client.close()
    finally:
        if client.process.poll() is None:
            client.process.kill()
    median, p95 = _percentiles(timings)
    return {"lines": float(text.count("\n")), "open_to_diagnostics_ms": open_ms, "median_ms": median, "p95_ms": p95}


def _styled(text: str, path: Path) -> str:
    executable = Path(sys.executable).parent / "stylefix"
    completed = subprocess.run(
        [str(executable), "fix", "-", "--stdin-filename", str(path)], input=text.encode(), capture_output=True
    )
    return completed.stdout.decode() if completed.returncode == 0 else text


def main(path: Path, requests: int) -> Dict[str, float]:
    text = sample_text(path)
    target = Path.cwd() / "latency_sample.py"
    target.write_text(text, encoding="utf-8")
    styled = _styled(text, target)
    raw_texts = [text] + [text + f"# edit {version}\n" for version in range(requests)]
    # One new import in the wrong place: sort-imports has one change to make, the rest is already styled.
    edited = [styled] + [f"import zz_module_{version}\n" + styled for version in range(requests)]
    client = Client()
    try:
        client.request("initialize", {"processId": None, "rootUri": Path.cwd().as_uri(), "capabilities": {}})
        client.notify("initialized", {})
        raw = _formatting_times(client, target.as_uri(), raw_texts)
        edit = _formatting_times(client, target.as_uri(), edited)
        client.close()
    finally:
        if client.process.poll() is None:
            client.process.kill()
        target.unlink()
    raw_median, raw_p95 = _percentiles(raw)
    median, p95 = _percentiles(edit)
    return {
        "lines": float(TARGET_LINES),
        "median_ms": median,
        "p95_ms": p95,
        "raw_median_ms": raw_median,
        "raw_p95_ms": raw_p95,
    }


if __name__ == "__main__":
    arguments = sys.argv[1:]
    mode = main
    if arguments and arguments[0] == "--as-is":
        mode, arguments = as_is, arguments[1:]
    count = int(arguments[1]) if len(arguments) > 1 else DEFAULT_REQUESTS
    print(json.dumps(mode(Path(arguments[0]), count)))
