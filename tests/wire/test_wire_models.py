"""Wire models: one table of (model, wire JSON) cases, checked in both directions."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pydantic
import pytest

import botagent.wire as wire

WIRE_CASES: list[tuple[pydantic.BaseModel, dict[str, Any]]] = [
    (
        wire.ConnectionRequest(application_name="botagent", user_id="agent0001", password="secret"),
        {
            "__type": "urn:inin.com:connection:icAuthConnectionRequestSettings",
            "applicationName": "botagent",
            "userID": "agent0001",
            "password": "secret",
        },
    ),
    (wire.LogInRequest(), {}),
    (wire.LogInRequest(campaign_id="c-1"), {"campaignId": "c-1"}),
    # A global log-off omits campaignIds, which is List [1,*] (official log-off page).
    (wire.LogOffRequest(), {}),
    (wire.LogOffRequest(campaign_ids=["c-1"]), {"campaignIds": ["c-1"]}),
    (wire.ReadyForCallsRequest(), {}),
    (
        wire.DispositionRequest(label="Callback", scheduled_time=1_800_000_000, scheduled_agent="agent0002"),
        {"label": "Callback", "scheduledTime": 1_800_000_000, "scheduledAgent": "agent0002"},
    ),
    (wire.UserStatusUpdate(status_id="Available"), {"statusId": "Available"}),
    (
        wire.WorkstationSettings(workstation="ws-1"),
        {"__type": "urn:inin.com:connection:workstationSettings", "workstation": "ws-1"},
    ),
    (
        wire.BreakStatusMessage(break_status=wire.BreakStatus.ON_BREAK),
        {"__type": wire.BREAK_STATUS_MESSAGE, "isDelta": False, "breakStatus": 2},
    ),
    (
        wire.AvailableCampaignsMessage(
            agent_has_logon_campaign_right=True,
            campaigns_added=[wire.AvailableCampaign(id="c-1", name="Predictive Sales", workgroup="Sales")],
        ),
        {
            "__type": wire.AVAILABLE_CAMPAIGNS_MESSAGE,
            "isDelta": False,
            "agentHasLogonCampaignRight": True,
            "campaignsAdded": [
                {
                    "__type": "urn:inin.com:dialer:availableCampaign",
                    "id": "c-1",
                    "name": "Predictive Sales",
                    "workgroup": "Sales",
                }
            ],
        },
    ),
    (
        wire.LogoutGrantedMessage(campaigns=[wire.LoggedOutCampaign(id="")]),
        {"__type": wire.LOGOUT_GRANTED_MESSAGE, "isDelta": False, "campaigns": [{"id": ""}]},
    ),
    (
        wire.DataPopMessage(
            call=wire.PreviewPopCall(
                interaction_id="100",
                campaign_id="c-3",
                attributes={"IS_ATTR_CallId": "k-1"},
                dispositions=[wire.Disposition(label="Sale", wrap_up_category="Success", wrap_up_code="S")],
                preview_timeout=datetime(2026, 11, 24, 10, 0, 5, tzinfo=UTC),
            )
        ),
        {
            "__type": wire.DATA_POP_MESSAGE,
            "isDelta": False,
            "call": {
                "__type": wire.PREVIEW_POP,
                "interactionId": "100",
                "campaignId": "c-3",
                "attributes": {"IS_ATTR_CallId": "k-1"},
                "autoDisconnectOnDisposition": False,
                "allowAgentCallbacks": False,
                "dispositions": [
                    {"label": "Sale", "wrapUpCategory": "Success", "wrapUpCode": "S", "abandon": False}
                ],
                "dialingMode": 0,
                "callPlaced": False,
                "previewTimeout": "20261124T100005Z",
                "allowSkip": False,
            },
        },
    ),
]


@pytest.mark.parametrize(("model", "wire"), WIRE_CASES, ids=lambda v: type(v).__name__)
def test_wire_model_when_dumped_gives_the_wire_json(model: pydantic.BaseModel, wire: dict[str, Any]) -> None:
    assert model.to_wire() == wire  # type: ignore[attr-defined]


@pytest.mark.parametrize(("model", "wire"), WIRE_CASES, ids=lambda v: type(v).__name__)
def test_wire_model_when_parsed_from_wire_json_equals_the_model(
    model: pydantic.BaseModel, wire: dict[str, Any]
) -> None:
    assert type(model).model_validate(wire) == model


def test_message_parse_when_type_is_unknown_keeps_every_field() -> None:
    [message] = wire.parse_messages(b'[{"__type": "urn:example:newThing", "isDelta": true, "x": 1}]')
    assert isinstance(message, wire.UnknownMessage)
    assert message.to_wire() == {"__type": "urn:example:newThing", "isDelta": True, "x": 1}


def test_message_parse_when_server_adds_fields_keeps_them() -> None:
    message = wire.parse_message({"__type": wire.BREAK_STATUS_MESSAGE, "breakStatus": 1, "extra": "kept"})
    assert isinstance(message, wire.BreakStatusMessage)
    assert message.break_status is wire.BreakStatus.BREAK_PENDING
    assert message.to_wire()["extra"] == "kept"


def test_message_parse_when_known_type_misses_required_field_raises() -> None:
    with pytest.raises(pydantic.ValidationError):
        wire.parse_message({"__type": wire.BREAK_STATUS_MESSAGE})


def test_logout_granted_when_campaign_is_bare_empty_string_means_dialer() -> None:
    message = wire.parse_message({"__type": wire.LOGOUT_GRANTED_MESSAGE, "campaigns": ["", {"id": "c-1"}]})
    assert isinstance(message, wire.LogoutGrantedMessage)
    assert message.logged_out_of_dialer
    assert message.campaign_ids == {"c-1"}


def test_break_status_message_when_it_carries_campaign_fields_tolerates_them() -> None:
    message = wire.parse_message(
        {
            "__type": wire.BREAK_STATUS_MESSAGE,
            "breakStatus": 0,
            "agentHasLogonCampaignRight": True,
            "campaignsAdded": [{"id": "c-1", "name": "Power Collections", "workgroup": "W"}],
        }
    )
    assert isinstance(message, wire.BreakStatusMessage)
    assert message.agent_has_logon_campaign_right is True
    assert message.campaigns_added is not None and message.campaigns_added[0].name == "Power Collections"


@pytest.mark.parametrize("text", ["2026-11-24T10:00:05Z", "2026-11-24T10:00:05.000Z", "20261124T100005Z"])
def test_icws_datetime_when_in_any_accepted_form_parses_to_utc(text: str) -> None:
    assert wire.parse_icws_datetime(text) == datetime(2026, 11, 24, 10, 0, 5, tzinfo=UTC)


def test_connection_request_when_printed_hides_the_password() -> None:
    request = wire.ConnectionRequest(application_name="a", user_id="u", password="hunter2")
    assert "hunter2" not in repr(request)
    assert "hunter2" not in str(request)


def test_connection_response_when_features_listed_reports_messaging_version() -> None:
    body = json.dumps(
        {"csrfToken": "t", "sessionId": "1", "features": [{"featureId": "messaging", "version": 2}]}
    )
    response = wire.ConnectionResponse.model_validate_json(body)
    assert response.feature_version("messaging") == 2
    assert response.feature_version("other") is None


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, wire.BadRequest),
        (401, wire.SessionExpired),
        (403, wire.Forbidden),
        (404, wire.NotFound),
        (410, wire.SessionGone),
        (500, wire.ServerError),
        (503, wire.ServiceUnavailable),
    ],
)
def test_status_error_when_built_from_status_gives_its_subclass(status: int, cls: type) -> None:
    error = wire.status_error("POST /dialer/log-in", status, b'{"errorId": "e.x", "message": "nope"}')
    assert type(error) is cls
    assert (error.status, error.error_id, error.message) == (status, "e.x", "nope")
    assert str(error) == f"POST /dialer/log-in: HTTP {status} e.x: nope"


def test_status_error_when_503_has_retry_after_reads_it_case_insensitively() -> None:
    error = wire.status_error("POST /connection", 503, b"", {"Retry-After": "2.5"})
    assert isinstance(error, wire.ServiceUnavailable)
    assert error.retry_after == 2.5
    assert error.message == "HTTP 503 with no ICWS error message"
