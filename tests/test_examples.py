"""Every documented example (what `stylefix explain` prints) is run through the real engine."""
import pytest
from typing import List, Tuple

from stylefix import registry
from stylefix.contract import Example
from tests.cases import Case, run_case


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
