"""A tiny inventory store, written without the style guide in mind."""
from inventory.models import Item
import requests
import logging
from dataclasses import dataclass, field
import json

logger = logging.getLogger(__name__)


@dataclass
class Store:
    items: dict[str, Item] = field(default_factory=dict)
    tags: list[str] | None = None

    def add(self, item: Item) -> None:
        self.items[item.sku] = item

    def find(self, sku: str) -> Item | None:
        return self.items.get(sku)

    def skus(self) -> list[str]:
        return sorted(self.items)

    def export(self) -> str:
        return json.dumps({sku: item.price for sku, item in self.items.items()})


def fetch_prices(url: str, skus: tuple[str, ...]) -> dict[str, float | int]:
    response = requests.get(url, params={"sku": list(skus)})
    return response.json()
