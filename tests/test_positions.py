"""Positions computed for reports are exactly LibCST's PositionProvider's, node by node."""
import pytest
from typing import Dict, List

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from stylefix.positions import compute_positions
from tests.helpers import PROJECT_ROOT

SAMPLES: List[str] = [
    "import os\r\nx = (\r\n    1,  # one\r\n)\r\n",
    "@decorator\ndef f(\n    a: int = 1,\n) -> None:  # c\n    '''doc\n    string'''\n    return a\n",
    "class A:\n\tdef m(self):\n\t\tassert self.x == 3, 'msg'\n",
    "x = 1\ry = 2\r",
    "async def f():\n    async with a as b, c:\n        await d\n    return [i async for i in e if i]\n",
    "match x:\n    case [1, *rest] if rest:\n        pass\n    case {'k': v, **kw}:\n        pass\n",
    "s = f'{a!r:>{width}}' + b'\\x00' + r'\\n'\nt = lambda *a, **k: (yield)\n",
]


def _sources() -> List[str]:
    own = sorted((PROJECT_ROOT / "stylefix").glob("*.py"))[:6]
    return SAMPLES + [path.read_text(encoding="utf-8") for path in own]


@pytest.mark.parametrize("source", _sources())
def test_WHEN_compute_positions_called_THEN_same_ranges_as_position_provider(source: str) -> None:
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)

    actual = compute_positions(module)

    assert len(expected) == len(actual)
    assert [] == [node for node, code_range in expected.items() if actual.get(node) != code_range]


@pytest.mark.parametrize("source", _sources())
def test_WHEN_positions_come_from_a_cache_of_an_earlier_tree_THEN_same_ranges_as_position_provider(
    source: str,
) -> None:
    cache: Dict[cst.CSTNode, object] = {}
    compute_positions(cst.parse_module(source), cache)
    module = cst.parse_module(source)
    # TEST: a later tree that shares every statement but the first with the cached one, and has a new header.
    changed = module.with_changes(
        header=[cst.EmptyLine(comment=cst.Comment("# added"))],
        body=[cst.parse_statement("import added\n"), *module.body[1:]],
    )
    compute_positions(module, cache)
    expected = MetadataWrapper(changed, unsafe_skip_copy=True).resolve(PositionProvider)

    actual = compute_positions(changed, cache)

    assert len(expected) == len(actual)
    assert [] == [node for node, code_range in expected.items() if actual.get(node) != code_range]
