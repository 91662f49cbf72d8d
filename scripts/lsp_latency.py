"""Formatting latency of the real `stylefix lsp` over stdio: usage `lsp_latency.py FILE [REQUESTS]`.

Opens FILE (cut or repeated to about 1,000 lines), then REQUESTS times: changes the buffer (so no cached result
can answer) and times `textDocument/formatting` from request to response. Prints JSON with the median and p95
in milliseconds. Used by `make bench`.
"""
import itertools
import json
from pathlib import Path
import statistics
import subprocess
import sys
import time
from typing import Any, Dict, Optional

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
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    while len(lines) < TARGET_LINES:
        lines = lines + lines
    text = "".join(lines[:TARGET_LINES])
    return text if text.endswith("\n") else text + "\n"


def main(path: Path, requests: int) -> Dict[str, float]:
    text = sample_text(path)
    target = Path.cwd() / "latency_sample.py"
    target.write_text(text, encoding="utf-8")
    uri = target.as_uri()
    client = Client()
    try:
        client.request("initialize", {"processId": None, "rootUri": Path.cwd().as_uri(), "capabilities": {}})
        client.notify("initialized", {})
        client.notify("textDocument/didOpen", {
            "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text},
        })
        client.request("textDocument/formatting", {"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}})
        timings = []
        for version in range(2, requests + 2):
            changed = text + f"# edit {version}\n"
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": changed}],
            })
            started = time.perf_counter()
            client.request("textDocument/formatting", {"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}})
            timings.append((time.perf_counter() - started) * 1000)
        client.close()
    finally:
        if client.process.poll() is None:
            client.process.kill()
        target.unlink()
    ordered = sorted(timings)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    return {"lines": float(TARGET_LINES), "median_ms": statistics.median(ordered), "p95_ms": p95}


if __name__ == "__main__":
    count = int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_REQUESTS
    print(json.dumps(main(Path(sys.argv[1]), count)))
