import pytest
from inventory.store import Store
from inventory.models import Item
import json


def test_add_and_find():
    store = Store()
    store.add(Item("a-1", 2.5))

    # Run our test
    found = store.find("a-1")

    assert found.price == 2.5


def test_find_missing_returns_none():
    store = Store()
    assert store.find("nope") == None


def test_export_with_items():
    store = Store()
    store.add(Item("b-2", 4))
    expected_export = json.dumps({"b-2": 4})

    actual_export = store.export()

    assert actual_export == expected_export


def test_skus_sorted():
    store = Store()
    store.add(Item("z", 1))
    store.add(Item("a", 1))
    assert store.skus() == ["a", "z"]
