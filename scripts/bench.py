"""`make bench`: stylefix against its peers and the LibCST floor, side by side on the same pinned corpus.

Prints a table (median wall seconds of N runs, lines/second, ratios to the targets) and writes it, with the
machine description, to docs/benchmarks.md. Not a test: nothing here asserts a time.

Order: the latency rows (one small file, the language server) first, then the corpus rows in rounds, each tool
once per round, then the warm rows. A shared virtual machine slows down after minutes of full load; measured
one tool after another, the tools measured last would pay for that.
"""
import argparse
from dataclasses import dataclass
from importlib import metadata
import json
import os
from pathlib import Path
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from scripts.corpus import CORPUS_DIR, PROJECT_ROOT, count_lines, fetch, fetch_release, python_files

BIN = Path(sys.executable).parent
RUNS = 3
JOBS = os.cpu_count() or 1
LSP_REQUESTS = 50
LSP_FILE_LINES = 1000
BENCH_CONFIG = "[tool.stylefix]\n"  # defaults: all four codemods
# The generated test file of the performance issue, where every codemod has work everywhere: N blocks of 9 lines.
GENERATED_SIZES: Tuple[int, ...] = (250, 1000, 4000)
GENERATED_HEAD = "import os\nimport pytest\nfrom app.core import compute\nimport sys\n"
GENERATED_BLOCK = """

def test_compute_{i}_returns_value(tmp_path):
    result = compute_{i}(tmp_path, [1, 2])
    assert result == {i}


def helper_{i}(items: list[int], mapping: dict[str, int | None]) -> tuple[int, ...]:
    return tuple(items)
"""
# Seconds allowed per generated file (the default per-file limit is 60 s, which the largest may exceed).
GENERATED_TIMEOUT = 3600
# The new user's file of the issue: 920 lines of click's tests that every codemod has work in.
CLICK_RELEASE = ("click", "8.1.7")
CLICK_FILE = "tests/test_options.py"


@dataclass
class Timing:
    name: str
    seconds: List[float]
    lines: int
    peak_rss_mb: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def _run(command: Sequence[str], cwd: Path, env: Optional[Dict[str, str]] = None) -> float:
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, env={**os.environ, **(env or {})})
    elapsed = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        tail = completed.stderr.decode(errors="replace")[-2000:]
        print(f"  ! {' '.join(command[:3])} exited {completed.returncode}: {tail}", flush=True)
    return elapsed


PEAK_SCRIPT = """
import resource, subprocess, sys, time
started = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""
PARSE_SCRIPT = "import sys, libcst; libcst.parse_module(open(sys.argv[1], 'rb').read()).bytes"


def _measured(command: Sequence[str], cwd: Path, peaks: List[float]) -> float:
    """Wall seconds of one run, and its peak resident memory (largest process, workers included) into `peaks`."""
    completed = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, *command], cwd=cwd, capture_output=True)
    seconds, peak = completed.stdout.decode().split()
    peaks.append(float(peak))
    return float(seconds)


def _run_stdin(command: Sequence[str], cwd: Path, data: bytes) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, input=data, capture_output=True)
    return time.perf_counter() - started


def generated_test_file(blocks: int) -> str:
    return GENERATED_HEAD + "".join(GENERATED_BLOCK.format(i=i) for i in range(blocks))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def rounds(
    runs: int, rows: Sequence[Tuple[Timing, Callable[[], float]]], after_first: Optional[Callable[[], None]] = None
) -> None:
    """Run every row once per round, `runs` rounds; `after_first` runs right after the very first measurement."""
    for round_index in range(runs):
        for row_index, (timing, once) in enumerate(rows):
            timing.seconds.append(once())
            if round_index == 0 and row_index == 0 and after_first is not None:
                after_first()
    for timing, _ in rows:
        runs_text = " ".join(f"{seconds:.2f}" for seconds in timing.seconds)
        print(f"{timing.name:42} median {timing.median:8.2f} s  runs {runs_text}", flush=True)


FLOOR_SCRIPT = """
import sys
from concurrent.futures import ProcessPoolExecutor
import libcst

def one(path):
    with open(path, "rb") as handle:
        source = handle.read()
    try:
        return len(libcst.parse_module(source).bytes)
    except Exception:
        return 0

paths = [line.strip() for line in open(sys.argv[1]) if line.strip()]
with ProcessPoolExecutor(int(sys.argv[2])) as pool:
    sum(pool.map(one, paths, chunksize=16))
