"""Fetch pinned source releases of real projects from the package registry into .corpus/ (git-ignored).

Nothing downloaded is ever committed: benchmarks and corpus checks call `fetch()` at run time. Files are taken
from the registry's simple JSON index (PEP 691) and checked against the sha256 the index publishes.
"""
from dataclasses import dataclass
import hashlib
import json
import logging
import os
from pathlib import Path
import shutil
import tarfile
from typing import Dict, Iterator, List, Sequence, Tuple
import urllib.request
import zipfile

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = PROJECT_ROOT / ".corpus"
INDEX_URL = os.environ.get("STYLEFIX_INDEX_URL", "https://pypi.org/simple")
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"

# The benchmark corpus of the performance issue: 9 projects, about 770k lines of Python.
BENCH_PINS: Tuple[Tuple[str, str], ...] = (
    ("django", "5.1.4"),
    ("pydantic", "2.10.4"),
    ("pytest", "8.3.4"),
    ("httpx", "0.28.1"),
    ("flask", "3.1.0"),
    ("click", "8.1.8"),
    ("attrs", "24.3.0"),
    ("requests", "2.32.3"),
    ("rich", "13.9.4"),
)


@dataclass(frozen=True)
class Release:
    name: str
    version: str
    directory: Path


def _index_files(name: str) -> List[Dict]:
    request = urllib.request.Request(f"{INDEX_URL}/{name}/", headers={"Accept": SIMPLE_JSON})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)["files"]


def _sdist(name: str, version: str) -> Dict:
    for entry in _index_files(name):
        filename = entry["filename"]
        lowered = filename.lower().replace("_", "-")
        if lowered in (f"{name}-{version}.tar.gz".lower(), f"{name}-{version}.zip".lower()):
            return entry
    raise RuntimeError(f"{name} {version}: no source release in the index")


def _download(entry: Dict, target: Path) -> None:
    digest = hashlib.sha256()
    temporary = target.with_suffix(target.suffix + ".part")
    with urllib.request.urlopen(entry["url"], timeout=300) as response, open(temporary, "wb") as handle:
        while True:
            block = response.read(1 << 20)
            if not block:
                break
            digest.update(block)
            handle.write(block)
    expected = entry.get("hashes", {}).get("sha256")
    if expected and digest.hexdigest() != expected:
        temporary.unlink()
        raise RuntimeError(f"{entry['filename']}: sha256 mismatch")
    os.replace(temporary, target)


def unpack(archive: Path, directory: Path) -> Path:
    """A fresh copy of the archive's source tree at `directory` (replaced if present); links and paths that leave
    the target are refused."""
    temporary = directory.with_name(directory.name + ".part")
    shutil.rmtree(temporary, ignore_errors=True)
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(temporary)
    else:
        with tarfile.open(archive) as bundle:
            bundle.extractall(temporary, filter="data") if hasattr(tarfile, "data_filter") else bundle.extractall(temporary)
    inner = list(temporary.iterdir())
    source = inner[0] if len(inner) == 1 and inner[0].is_dir() else temporary
    shutil.rmtree(directory, ignore_errors=True)
    os.replace(source, directory)
    shutil.rmtree(temporary, ignore_errors=True)
    return directory


def sdist_archive(name: str, version: str, corpus_dir: Path = CORPUS_DIR) -> Path:
    """The release's source archive under corpus_dir (downloaded once, checked against the index's sha256)."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    # PEP 625 names sdists with underscores; older ones keep the project's spelling.
    for spelling in dict.fromkeys((name, name.replace("-", "_"))):
        for suffix in (".tar.gz", ".zip"):
            if (corpus_dir / f"{spelling}-{version}{suffix}").is_file():
                return corpus_dir / f"{spelling}-{version}{suffix}"
    entry = _sdist(name, version)
    archive = corpus_dir / entry["filename"]
    if not archive.exists():
        print(f"downloading {entry['filename']} ...", flush=True)
        _download(entry, archive)
    return archive


def fetch_release(name: str, version: str, corpus_dir: Path = CORPUS_DIR) -> Path:
    """The source release unpacked under corpus_dir/<name>-<version>/ (downloaded once, then reused)."""
    directory = corpus_dir / f"{name}-{version}"
    if not directory.is_dir():
        unpack(sdist_archive(name, version, corpus_dir), directory)
    return directory


def fetch(pins: Sequence[Tuple[str, str]] = BENCH_PINS, corpus_dir: Path = CORPUS_DIR) -> List[Release]:
    return [Release(name, version, fetch_release(name, version, corpus_dir)) for name, version in pins]


def python_files(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.rglob("*.py")):
        if path.is_file() and not path.is_symlink():
            yield path


def count_lines(paths: Sequence[Path]) -> int:
    return sum(path.read_bytes().count(b"\n") for path in paths)


if __name__ == "__main__":
    for release in fetch():
        files = list(python_files(release.directory))
        print(f"{release.name:10} {release.version:8} {len(files):6} files {count_lines(files):8} lines")


def find_uv() -> str:
    """uv on PATH, or the one `make setup` bootstraps when there is none (a fresh machine has only python3)."""
    found = shutil.which("uv")
    if found:
        return found
    bootstrapped = PROJECT_ROOT / ".uv-bootstrap" / "bin" / "uv"
    if bootstrapped.exists():
        return str(bootstrapped)
    raise RuntimeError("uv not found: run `make setup` first")
