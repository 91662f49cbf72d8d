"""sort-imports' documentation: the rules `stylefix explain` prints and the examples a test runs (LibCST-free)."""
from typing import Tuple

from stylefix.contract import Example

DOC = """
Rules
  Each run of consecutive import statements (at module level, and inside def, class, if, try/except, with,
  for, while and match bodies) is sorted on its own into groups, with exactly one blank line between groups:
    1. `from __future__` imports
    2. standard library (`sys.stdlib_module_names` and the modules other Python 3 versions have)
    3. third-party
    4. local: relative imports, the file's own top-level package, any module or package of a source root
       (the project root, src/, the directories of the `src` key, and directories the project's own imports
       show to be roots: `import commands.cluster_create` resolving to manage_arkime/commands/ makes
       manage_arkime/ one), and the modules of the file's own directory (on sys.path when it runs as a
       script or a pytest test). A bare directory of tests (tests/redis/) or a script (scripts/yaml.py) does
       not make `redis` or `yaml` local elsewhere. A directory with its own pyproject.toml is a project of
       its own, classified against its own root.
  Precedence: relative -> known-first-party / known-third-party / extra-standard-library -> standard
  library -> project -> third-party.
  Inside a group statements sort by full module name, case-insensitively and with natural number order
  (`a9` before `a10`), `import x` and `from x import y` interleaved; relative imports come after absolute
  ones in the local group, farthest (`..`) first. Statements are kept as written: names are not reordered,
  nothing is merged, split or re-wrapped. Exact duplicates (same text apart from whitespace) are removed.
  The blank lines after the import block are left as they were. User code is never imported.

Comments
  Own-line comments directly above an import move with it; inline comments stay on their statement.
  Comments at the top of a block separated from the first import by a blank line stay at the top, and so do
  the comments before the first statement of a file (shebang, encoding cookie, license header). A comment
  set apart by a blank line inside the block keeps that blank line and moves with it and its import.

Barriers (nothing moves across them)
  Any statement that is not an import (e.g. `sys.path.insert(...)`), a line holding several statements
  (`import a; import b`), a star import, an import that rebinds a name bound earlier in the run, and pinned
  imports (see Directives).

Options ([tool.stylefix.sort-imports])
  known-first-party, known-third-party, extra-standard-library: lists of (dotted) module names filed in that
    group; they win over the standard library and project detection (`known-first-party` and
    `known-third-party` may also be given at the top level of [tool.stylefix]). extra-standard-library
    defaults to ["pytest"], the style guide author's placement; [] restores the strict grouping.
  src (top level of [tool.stylefix]): more source roots, relative to the project root.
  split-multiple (false): write `import os, sys` as one statement per module.
  force-sort-within-sections (true): false puts all `import x` lines before `from x import y` in a group.

Directives
  `# stylefix: skip` (or `# stylefix: skip[sort-imports]`) at the end of an import's line pins it.
  `# stylefix: skip-file` in the file's leading comments skips the file.
  isort's directives are honoured the same way: `# isort: skip` pins an import, `# isort: skip_file` skips
  the file, imports between `# isort: off` and `# isort: on` stay as they are, and `# isort: split` sorts
  the imports above and below it separately.
"""

EXAMPLES: Tuple[Example, ...] = (
    Example(
        "Groups in order, one blank line between them",
        "from mypkg.core import run\nimport requests\nimport os\n\n\ndef main() -> None:\n    run()\n",
        "import os\n\nimport requests\n\nfrom mypkg.core import run\n\n\ndef main() -> None:\n    run()\n",
        path="mypkg/cli.py",
    ),
    Example(
        "`import x` and `from x import y` interleaved by module name, names kept as written",
        "import uuid\nfrom typing import List, Dict\nimport logging\nimport json\n",
        "import json\nimport logging\nfrom typing import List, Dict\nimport uuid\n",
    ),
    Example(
        "A comment moves with its import; a header comment stays at the top",
        '"""Tools."""\n# Imports\n\nimport sys\n# for the retry loop\nimport time\nimport abc\n',
        '"""Tools."""\n# Imports\n\nimport abc\nimport sys\n# for the retry loop\nimport time\n',
    ),
    Example(
        "Nothing moves across a statement or a pinned import",
        "import sys\nsys.path.insert(0, 'lib')\nimport zlib\nimport mylib  # stylefix: skip\nimport abc\n",
        "import sys\nsys.path.insert(0, 'lib')\nimport zlib\nimport mylib  # stylefix: skip\nimport abc\n",
    ),
    Example(
        "pytest filed with the standard library by default, as the style guide's author does",
        "import pytest\n\nimport os\n",
        "import os\nimport pytest\n",
    ),
)
