"""A refused campaign log-in over loopback: the client keeps the error body's logonError code."""

from __future__ import annotations

import httpx
import pytest

from botagent.icws import HttpxTransport, Session
from botagent.mock import campaign_id_for
from botagent.mock.server import MockServer
from botagent.wire import CampaignLogonErrorCode, Forbidden


def test_campaign_login_when_the_campaign_is_stopped_raises_forbidden_with_its_logon_error(
    fresh_mock: MockServer,
) -> None:
    """log-in: a campaign that does not run refuses a log-in with 403 campaignLogonError, logonError 3
    (CampaignStopping) — official log-in page; the campaign is stopped through /mock/campaigns."""
    stopped = httpx.post(f"{fresh_mock.base_url}/mock/campaigns/Power Collections", json={"status": "off"})
    assert stopped.status_code == 200, stopped.text
    session = Session(
        fresh_mock.base_url, user_id="campaignagent0001", password="botagent", transport=HttpxTransport()
    )
    with session:
        session.acquire_licenses(["I3_ACCESS_CLIENT", "I3_ACCESS_DIALER_ADDON"])
        session.dialer_log_in()
        with pytest.raises(Forbidden) as refused:
            session.dialer_log_in(campaign_id_for("Power Collections"))
        session.dialer_log_off()
    assert refused.value.logon_error == CampaignLogonErrorCode.CAMPAIGN_STOPPING
    assert refused.value.status == 403


def test_status_error_when_the_body_has_no_logon_error_has_none() -> None:
    """Only a campaignLogonError body carries logonError (official log-in page)."""
    refused = Forbidden(
        "no", endpoint="POST /dialer/log-in", status=403, body=b'{"errorId": "x", "message": "no"}'
    )
    assert refused.logon_error is None
    assert Forbidden("no", endpoint=None, status=403, body=b"not json").logon_error is None
