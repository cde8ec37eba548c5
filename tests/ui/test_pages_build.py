"""Every page's component tree builds (a wrong argument fails here in a second, not after a
minute of compiling the app in the browser tests), with no unknown icon names."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import ylada_app.pages as pages


def test_every_page_builds_without_unknown_icons(caplog):
    import ylada_app.ylada_app  # noqa: F401 - the app registers its pages first

    built = []
    for info in pkgutil.iter_modules(pages.__path__):
        module = importlib.import_module(f"ylada_app.pages.{info.name}")
        for name, fn in vars(module).items():
            if (name.endswith("_page") and inspect.isfunction(fn)
                    and fn.__module__ == module.__name__):
                fn()
                built.append(name)
    assert [r.getMessage()[:40] for r in caplog.records if "Invalid icon" in r.getMessage()] \
        == []
    assert len(built) >= 30