"""


def lsp_as_is(path: Path, work: Path) -> Dict[str, float]:
    """didOpen to diagnostics and formatting p95 on a file under its own name (scripts/lsp_latency.py --as-is)."""
    script = PROJECT_ROOT / "scripts" / "lsp_latency.py"
    completed = subprocess.run(
        [sys.executable, str(script), "--as-is", str(path), str(LSP_REQUESTS)], cwd=work, capture_output=True,
        timeout=600,
    )
    if completed.returncode != 0:
        print(completed.stderr.decode()[-2000:])
        return {}
    return json.loads(completed.stdout)


def lsp_latency(sample: Path, work: Path) -> Dict[str, float]:
    """Median and p95 of textDocument/formatting on a ~1,000-line file, through the real server over stdio."""
    script = PROJECT_ROOT / "scripts" / "lsp_latency.py"
    if not script.exists():
        return {}
    completed = subprocess.run(
        [sys.executable, str(script), str(sample), str(LSP_REQUESTS)], cwd=work, capture_output=True, timeout=600
    )
    if completed.returncode != 0:
        print(completed.stderr.decode()[-2000:])
        return {}
    return json.loads(completed.stdout)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def _versions() -> str:
    parts = []
    for tool in ("stylefix", "usort", "ruff"):
        completed = subprocess.run([str(BIN / tool), "--version"], capture_output=True)
        parts.append(completed.stdout.decode().strip().splitlines()[0] if completed.stdout else tool)
    for package in ("isort", "libcst"):
        parts.append(f"{package} {metadata.version(package)}")
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--skip-peers", action="store_true", help="only stylefix (quick look while optimising)")
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()

    releases = fetch()
    files = [path for release in releases for path in python_files(release.directory)]
    lines = count_lines(files)
    print(f"corpus: {len(releases)} projects, {len(files)} files, {lines} lines; {JOBS} processes\n", flush=True)

    work = Path(tempfile.mkdtemp(prefix="stylefix-bench-"))
    try:
        corpus = work / "corpus"
        for release in releases:  # the pinned releases only, not whatever else other scripts left in .corpus/
            shutil.copytree(release.directory, corpus / release.directory.name)
        config = work / "stylefix.toml"
        config.write_text(BENCH_CONFIG)
        file_list = work / "files.txt"
        file_list.write_text("\n".join(str(corpus / path.relative_to(CORPUS_DIR)) for path in files))
        targets = [str(corpus / release.directory.name) for release in releases]
        stylefix = [str(BIN / "stylefix"), "check", "-q", "--config", str(config), "--jobs", str(JOBS)]
        cache_dir = work / ".stylefix_cache"
        small = corpus / "click-8.1.8" / "src" / "click" / "globals.py"
        small_lines = count_lines([small])
        styled = work / "styled" / "globals.py"
        styled.parent.mkdir()
        shutil.copy(small, styled)
        _run([str(BIN / "stylefix"), "fix", "-q", "--no-cache", "--config", str(config), str(styled)], work)
        ruff = [str(BIN / "ruff"), "check", "--select", "I", "--exit-zero"] + targets

        def cold() -> float:
            # No cache to read; the run writes one, as a first real run does (the warm rows read it). Each project
            # of the corpus is its own root (its pyproject.toml) with its own cache directory: remove every one.
            for found in [cache_dir, *corpus.rglob(".stylefix_cache")]:
                shutil.rmtree(found, ignore_errors=True)
            return _run(stylefix + targets, work)

        # Latency rows first, on a machine that has not just been saturated for minutes (shared virtual machines
        # throttle after sustained load, which would charge a pre-commit-sized run for the corpus runs).
        single = Timing(f"stylefix check, one small file needing changes ({small_lines} lines)", [], small_lines)
        styled_row = Timing(f"stylefix check, one small styled file ({small_lines} lines)", [], small_lines)
        rounds(args.runs, [
            (single, lambda: _run(stylefix + ["--no-cache", str(small)], work)),
            (styled_row, lambda: _run(stylefix + ["--no-cache", str(styled)], work)),
        ])
        latency = lsp_latency(corpus / "django-5.1.4" / "django" / "template" / "defaultfilters.py", work)

        # A new user's file: click's tests/test_options.py in the language server and through `fix -`.
        click = work / "click"
        shutil.copytree(fetch_release(*CLICK_RELEASE), click)
        click_file = click / CLICK_FILE
        latency.update({f"click_{key}": value for key, value in lsp_as_is(click_file, work).items()})
        click_data = click_file.read_bytes()
        stdin_row = Timing(f"stylefix fix - --stdin-filename {CLICK_FILE} (click {CLICK_RELEASE[1]})", [], count_lines([click_file]))
        stdin_command = [str(BIN / "stylefix"), "fix", "-", "--stdin-filename", CLICK_FILE]
        rounds(args.runs, [(stdin_row, lambda: _run_stdin(stdin_command, click, click_data))])

        # Corpus rows in rounds (each tool once per round), so that any drift of the machine's speed during the
        # run falls on every tool alike instead of on whichever runs last.
        cold_row = Timing("stylefix check, cold (no cache)", [], lines)
        floor = Timing("LibCST parse+codegen floor (same processes)", [], lines)
        corpus_rows = [
            (cold_row, cold),
            (floor, lambda: _run([sys.executable, "-c", FLOOR_SCRIPT, str(file_list), str(JOBS)], work)),
        ]
        if not args.skip_peers:
            _run(ruff, work)  # fill ruff's cache
            corpus_rows += [
                (Timing("usort check", [], lines), lambda: _run([str(BIN / "usort"), "check"] + targets, work)),
                (Timing("isort --check-only", [], lines),
                 lambda: _run([str(BIN / "isort"), "--check-only", "-q", "-j", str(JOBS)] + targets, work)),
                (Timing("ruff check --select I (warm cache)", [], lines), lambda: _run(ruff, work)),
            ]
        peak: List[float] = []
        rounds(args.runs, corpus_rows, after_first=lambda: peak.append(_peak_rss_mb()))
        cold_row.peak_rss_mb = peak[0]
        # The generated test file at three sizes: stylefix against one LibCST parse+codegen of the same file. After
        # the corpus rows: the cold run's peak memory is read from RUSAGE_CHILDREN, which keeps the largest child.
        generated_rows: List[Tuple[Timing, Timing]] = []
        generated_runs: List[Tuple[Timing, Callable[[], float]]] = []
        for blocks in GENERATED_SIZES:
            # Outside the work directory: files there would change its module index, and so the warm run's cache key.
            path = work.parent / f"{work.name}-generated" / "tests" / f"test_big_{blocks}.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(generated_test_file(blocks))
            size = count_lines([path])
            row = Timing(f"generated test file N={blocks} ({size:,} lines): stylefix check --no-cache", [], size)
            parse_row = Timing(f"generated test file N={blocks}: one LibCST parse+codegen", [], size)
            peaks: List[float] = []
            # No per-file time limit here: the 36,000-line file may need longer than the default minute.
            command = stylefix + ["--no-cache", "--timeout", str(GENERATED_TIMEOUT), str(path)]
            generated_runs += [
                (row, lambda command=command, peaks=peaks: _measured(command, work, peaks)),
                (parse_row, lambda path=path: _run([sys.executable, "-c", PARSE_SCRIPT, str(path)], work)),
            ]
            row.peaks = peaks  # type: ignore[attr-defined]
            generated_rows.append((row, parse_row))
        rounds(args.runs, generated_runs)
        for row, _ in generated_rows:
            row.peak_rss_mb = max(row.peaks)  # type: ignore[attr-defined]

        warm = Timing("stylefix check, warm (all cache hits)", [], lines)
        rounds(args.runs, [(warm, lambda: _run(stylefix + targets, work))])  # the last cold run wrote the cache
        timings = [cold_row, warm, single, styled_row] + [row for row, _ in corpus_rows[1:]]
        timings += [stdin_row] + [row for pair in generated_rows for row in pair]
        report = render(timings, latency, len(files), lines)
        print("\n" + report)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        write_report(args.output, report)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(work.parent / f"{work.name}-generated", ignore_errors=True)


def render(timings: List[Timing], latency: Dict[str, float], file_count: int, lines: int) -> str:
    rows = ["| run | median s | runs (s) | lines/s |", "|---|---:|---|---:|"]
    for timing in timings:
        rate = f"{timing.lines / timing.median:,.0f}" if timing.median else "-"
        runs = ", ".join(f"{seconds:.2f}" for seconds in timing.seconds)
        peak = f" (peak {timing.peak_rss_mb:.0f} MB)" if timing.peak_rss_mb else ""
        rows.append(f"| {timing.name}{peak} | {timing.median:.2f} | {runs} | {rate} |")
    lookup = {timing.name: timing for timing in timings}

    def find(prefix: str) -> Optional[Timing]:
        return next((timing for name, timing in lookup.items() if name.startswith(prefix)), None)

    cold, warm = find("stylefix check, cold"), find("stylefix check, warm")
    single, styled = find("stylefix check, one small file needing"), find("stylefix check, one small styled")
    floor, usort, ruff = find("LibCST"), find("usort"), find("ruff")
    targets = ["| target | measured | goal | met |", "|---|---:|---:|---|"]

    def target(label: str, value: Optional[float], goal: float, unit: str = "x") -> None:
        if value is None:
            targets.append(f"| {label} | n/a | <= {goal}{unit} | not measured |")
            return
        targets.append(f"| {label} | {value:.2f}{unit} | <= {goal}{unit} | {'yes' if value <= goal else 'NO'} |")

    target("cold check / usort check", cold.median / usort.median if cold and usort else None, 1.0)
    target("cold check / LibCST parse+codegen floor", cold.median / floor.median if cold and floor else None, 1.5)
    target("warm check / ruff --select I (cached)", warm.median / ruff.median if warm and ruff else None, 2.0)
    target("single small file needing changes, wall", single.median if single else None, 0.6, " s")
    target("single small styled file (pre-commit on a styled project), wall", styled.median if styled else None, 0.6, " s")
    target("LSP formatting, 1,000-line styled file with one edit, p95", latency.get("p95_ms"), 150, " ms")
    target("peak memory per process, cold run", cold.peak_rss_mb if cold else None, 300, " MB")
    generated = {size: (find(f"generated test file N={size} ("), find(f"generated test file N={size}:")) for size in GENERATED_SIZES}
    middle, middle_parse = generated[GENERATED_SIZES[1]]
    target(
        f"generated N={GENERATED_SIZES[1]}: check --no-cache / one LibCST parse+codegen",
        middle.median / middle_parse.median if middle and middle_parse else None,
        3.0,
    )
    smallest, largest = generated[GENERATED_SIZES[0]][0], generated[GENERATED_SIZES[-1]][0]
    growth = None
    if smallest and largest:
        growth = (largest.median / largest.lines) / (smallest.median / smallest.lines)
    target(f"generated N={GENERATED_SIZES[0]} to N={GENERATED_SIZES[-1]}: growth of seconds per line", growth, 1.3)
    target(f"generated N={GENERATED_SIZES[-1]}: peak memory", largest.peak_rss_mb if largest else None, 300, " MB")
    target("LSP formatting, click tests/test_options.py, p95", latency.get("click_p95_ms"), 150, " ms")
    target("LSP didOpen to diagnostics, click tests/test_options.py", latency.get("click_open_to_diagnostics_ms"), 300, " ms")
    stdin = find("stylefix fix - --stdin-filename")
    target("`fix - --stdin-filename tests/test_options.py`, wall", stdin.median if stdin else None, 0.4, " s")
    lsp = ""
    if latency:
        lsp = (
            f"\nLSP `textDocument/formatting` on a {latency.get('lines', 0):.0f}-line file, {LSP_REQUESTS} requests each: "
            f"styled file with one out-of-order import added: median {latency['median_ms']:.1f} ms, "
            f"p95 {latency['p95_ms']:.1f} ms; the file as released (every codemod has work): median "
            f"{latency['raw_median_ms']:.1f} ms, p95 {latency['raw_p95_ms']:.1f} ms.\n"
        )
    if "click_p95_ms" in latency:
        lsp += (
            f"\nLSP on click {CLICK_RELEASE[1]}'s `{CLICK_FILE}` ({latency['click_lines']:.0f} lines, every codemod has "
            f"work), opened under its own name: didOpen to published diagnostics "
            f"{latency['click_open_to_diagnostics_ms']:.0f} ms; formatting after an edit, {LSP_REQUESTS} requests: "
            f"median {latency['click_median_ms']:.1f} ms, p95 {latency['click_p95_ms']:.1f} ms.\n"
        )
    return (
        f"Machine: {machine()}\n\nTools: {_versions()}\n\n"
        f"Corpus: {file_count} files, {lines:,} lines (`scripts/corpus.py` BENCH_PINS); {JOBS} processes where a "
        f"tool takes a number; median of {len(timings[0].seconds)} runs.\n\n"
        + "\n".join(rows) + "\n\n" + "\n".join(targets) + "\n" + lsp
    )


def write_report(path: Path, report: str) -> None:
    marker_start, marker_end = "<!-- bench:start -->", "<!-- bench:end -->"
    text = path.read_text() if path.exists() else "# Benchmarks\n\n" + marker_start + "\n" + marker_end + "\n"
    if marker_start not in text:
        text += "\n" + marker_start + "\n" + marker_end + "\n"
    head, rest = text.split(marker_start, 1)
    _, tail = rest.split(marker_end, 1)
    stamp = time.strftime("%Y-%m-%d")
    path.write_text(f"{head}{marker_start}\nMeasured {stamp} by `make bench`.\n\n{report}\n{marker_end}{tail}")


if __name__ == "__main__":
    main()
