"""The mock's Licenses API and licence pools, over HTTP.

Facts relied on (official ICWS pages):
- ``POST /icws/{sessionId}/licenses`` (licenses 1): body ``licenseList: List [1,*]: String``; 200 with
  ``licenseOperationResults``, one per licence: ``licenseName``, ``isAvailable`` ("If true, the license
  was successfully acquired for the user"), ``errorDetails``, ``licenseStatus`` (enum, ``unknownError``
  0 ...). "If the license has already been acquired, there is no effect." "If the client requests a
  license that does not exist, the only information provided is that it will not have been acquired."
  (https://help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/licenses/index.htm)
- "Licenses are acquired and released for the session user. In order to successfully acquire a license,
  the license must exist and it must have been assigned to the session user."
  (https://help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/Licenses/Licenses.htm)
- Dialer requests answer 403 "Neither the agent nor the station the agent is logged in to has a Dialer
  Add-on License available."
  (https://help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/dialer/ready-for-calls/index.htm)
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from mock_rig import PASSWORD, FakeClock, IcwsClient

from botagent.mock import ScenarioError, scenario_from_dict
from botagent.mock.server import MockServer

CLIENT, DIALER = "I3_ACCESS_CLIENT", "I3_ACCESS_DIALER_ADDON"
NO_LICENCE = (
    "Neither the agent nor the station the agent is logged in to has a Dialer Add-on License available."
)


def _scenario(pool: int | None = 1, **top: Any) -> Any:
    """Users a, b (every licence) and c (client access only); a Dialer licence pool of ``pool``."""
    data: dict[str, Any] = {
        "users": [
            {"names": ["a", "b"], "password": PASSWORD},
            {"names": ["c"], "password": PASSWORD, "licences": [CLIENT]},
        ],
        "licences": {CLIENT: None, DIALER: pool},
        **top,
    }
    return scenario_from_dict(data)


def _acquire(client: IcwsClient, *names: str) -> list[dict[str, Any]]:
    response = client.ok("POST", "/licenses", {"licenseList": list(names)})
    results: list[dict[str, Any]] = response.json()["licenseOperationResultList"]
    return results


def _connected(mock: MockServer, user: str) -> IcwsClient:
    client = IcwsClient(mock.base_url, user=user)
    assert client.connect(licences=()).status_code == 201
    return client


def _in_use(mock: MockServer) -> int:
    figures: dict[str, int] = httpx.get(f"{mock.base_url}/mock/health").json()["licences"][DIALER]
    return figures["inUse"]


def test_licenses_when_acquired_answer_one_result_per_licence_in_the_order_asked(
    fresh_mock: MockServer,
) -> None:
    """licenses: one licenseOperationResult per licence; an unknown one is only not acquired (official
    licenses page)."""
    with _connected(fresh_mock, "agent0001") as agent:
        results = _acquire(agent, DIALER, "I3_NO_SUCH_LICENSE", CLIENT)

    assert results == [
        {"licenseName": DIALER, "isAvailable": True, "licenseStatus": 2, "errorDetails": ""},
        {
            "licenseName": "I3_NO_SUCH_LICENSE",
            "isAvailable": False,
            "licenseStatus": 3,
            "errorDetails": "I3_NO_SUCH_LICENSE is not assigned to agent0001.",
        },
        {"licenseName": CLIENT, "isAvailable": True, "licenseStatus": 2, "errorDetails": ""},
    ]


def test_licenses_when_the_pool_is_used_up_answer_unavailable_for_the_next_user(
    fresh_mock: MockServer,
) -> None:
    """A licence is acquired only while the pool has one (official Licenses page); ``licenseStatus``
    says why not (official licenses page)."""
    fresh_mock.reset(_scenario(pool=1))
    with _connected(fresh_mock, "a") as first, _connected(fresh_mock, "b") as second:
        assert _acquire(first, DIALER)[0]["isAvailable"] is True
        [refused] = _acquire(second, DIALER)

    assert refused == {
        "licenseName": DIALER,
        "isAvailable": False,
        "licenseStatus": 4,
        "errorDetails": f"All 1 {DIALER} licences are in use.",
    }


def test_licenses_when_one_user_acquires_twice_or_from_two_sessions_take_one_licence(
    fresh_mock: MockServer,
) -> None:
    """ "If the license has already been acquired, there is no effect"; licences are the session user's
    (official licenses and Licenses pages)."""
    fresh_mock.reset(_scenario(pool=1))
    with _connected(fresh_mock, "a") as tab1, _connected(fresh_mock, "a") as tab2:
        assert _acquire(tab1, DIALER)[0]["isAvailable"] is True
        assert _acquire(tab1, DIALER)[0]["isAvailable"] is True
        assert _acquire(tab2, DIALER)[0]["isAvailable"] is True
        assert _in_use(fresh_mock) == 1
        tab1.ok("DELETE", "/connection")
        assert _in_use(fresh_mock) == 1, "the user's other session still holds it"
        tab2.ok("DELETE", "/connection")
    assert _in_use(fresh_mock) == 0


def test_licenses_when_not_assigned_to_the_user_answer_not_assigned(fresh_mock: MockServer) -> None:
    """ "it must have been assigned to the session user" (official Licenses page)."""
    fresh_mock.reset(_scenario(pool=None))
    with _connected(fresh_mock, "c") as agent:
        client, dialer = _acquire(agent, CLIENT, DIALER)

    assert client["isAvailable"] is True
    assert (dialer["isAvailable"], dialer["licenseStatus"]) == (False, 3)


def test_licenses_when_the_list_is_empty_answer_400_naming_the_property(fresh_mock: MockServer) -> None:
    """``licenseList`` is ``List [1,*]``."""
    with _connected(fresh_mock, "agent0001") as agent:
        response = agent.call("POST", "/licenses", {"licenseList": []})

    assert response.status_code == 400
    assert response.json()["propertyName"] == "licenseList"


@pytest.mark.parametrize(
    ("name", "body"),
    [("log-in", {}), ("ready-for-calls", {}), ("place-preview-call", {}), ("disposition", {"label": "Sale"})],
)
def test_dialer_requests_when_the_user_holds_no_dialer_licence_answer_403_with_the_official_text(
    fresh_mock: MockServer, name: str, body: dict[str, Any]
) -> None:
    """403 without the Dialer Add-on licence (official ready-for-calls and place-preview-call pages)."""
    with _connected(fresh_mock, "agent0001") as agent:
        _acquire(agent, CLIENT)
        response = agent.dialer(name, body)

    assert response.status_code == 403
    assert response.json()["message"] == NO_LICENCE
    assert response.json()["errorId"] == "error.request.dialer.noDialerLicense"


def test_dialer_log_in_when_another_session_of_the_user_holds_the_licence_succeeds(
    fresh_mock: MockServer,
) -> None:
    """The licence is the session user's (Licenses service page)."""
    with _connected(fresh_mock, "agent0001") as holder, _connected(fresh_mock, "agent0001") as other:
        _acquire(holder, DIALER)
        assert other.dialer("log-in").status_code == 200


