"""The engine with every codemod on: how codemods interact on one tree, and regressions the fuzzer found."""
import pytest
from typing import Dict, Tuple

from stylefix.engine import fix_source
from tests.helpers import PROJECT_ROOT, make_config

ROOT = PROJECT_ROOT / "tests" / "engine_project"
CONFIG = make_config(ROOT, {"sort-imports": {"known-first-party": ["mypkg"]}})

# name -> (path, input, expected output)
CASES: Dict[str, Tuple[str, str, str]] = {
    "typing import added by typing-generics is placed by sort-imports": (
        "module.py",
        "import os\n\nimport requests\n\nx: list[int] = []\n",
        "import os\nfrom typing import List\n\nimport requests\n\nx: List[int] = []\n",
    ),
    "sorted file where typing-generics adds the first import of its group": (
        "module.py",
        "import requests\n\nVALUE: list[int] = None\n",
        "from typing import List\n\nimport requests\n\nVALUE: List[int] = None\n",
    ),
    # Found by the fuzzer: a skip directive found by line pointed at the wrong statement once typing-generics
    # had added a line above it.
    "skip directive below an import added by typing-generics": (
        "module.py",
        "import requests\nfrom . import name  # stylefix: skip\n\nVALUE: list[int] = None\n",
        "from typing import List\n\nimport requests\nfrom . import name  # stylefix: skip\n\nVALUE: List[int] = None\n",
    ),
    "every codemod on one test file": (
        "test_module.py",
        "import pytest\nfrom mypkg.core import parse\nimport os\n\n\n"
        "def test_parse_returns_none(tmp: dict[str, int] | None):\n    # Run our test\n"
        "    result = parse(os.sep)\n\n    assert result == None\n",
        # pytest filed with the standard library (the default), the new typing import in its sorted place
        "import os\nimport pytest\nfrom typing import Dict, Optional\n\nfrom mypkg.core import parse\n\n\n"
        "def test_WHEN_parse_called_THEN_returns_none(tmp: Optional[Dict[str, int]]):\n    # Run our test\n"
        "    result = parse(os.sep)\n\n    assert None == result\n",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_WHEN_every_codemod_runs_THEN_output_exact_and_stable(case: str) -> None:
    path, source, expected = CASES[case]

    result = fix_source(source.encode(), ROOT / path, CONFIG)
    again = fix_source(result.source, ROOT / path, CONFIG)

    assert expected == result.source.decode()
    assert () == again.changes
