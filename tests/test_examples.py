"""Every documented example (what `stylefix explain` prints) is run through the real engine; the modules that
hold the docs and pre-checks stay free of LibCST."""
import pytest
import subprocess
import sys
from typing import List, Tuple

from stylefix import registry
from stylefix.contract import Example
from tests.cases import Case, run_case
from tests.helpers import PROJECT_ROOT, apply_codemod

# The codemod modules that must not import LibCST: what `explain`, `list` and the pre-checks read.
LIBCST_FREE_MODULES: Tuple[str, ...] = (
    "stylefix.codemods.assert_order.docs",
    "stylefix.codemods.assert_order.precheck",
    "stylefix.codemods.sort_imports.docs",
    "stylefix.codemods.sort_imports.ordering",
    "stylefix.codemods.sort_imports.precheck",
)


def _examples() -> List[Tuple[str, Example]]:
    return [(spec.name, example) for spec in registry.CODEMODS for example in spec.documentation()[1]]


@pytest.mark.parametrize(("name", "example"), _examples(), ids=lambda value: getattr(value, "title", value))
def test_WHEN_documented_example_fixed_THEN_output_is_the_documented_after(name: str, example: Example) -> None:
    case = Case(example.title, example.before, example.after, path=example.path, options=example.options)

    run_case(case, [name])


@pytest.mark.parametrize("name", registry.NAMES)
def test_WHEN_codemod_listed_THEN_it_documents_at_least_one_example(name: str) -> None:
    codemod = registry.SPECS[name].load()

    assert codemod.NAME == name
    assert len(codemod.EXAMPLES) >= 1


@pytest.mark.parametrize("module", LIBCST_FREE_MODULES)
def test_WHEN_docs_or_precheck_module_imported_THEN_libcst_is_not(module: str) -> None:
    script = f"import sys\nimport {module}\nprint(any(name.split('.')[0] == 'libcst' for name in sys.modules))\n"

    completed = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True)

    assert "False" == completed.stdout.strip(), completed.stderr
