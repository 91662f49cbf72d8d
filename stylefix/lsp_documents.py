"""What the language server keeps between requests: each document's analysis for its current version, and per
project root the module index and whether its tool conflicts were shown."""
from dataclasses import dataclass, field, replace
from pathlib import Path
import threading
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

from lsprotocol import types
from pygls.workspace import TextDocument

from stylefix import registry
from stylefix.config import Config, InvalidConfig, ModuleIndex, load_config
from stylefix.contract import MODULE_INDEX
from stylefix.isolation import ChildCaller
from stylefix.lsp_edits import Units, diagnostics, text_edits
from stylefix.lsp_outcome import Outcome, fix_text_isolated, fix_text_plain
from stylefix.mentions import with_project_mentions
from stylefix.results import StylefixError

PYTHON_SUFFIXES: Tuple[str, ...] = (".py", ".pyi")


@dataclass
class Analysis:
    """Everything stylefix answers about one version of one document, computed once and reused by formatting,
    diagnostics (pushed and pulled) and code actions."""

    version: Optional[int]
    text: str
    outcome: Outcome
    diagnostics: List[types.Diagnostic]
    # Runs of a subset of the codemods (quick fixes, source actions), made when first asked for.
    partial: Dict[Tuple[str, ...], Outcome] = field(default_factory=dict)


def python_document(document: TextDocument) -> bool:
    return document.language_id == "python" or (document.path or "").endswith(PYTHON_SUFFIXES)


def units(document: TextDocument) -> Units:
    return document.position_codec.client_num_units


def needs_module_index(config: Config) -> bool:
    return any(MODULE_INDEX in spec.needs for spec in registry.CODEMODS if spec.name in config.enabled)


class Documents:
    """The analyses of the open documents and the project data they share.

    `root` is the workspace root (for a document without a path of its own), `warn` shows a message to the user,
    `trace` logs one to the client when it asked for traces."""

    def __init__(
        self, root: Callable[[], Optional[str]], warn: Callable[[str], None], trace: Callable[[str], None]
    ) -> None:
        self.root = root
        self.warn = warn
        self.trace = trace
        self.project_modules: Dict[Path, ModuleIndex] = {}
        self.analyses: Dict[str, Analysis] = {}
        self.warned_roots: Set[Path] = set()
        # (root, module name) pairs the index was rebuilt for, so a file outside the index costs one rebuild only
        self.rescanned: Set[Tuple[Path, str]] = set()
        # Documents are fixed in a forked child; a fork in the middle of an import would deadlock the child.
        self.preloading: Optional[threading.Thread] = None
        self.fixer: ChildCaller[Outcome] = ChildCaller(fix_text_plain)

    def document_path(self, document: TextDocument) -> Path:
        path = Path(document.path or "untitled.py")
        if not path.is_absolute():
            path = Path(self.root() or Path.cwd()) / path.name
        return path

    def config_for(self, path: Path) -> Config:
        """The document's project configuration, with that project's module index (built once per root)."""
        config = load_config(path)
        root = config.root.resolve()
        if root not in self.warned_roots:
            self.warned_roots.add(root)
            self.show_conflicts(config)
        # Scanned on every request: files whose (mtime, size) did not change are not read again.
        config = with_project_mentions(config)
        if not needs_module_index(config):
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
            self.warn(warning)

    def run(self, document: TextDocument, names: Optional[Sequence[str]]) -> Outcome:
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
        outcome = self.run(document, None)
        found = Analysis(document.version, document.source, outcome, diagnostics(outcome, units(document)))
        self.analyses[document.uri] = found
        return found

    def outcome(self, document: TextDocument, names: Optional[Sequence[str]] = None) -> Outcome:
        analysis = self.analysis(document)
        if names is None:
            return analysis.outcome
        key = tuple(names)
        if key not in analysis.partial:
            analysis.partial[key] = self.run(document, names)
        return analysis.partial[key]

    def edits(self, document: TextDocument, names: Optional[Sequence[str]] = None) -> List[types.TextEdit]:
        outcome = self.outcome(document, names)
        if not outcome.changed:
            return []
        return text_edits(document.source, outcome.text, units(document))

    def drop_others(self, uri: str) -> List[str]:
        """Drop the analyses of every document but `uri`; their URIs."""
        others = [other for other in self.analyses if other != uri]
        for other in others:
            del self.analyses[other]
        return others

    def forget(self, uri: str) -> None:
        self.analyses.pop(uri, None)
