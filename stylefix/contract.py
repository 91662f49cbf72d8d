"""What a codemod is, as the core sees it: the types a codemod's folder fills in (LibCST-free).

A codemod is one folder, `codemods/<name>/`, imported as `stylefix.codemods.<name>`, whose `spec.py` defines
`SPEC = CodemodSpec(...)`. The modules it names are relative to that folder and imported only when needed:
`precheck` (LibCST-free: `applies_to(file)`, `precheck(source, file)`), `implementation` (the LibCST command),
`equivalence` (its rule for the safety net, `RULE`) and `conflicts` (the ruff/isort settings that undo it).
The core (config, conflicts, runner, safety, lsp) reads codemods only through these fields.
"""
from dataclasses import dataclass, field
import importlib
from types import ModuleType
from typing import Any, FrozenSet, Mapping, Optional, Sequence, Tuple, Type

# What a codemod may need from the run besides its file (built once per run by the runner; see `needs`).
MODULE_INDEX = "module-index"  # the project's own modules (discovery.project_modules)
MENTIONS = "mentions"  # where test names are used outside code (mentions.with_project_mentions)


@dataclass(frozen=True)
class Example:
    """A documented before/after pair; `stylefix explain` prints it and a test runs it."""

    title: str
    before: str
    after: str
    path: str = "example.py"
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CodemodSpec:
    name: str
    summary: str
    default_on: bool
    options: Type[Any]
    # The folder's package, e.g. "stylefix.codemods.sort_imports": `__name__.rpartition(".")[0]` in spec.py.
    package: str
    # "module:Class" of the LibCST command, relative to the package; imported only when a file needs it.
    implementation: str
    # Relative module names; empty when the codemod has none (the command class's classmethods are used for a
    # missing pre-check, no normalisation and no conflicts otherwise).
    precheck: str = ""
    equivalence: str = ""
    conflicts: str = ""
    # LibCST-free `DOC` and `EXAMPLES` for `stylefix explain` and the examples test; empty: the command class's.
    docs: str = ""
    # Run-level data the codemod reads from its `Config` (MODULE_INDEX, MENTIONS).
    needs: FrozenSet[str] = frozenset()
    # Top-level `[tool.stylefix]` keys whose lists are merged in front of the option of the same name.
    shared_keys: Tuple[str, ...] = ()
    # The LSP code action kind that runs this codemod alone (e.g. "source.organizeImports").
    code_action_kind: Optional[str] = None

    def module(self, relative: str) -> ModuleType:
        return importlib.import_module(f"{self.package}.{relative}")

    def documentation(self) -> Tuple[str, Sequence[Example]]:
        """(DOC, EXAMPLES), from the docs module without importing LibCST when the folder has one."""
        source: Any = self.module(self.docs) if self.docs else self.load()
        return getattr(source, "DOC", ""), getattr(source, "EXAMPLES", ())

    def load(self) -> Type[Any]:
        module_name, class_name = self.implementation.split(":")
        codemod: Type[Any] = getattr(self.module(module_name), class_name)
        return codemod
