"""The run reads the mock's ledger back as typed entries; a target without one, or with a malformed one,
gives "no ledger" (with a warning naming the problem when it is malformed), never a traceback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from locust_rig import closed_port_url, run_in_locust_process

from botagent.wire import LedgerEntry


def entry(interaction_id: str) -> dict[str, Any]:
    """A ledger entry as ``GET /mock/ledger`` serves it."""
    return LedgerEntry(
        call_id=f"call-{interaction_id}",
        interaction_id=interaction_id,
        campaign_id="c-1",
        campaign_name="Power Collections",
        contact_id="contact-1",
        kind="dataPop",
        dialing_mode=2,
        agent="agent01",
        popped_at=100.0,
        label="Sale",
        disposition_count=1,
    ).to_wire()


BODIES: dict[str, bytes] = {
    "good": json.dumps({"calls": [entry("i-1"), entry("i-2")], "campaigns": {}}).encode(),
    "no-list": json.dumps({"calls": 5}).encode(),
    "not-an-object": json.dumps({"calls": [entry("i-1"), 7]}).encode(),
    "missing-key": json.dumps(
        {"calls": [{k: v for k, v in entry("i-1").items() if k != "interactionId"}]}
    ).encode(),
    "wrong-type": json.dumps({"calls": [{**entry("i-1"), "poppedAt": "soon"}]}).encode(),
    "not-json": b"<html>a CIC server</html>",
}
"""What the test server answers at ``/<case>/mock/ledger``; any other path is a 404, as on a real CIC."""


class LedgerHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802  (http.server's name)
        case = self.path.removesuffix("/mock/ledger").strip("/")
        body = BODIES.get(case) if self.path.endswith("/mock/ledger") else None
        self.send_response(404 if body is None else 200)
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def ledger_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), LedgerHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def read_back(ledger_server: str) -> tuple[dict[str, Any], str]:
    """What `read_ledger` gave for each case (interaction ids, or None), and the warnings it logged."""
    targets = {case: f"{ledger_server}/{case}" for case in BODIES}
    targets |= {"no-ledger": f"{ledger_server}/cic", "no-server": closed_port_url()}
    code = (
        "import json\n"
        "from botagent.locust._ledger import read_ledger\n"
        f"targets = {targets!r}\n"
        "found = {case: read_ledger(url, timeout=10) for case, url in targets.items()}\n"
        "ids = {c: None if e is None else [x.interaction_id for x in e] for c, e in found.items()}\n"
        "print(json.dumps(ids))\n"
    )
    result = run_in_locust_process(code)
    return json.loads(result.stdout), result.stderr


def test_ledger_when_the_mock_serves_it_is_read_as_typed_entries(
    read_back: tuple[dict[str, Any], str],
) -> None:
    found, _ = read_back
    assert found["good"] == ["i-1", "i-2"]


@pytest.mark.parametrize(
    ("case", "problem"),
    [
        ("no-list", "no list of calls"),
        ("not-an-object", "a call is int, not an object"),
        ("missing-key", "ledger entry call-i-1: interactionId is missing"),
        ("wrong-type", "ledger entry call-i-1: poppedAt is str"),
    ],
)
def test_ledger_when_malformed_gives_no_ledger_and_a_warning_naming_the_problem(
    read_back: tuple[dict[str, Any], str], case: str, problem: str
) -> None:
    found, warnings = read_back
    assert found[case] is None
    [line] = [line for line in warnings.splitlines() if f"/{case}/mock/ledger" in line]
    assert "is malformed" in line and line.endswith(problem)
    assert "Traceback" not in warnings


@pytest.mark.parametrize("case", ["no-ledger", "no-server", "not-json"])
def test_ledger_when_the_target_is_no_botagent_mock_gives_no_ledger_quietly(
    read_back: tuple[dict[str, Any], str], case: str
) -> None:
    found, warnings = read_back
    assert found[case] is None
    assert f"/{case}/" not in warnings
