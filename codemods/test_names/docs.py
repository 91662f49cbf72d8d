"""The rule text and examples of `test-names`, for `stylefix explain` and the examples test (free of LibCST)."""
from typing import Tuple

from stylefix.contract import Example

EXAMPLES: Tuple[Example, ...] = (
    Example(
        title="the function under test becomes WHEN, the rest of the name AND, the outcome verb THEN",
        before=(
            "def test_deploy_not_bootstrapped_executes_command(mock_shell):\n"
            "    # Run our test\n"
            "    client.deploy([\"MyStack\"])\n"
            "\n"
            "    assert expected_calls == mock_shell.call_args_list\n"
        ),
        after=(
            "def test_WHEN_deploy_called_AND_not_bootstrapped_THEN_executes_command(mock_shell):\n"
            "    # Run our test\n"
            "    client.deploy([\"MyStack\"])\n"
            "\n"
            "    assert expected_calls == mock_shell.call_args_list\n"
        ),
        path="test_cdk_client.py",
    ),
    Example(
        title="condition markers start AND parts; a lone pytest.raises block gives THEN_raises_<exception>",
        before=(
            "def test_parse_returns_none_when_empty():\n"
            "    assert None == parse(\"\")\n"
            "\n"
            "\n"
            "def test_next_vni_pool_exhausted():\n"
            "    with pytest.raises(vni.VniPoolExhausted):\n"
            "        provider.get_next_vni()\n"
        ),
        after=(
            "def test_WHEN_parse_called_AND_empty_THEN_returns_none():\n"
            "    assert None == parse(\"\")\n"
            "\n"
            "\n"
            "def test_WHEN_get_next_vni_called_AND_pool_exhausted_THEN_raises_vni_pool_exhausted():\n"
            "    with pytest.raises(vni.VniPoolExhausted):\n"
            "        provider.get_next_vni()\n"
        ),
        path="test_vni.py",
    ),
    Example(
        title="a conjunction joins another action; a call in the first assert the name speaks of is the act",
        before=(
            "def test_add_and_find(store):\n"
            "    store.add(ITEM)\n"
            "    # Act\n"
            "    found = store.find(\"a-1\")\n"
            "    assert ITEM == found\n"
            "\n"
            "\n"
            "def test_skus_sorted(store):\n"
            "    store.add(Z_ITEM)\n"
            "    store.add(A_ITEM)\n"
            "    assert [\"a\", \"z\"] == store.skus()\n"
        ),
        after=(
            "def test_WHEN_find_called_AND_add_THEN_as_expected(store):\n"
            "    store.add(ITEM)\n"
            "    # Act\n"
            "    found = store.find(\"a-1\")\n"
            "    assert ITEM == found\n"
            "\n"
            "\n"
            "def test_WHEN_skus_called_THEN_sorted(store):\n"
            "    store.add(Z_ITEM)\n"
            "    store.add(A_ITEM)\n"
            "    assert [\"a\", \"z\"] == store.skus()\n"
        ),
        path="test_store.py",
    ),
    Example(
        title="references in the same file are renamed too; fixtures and tagged names are left alone",
        before=(
            "@pytest.fixture\n"
            "def test_data():\n"
            "    return {\"a\": 1}\n"
            "\n"
            "\n"
            "def test_perform_get_success(test_data):\n"
            "    actual = ops.perform_get(test_data)\n"
            "    assert {\"a\": 1} == actual\n"
            "\n"
            "\n"
            "def test_CONFIRM_prompt_shown():\n"
            "    assert ask()\n"
            "\n"
            "\n"
            "FLAKY = [test_perform_get_success]\n"
        ),
        after=(
            "@pytest.fixture\n"
            "def test_data():\n"
            "    return {\"a\": 1}\n"
            "\n"
            "\n"
            "def test_WHEN_perform_get_called_AND_success_THEN_as_expected(test_data):\n"
            "    actual = ops.perform_get(test_data)\n"
            "    assert {\"a\": 1} == actual\n"
            "\n"
            "\n"
            "def test_CONFIRM_prompt_shown():\n"
            "    assert ask()\n"
            "\n"
            "\n"
            "FLAKY = [test_WHEN_perform_get_called_AND_success_THEN_as_expected]\n"
        ),
        path="test_rest_ops.py",
    ),
    Example(
        title="methods of unittest.TestCase classes only with unittest = true; camelCase names are split",
        before=(
            "class RESTClientTestCase(TestCase):\n"
            "    def test_get_error_path(self):\n"
            "        \"\"\"Should raise a RequestError when the server answers 500.\"\"\"\n"
            "        self.client.get(\"/x\")\n"
            "\n"
            "    def testPostRetries(self):\n"
            "        self.client.post(\"/x\")\n"
        ),
        after=(
            "class RESTClientTestCase(TestCase):\n"
            "    def test_WHEN_get_called_AND_error_path_THEN_raises_request_error(self):\n"
            "        \"\"\"Should raise a RequestError when the server answers 500.\"\"\"\n"
            "        self.client.get(\"/x\")\n"
            "\n"
            "    def test_WHEN_post_called_THEN_retries(self):\n"
            "        self.client.post(\"/x\")\n"
        ),
        path="test_rest_client.py",
        options={"unittest": True},
    ),
)

