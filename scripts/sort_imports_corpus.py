"""Real projects for sort-imports' corpus property tests and `make compare-isort`.

Source distributions are downloaded from the package registry at run time with pip (run through uv) into
`.corpus/` (git-ignored) and unpacked there once; nothing downloaded is ever committed.
"""
from dataclasses import dataclass
import logging
import os
from pathlib import Path
import shutil
import subprocess
import sys
import tarfile
from typing import List, Optional
import zipfile

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = PROJECT_ROOT / ".corpus"
# pip resolves build metadata for sdists; generous for a slow registry, still bounded.
DOWNLOAD_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class Project:
    name: str
    version: str

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"

    @property
    def directory_name(self) -> str:
        return f"{self.name}-{self.version}"


# celery: mid-size, pure Python, many import blocks (nested ones too), not laid out by isort with our settings.
COMPARE_PROJECT = Project("celery", "5.4.0")
# The corpus for property tests: the comparison project plus a smaller one with a different layout.
PROPERTY_PROJECTS = (COMPARE_PROJECT, Project("scrapy", "2.11.2"))


def _downloaded(project: Project, destination: Path) -> Optional[Path]:
    if not destination.is_dir():
        return None
    for candidate in sorted(destination.iterdir()):
        if candidate.name.lower().startswith(project.directory_name.lower()) and _is_archive(candidate):
            return candidate
    return None


def _pip_download(project: Project, destination: Path) -> Path:
    found = _downloaded(project, destination)
    if found is not None:
        return found
    destination.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip"] if _has_pip() else [_uv(), "tool", "run", "pip"]
    command = pip + ["download", "--quiet", "--no-deps", "--no-binary", ":all:", "--dest", str(destination)]
    subprocess.run(command + [project.requirement], check=True, timeout=DOWNLOAD_TIMEOUT_SECONDS)
    found = _downloaded(project, destination)
    if found is not None:
        return found
    raise FileNotFoundError(f"pip download left no sdist for {project.requirement} in {destination}")


def _has_pip() -> bool:
    return subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode == 0


def _uv() -> str:
    found = shutil.which("uv")
    if found is None:
        raise FileNotFoundError("neither pip nor uv is available to download the corpus")
    return found


def _is_archive(path: Path) -> bool:
    return path.name.endswith((".tar.gz", ".tgz", ".zip"))


def _unpack(archive: Path, destination: Path) -> None:
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as handle:
            handle.extractall(destination)
        return
    with tarfile.open(archive) as handle:
        handle.extractall(destination, filter="data")


def fetch(project: Project, corpus_dir: Path = CORPUS_DIR) -> Path:
    """The unpacked source tree of `project`, downloaded on first use."""
    target = corpus_dir / "projects" / project.directory_name
    if target.is_dir():
        return target
    archive = _pip_download(project, corpus_dir / "downloads")
    staging = corpus_dir / "projects" / f".{project.directory_name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    _unpack(archive, staging)
    roots = [entry for entry in staging.iterdir() if entry.is_dir()]
    unpacked = roots[0] if len(roots) == 1 else staging
    os.replace(unpacked, target)
    shutil.rmtree(staging, ignore_errors=True)
    return target


def python_files(directory: Path) -> List[Path]:
    return sorted(path for path in directory.rglob("*.py") if path.is_file())


def try_fetch(project: Project) -> Optional[Path]:
    """Like fetch, but None (with the reason logged) when the registry cannot be reached."""
    try:
        return fetch(project)
    except (subprocess.SubprocessError, OSError) as error:
        logger.warning("cannot download %s: %s", project.requirement, error)
        return None
