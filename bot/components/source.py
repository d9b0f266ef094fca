"""The source code of these components, for Rasa's training cache.

Rasa reuses a component's cached training output (bot/.rasa/cache) when its class's own source,
its config and its inputs are unchanged (rasa/engine/training/fingerprinting.py). The class's own
source only: a change to a helper it calls (respelling.py's tables, one_vs_rest.py, folding.py,
knowledge's digit folding) would leave the output trained by the old code in the next model. Each
component here adds `package_digest()` to its fingerprint (`SourceFingerprinted`), so a change to
any of these files retrains every component of the pipeline that is ours.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from pathlib import Path
from typing import Any, Dict, Iterable, Optional, Text


def digest(paths: Iterable[Path]) -> str:
    """A hash of the files' names and bytes, in the order given."""
    hashed = hashlib.sha256()
    for path in paths:
        hashed.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return hashed.hexdigest()


def package_files() -> list[Path]:
    """Every module of this package, and the knowledge module whose digit folding the tokenizer uses."""
    from knowledge import fold_digits

    return [*sorted(Path(__file__).resolve().parent.glob("*.py")), Path(inspect.getsourcefile(fold_digits) or "")]


@functools.lru_cache(maxsize=1)
def package_digest() -> str:
    """The digest of `package_files()`, once per process."""
    return digest(package_files())


class SourceFingerprinted:
    """A mixin for graph components: their fingerprint covers the source of the whole package."""

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """The package's digest (see the module's docstring)."""
        return package_digest()
