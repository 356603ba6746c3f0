"""Loads the modules of botagent.locust that import neither Locust nor gevent (the phase clock, the
samples, the timeline, the requests sender) from their files, so their unit tests run in the test process.

Importing them the usual way would run ``botagent/locust/__init__.py``, which imports Locust, and Locust
gevent-patches the whole process. Loaded from its file under a name of its own, such a module shares
botagent.report and botagent.wire with the test process and nothing of Locust.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

PACKAGE = Path(__file__).resolve().parents[1] / "botagent" / "locust"


def load_pure(name: str) -> ModuleType:
    """The module ``botagent/locust/<name>.py`` (``_phases``, ``_samples``, ``_timeline``, ``_requests``)."""
    alias = f"botagent_locust_pure{name}"
    if alias in sys.modules:
        return sys.modules[alias]
    spec = importlib.util.spec_from_file_location(alias, PACKAGE / f"{name}.py")
    assert spec is not None and spec.loader is not None, name
    module = importlib.util.module_from_spec(spec)
    sys.modules[alias] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    assert "locust" not in sys.modules, f"loading {name} imported Locust"
    return module
