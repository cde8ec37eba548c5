"""Per-feature label catalogs (pt-BR, English). Every module here exports `TEXTS`; they are
merged into the UI catalog, so a feature adds its labels without editing a shared file."""

from __future__ import annotations

import importlib
import pkgutil


def feature_texts() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        merged.update(getattr(module, "TEXTS", {}))
    return merged
