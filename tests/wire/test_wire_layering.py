"""The layers stand on `botagent.wire`: the pure cores load no HTTP, web or load-test library, and every
endpoint name comes from the one table."""

from __future__ import annotations

import ast
import json
import pathlib
import subprocess
import sys

import pytest

from botagent.wire import CLIENT_ENDPOINTS, Endpoint

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "botagent"
HEAVY = ("httpx", "starlette", "uvicorn", "gevent", "geventhttpclient", "locust")

LAYERS = {
    "wire": set(),
    "icws": {"wire"},
    "agent": {"wire"},
    "mock": {"wire"},
    "profile": {"wire", "agent"},
    "report": {"wire", "profile", "agent"},
    "locust": {"wire", "icws", "agent", "profile", "report", "mock"},
}
"""Which botagent packages each package may import (DESIGN.md's layers; nothing imports upwards)."""


def _loaded_after(statement: str) -> set[str]:
    probe = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return {name.split(".")[0] for name in json.loads(result.stdout)}


@pytest.mark.slow
@pytest.mark.parametrize(
    "statement",
    [
        "import botagent.wire",
        "import botagent.agent",
        "import botagent.mock",
        "from botagent.mock._engine import DialerEngine",
    ],
)
def test_pure_core_when_imported_in_a_fresh_interpreter_loads_no_http_or_load_library(statement: str) -> None:
    loaded = _loaded_after(statement)
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def _imported_packages(path: pathlib.Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found |= {name.split(".")[1] for name in names if name.startswith("botagent.") and "." in name}
    return found


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_package_when_its_imports_are_read_imports_only_the_layers_beneath_it(package: str) -> None:
    allowed = LAYERS[package] | {package, "_child"}
    for path in sorted((PACKAGE / package).rglob("*.py")):
        upward = _imported_packages(path) - allowed
        assert not upward, f"{path.relative_to(PACKAGE)} imports botagent.{sorted(upward)}"


def _endpoint_literals(path: pathlib.Path) -> list[str]:
    methods = ("GET ", "POST ", "PUT ", "DELETE ")
    return [
        node.value
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith(methods)
        and " /" in node.value[:8]
    ]


def test_endpoint_names_when_the_package_is_read_are_written_only_in_the_wire_table() -> None:
    table = PACKAGE / "wire" / "_endpoints.py"
    for path in sorted(PACKAGE.rglob("*.py")):
        if path != table:
            assert _endpoint_literals(path) == [], f"{path.relative_to(PACKAGE)} spells an endpoint name"


def test_endpoint_names_when_used_by_client_agent_and_mock_are_members_of_the_table() -> None:
    from botagent.agent import Request
    from botagent.mock._endpoints import route_doc
    from botagent.mock.server import create_app

    requests = [cls for cls in _subclasses(Request) if "endpoint" in cls.__dict__]
    assert requests and all(isinstance(cls.endpoint, Endpoint) for cls in requests)
    docs = [route_doc(getattr(route, "endpoint", None)) for route in create_app().routes]
    served = [doc.name for doc in docs if doc is not None]
    assert served and all(isinstance(name, Endpoint) for name in served)
    assert set(CLIENT_ENDPOINTS) <= set(served) | {Endpoint.OPEN_EVENT_STREAM}


def _subclasses(cls: type) -> list[type]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]