def test_dialer_requests_when_no_licence_is_required_pass_without_one(fresh_mock: MockServer) -> None:
    """Leniency ``behaviour.dialer_licence: null``: for clients that acquire no licence."""
    fresh_mock.reset(_scenario(behaviour={"dialer_licence": None}))
    with _connected(fresh_mock, "c") as agent:
        assert agent.dialer("log-in").status_code == 200


def test_licence_when_its_session_is_deleted_is_released_for_another_user(fresh_mock: MockServer) -> None:
    """Licences are released for the session user when the session ends (official Licenses page)."""
    fresh_mock.reset(_scenario(pool=1))
    with _connected(fresh_mock, "a") as first, _connected(fresh_mock, "b") as second:
        _acquire(first, DIALER)
        sessions = httpx.get(f"{fresh_mock.base_url}/mock/sessions").json()
        assert {s["userId"]: s["licences"] for s in sessions} == {"a": [DIALER], "b": []}
        first.ok("DELETE", "/connection")
        assert _acquire(second, DIALER)[0]["isAvailable"] is True


def test_licence_when_the_server_restarts_is_released(fresh_mock: MockServer) -> None:
    """A session the server loses releases its licences too (official Licenses page)."""
    fresh_mock.reset(_scenario(pool=1))
    with _connected(fresh_mock, "a") as first:
        _acquire(first, DIALER)
        assert _in_use(fresh_mock) == 1
        httpx.post(f"{fresh_mock.base_url}/mock/restart").raise_for_status()
    assert _in_use(fresh_mock) == 0
    with _connected(fresh_mock, "b") as second:
        assert _acquire(second, DIALER)[0]["isAvailable"] is True


def test_licence_when_its_session_expires_is_released(
    clocked_mock: MockServer, mock_clock: FakeClock
) -> None:
    """An expired session releases its licences (official Licenses page)."""
    clocked_mock.reset(_scenario(pool=1, session_idle_expiry=60.0))
    with _connected(clocked_mock, "a") as first:
        _acquire(first, DIALER)
    mock_clock.advance(61.0)
    with _connected(clocked_mock, "b") as second:
        assert _acquire(second, DIALER)[0]["isAvailable"] is True


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"users": [{"names": ["a"], "licences": ["I3_NOPE"]}]},
            "users.0.licences: 'I3_NOPE' is not in licences",
        ),
        (
            {"behaviour": {"dialer_licence": "I3_NOPE"}},
            "behaviour.dialer_licence: 'I3_NOPE' is not in licences",
        ),
        ({"licences": {DIALER: -1}}, "licences.I3_ACCESS_DIALER_ADDON"),
    ],
)
def test_scenario_when_licences_do_not_fit_names_the_key(changes: dict[str, Any], problem: str) -> None:
    """A bad licence pool or assignment is a one-line error naming the key."""
    with pytest.raises(ScenarioError, match=problem.replace(".", r"\.")):
        scenario_from_dict(changes)
