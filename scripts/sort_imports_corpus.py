"""Real projects for sort-imports' corpus property tests and `make compare-isort`.

Source releases are downloaded from the package registry at run time (scripts/corpus.py) into `.corpus/`
(git-ignored) and unpacked there once; nothing downloaded is ever committed.
"""
from dataclasses import dataclass
import logging
from pathlib import Path
from typing import List, Optional
import urllib.error

from scripts.corpus import CORPUS_DIR, fetch_release

logger = logging.getLogger(__name__)


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


def fetch(project: Project, corpus_dir: Path = CORPUS_DIR) -> Path:
    """The unpacked source tree of `project`, downloaded on first use."""
    return fetch_release(project.name, project.version, corpus_dir)


def python_files(directory: Path) -> List[Path]:
    return sorted(path for path in directory.rglob("*.py") if path.is_file())


def try_fetch(project: Project) -> Optional[Path]:
    """Like fetch, but None (with the reason logged) when the registry cannot be reached."""
    try:
        return fetch(project)
    except (OSError, urllib.error.URLError, RuntimeError) as error:
        logger.warning("cannot download %s: %s", project.requirement, error)
        return None
