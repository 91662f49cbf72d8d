from dataclasses import dataclass
from typing import Optional


@dataclass
class Item:
    sku: str
    price: float
    note: Optional[str] = None