DOC = """
Which functions: in test files only (`test-files`, else pytest's `python_files`, else test_*.py and *_test.py),
module-level test functions and methods of test classes (`test-classes`, else `python_classes`, else Test*) whose
name starts with `test`. Left alone: names already `test_WHEN_..._THEN_...`; names whose first word is an
upper-case tag (`test_CONFIRM_...`); fixtures, properties and overloads; methods of unittest.TestCase
subclasses unless `unittest = true`; classes with a base class defined in another module (their tests may
override inherited ones); a test bound twice in its scope or overriding a parent class's test (warned).

How the name is built:
1. The old name is split into words (camelCase too) and cut at the first condition marker (when, if, with,
   without, for, on, after, before, during, while, using, via, ...) and the first outcome verb (returns, raises,
   is, has, fails, works, ...; `should_X` becomes `Xs`). A marker needs words after it (`test_copy_with` has
   none); the word right after a marker is part of its condition, also a second marker (`using_with_block`).
   `ends_with`/`starts_with` are phrases, not markers. A verb that is also a plural noun (calls, logs, sets,
   matches, ...) is the noun when it ends the name (`test_schema_calls`).
2. WHEN: the function under test plus `_called`. It is the first call after a `# Run`/`# Act`/`# When` comment,
   else the last call before the first assert, skipping mocks, constructors, builtins, pytest and stdlib helpers,
   this file's own functions and one- or two-letter names the old name does not contain. It is used when its
   words appear in the old name's action or the action starts with part of it (the other words of the action
   become a condition); else the first call inside that first assert, when the name speaks of it
   (`add(); add(); assert skus() == [...]` in `test_skus_sorted` -> `skus_called`); else when the class is named
   after it (`PeekableTests.test_slicing`), or the old name has no action or only vague words (happy_path,
   basic). Otherwise the old name's action words are the WHEN part, without `_called`.
3. AND: the conditions in order (markers when/if/given dropped, with/without/for/on... kept; `and` starts a new
   condition). Words the name puts before the function under test with a conjunction (`add_and_find`) are a
   condition of their own.
4. THEN: the outcome words; else, for a function found in the first assert, a result word after it (sorted,
   unique, ignored, preserved, ...: `test_skus_sorted` -> `THEN_sorted`); else `raises_<exception>` when the
   body ends in its only `with pytest.raises(X)`; else the outcome of a "Should return X when Y" docstring
   (its first sentence, at most 12 words, with a verb); else `as_expected`. The docstring also gives the AND
   part when the name has no condition.
5. No part begins or ends with a conjunction (and, or, then).
6. If `def <name>` is longer than `max-length` (default 120), conditions are dropped from the end; a name that
   still does not fit is left alone (warned).
7. The new name keeps the old one's meaning: every content word (all but a, the, if, when, should, is, ...), each
   negation (no, not, never, without, cant, ...) right before the word it negates, a THEN that is not a lone
   is/does/has and holds no word the file lacks. Else the missing words become a condition, or the old name's own
   parts are used, or all its words as WHEN; when none fits in `max-length`, the test keeps its name (warned).

Safety: a new name never repeats a name that occurs anywhere in the file, nor another test's new name (two
tests share one only when they shared the old name, in different classes): the next word of the old name that
the new name lacks is added as a condition, else `_2`, `_3`. References in the same file (decorators, lists,
`test_x.__name__`) are renamed with the function through scope analysis, paid only when the old name occurs
as a variable besides its def or is defined twice in one scope. A test whose name is used where the rename cannot
follow keeps it, with a warning naming the place and kind: a string anywhere in the project, an attribute here,
an import elsewhere, a node id, `-k` expression or other text in pytest.ini, tox.ini, setup.cfg, pyproject.toml,
a Makefile or CI yaml (the project is scanned once per run). Comments and docstrings that mention a renamed test
are updated with it. Each change is reported on its line: `old -> new` at the `def`, `comment: old -> new`.

Options ([tool.stylefix.test-names]): unittest = false (rename methods of unittest.TestCase subclasses too),
max-length = 120.
Directives: `# stylefix: skip` (or `skip[test-names]`) on a `def` line or its decorators leaves that test alone;
on a `class` line, every test of the class.
"""
