"""Every public package re-exports a sorted, complete `__all__` (botagent.locust is checked in a child
process, since importing Locust patches the whole process for gevent)."""

from __future__ import annotations

import importlib
import subprocess
import sys
import types

import pytest

PACKAGES = [
    "botagent.wire",
    "botagent.icws",
    "botagent.agent",
    "botagent.mock",
    "botagent.mock.server",
    "botagent.profile",
    "botagent.report",
]


def _public_names(module: types.ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and name != "annotations" and not isinstance(value, types.ModuleType)
    }


@pytest.mark.parametrize("package", PACKAGES)
def test_package_all_when_listed_is_sorted_and_names_every_public_member(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__all__ == sorted(module.__all__)
    assert set(module.__all__) == _public_names(module)


@pytest.mark.slow
def test_locust_package_all_when_listed_is_sorted_and_complete() -> None:
    check = (
        "import types, botagent.locust as m; "
        "public = {n for n, v in vars(m).items() "
        "if not n.startswith('_') and not isinstance(v, types.ModuleType)}; "
        "assert m.__all__ == sorted(m.__all__), m.__all__; "
        "assert set(m.__all__) == public, public ^ set(m.__all__)"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
