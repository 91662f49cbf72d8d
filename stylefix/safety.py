"""The safety net: before anything is written, the output must parse and be stable under a second run."""
import logging
from pathlib import Path
from typing import Optional, Sequence

from stylefix.config import Config
from stylefix.results import FixResult, InternalError, StylefixError

logger = logging.getLogger(__name__)


def _blame(result: FixResult) -> str:
    return ", ".join(result.changed_by()) or "stylefix"


def verify(source: bytes, result: FixResult, path: Path, config: Config, names: Optional[Sequence[str]]) -> None:
    from stylefix.engine import run_codemods

    try:
        again = run_codemods(result.source, path, config, names)
    except StylefixError as error:
        raise InternalError(_blame(result), f"output does not parse ({error.message})") from error
    if again.changes:
        raise InternalError(
            ", ".join(again.changed_by()), f"not stable: a second run changes line {again.changes[0].line} again"
        )
