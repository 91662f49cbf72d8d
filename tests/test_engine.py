"""The engine with every codemod on: how codemods interact on one tree, and regressions the fuzzer found."""
import pytest
from typing import Any, Dict, Tuple

from tests.cases import Case, case_id, run_case
from tests.helpers import PROJECT_ROOT

ROOT = PROJECT_ROOT / "tests" / "engine_project"
TABLE: Dict[str, Any] = {"sort-imports": {"known-first-party": ["mypkg"]}}

CASES: Tuple[Case, ...] = (
    Case(
        "typing import added by typing-generics is placed by sort-imports",
        "import os\n\nimport requests\n\nx: list[int] = []\n",
        "import os\nfrom typing import List\n\nimport requests\n\nx: List[int] = []\n",
        path="module.py",
        table=TABLE,
    ),
    Case(
        "sorted file where typing-generics adds the first import of its group",
        "import requests\n\nVALUE: list[int] = None\n",
        "from typing import List\n\nimport requests\n\nVALUE: List[int] = None\n",
        path="module.py",
        table=TABLE,
    ),
    # Found by the fuzzer: a skip directive found by line pointed at the wrong statement once typing-generics
    # had added a line above it.
    Case(
        "skip directive below an import added by typing-generics",
        "import requests\nfrom . import name  # stylefix: skip\n\nVALUE: list[int] = None\n",
        "from typing import List\n\nimport requests\nfrom . import name  # stylefix: skip\n\nVALUE: List[int] = None\n",
        path="module.py",
        table=TABLE,
    ),
    Case(
        "every codemod on one test file",
        "import pytest\nfrom mypkg.core import parse\nimport os\n\n\n"
        "def test_parse_returns_none(tmp: dict[str, int] | None):\n    # Run our test\n"
        "    result = parse(os.sep)\n\n    assert result == None\n",
        # pytest filed with the standard library (the default), the new typing import in its sorted place
        "import os\nimport pytest\nfrom typing import Dict, Optional\n\nfrom mypkg.core import parse\n\n\n"
        "def test_WHEN_parse_called_THEN_returns_none(tmp: Optional[Dict[str, int]]):\n    # Run our test\n"
        "    result = parse(os.sep)\n\n    assert None == result\n",
        path="test_module.py",
        table=TABLE,
    ),
)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_WHEN_every_codemod_runs_THEN_output_exact_and_stable(case: Case) -> None:
    run_case(case, None, root=ROOT)
