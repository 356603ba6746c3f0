"""The run's ICWS target: the embedded mock when the target is ``mock``, and a check that it answers.

Only a master or a local runner opens the target; a worker gets its URL from the master. The mock
package is imported here, when the embedded mock starts, so no worker process ever loads it.
"""

from __future__ import annotations

import http.client
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botagent.profile import Profile

if TYPE_CHECKING:
    from botagent.mock import MockProcess

__all__ = ["MOCK", "Target", "open_target", "unreachable"]

MOCK = "mock"
"""The target (profile ``target:`` or Locust ``--host``) that means the embedded mock ICWS."""


@dataclass(frozen=True, slots=True)
class Target:
    """The ICWS base URL agents use, and the embedded mock serving it, if botagent started one."""

    url: str
    mock: MockProcess | None = None

    def close(self) -> None:
        """Stop the embedded mock, if there is one."""
        if self.mock is not None:
            self.mock.stop()


def open_target(wanted: str, profile: Profile) -> Target:
    """The target named ``wanted`` (a URL, or ``mock``), starting the embedded mock for ``mock``.

    Raises:
        MockStartError: the embedded mock did not start.
    """
    if wanted != MOCK:
        return Target(wanted)
    from botagent.mock import MockProcess  # here only, so worker processes never load the mock

    mock = MockProcess(profile.mock_scenario, pair=profile.mock.pair, ledger_file=profile.mock.ledger_file)
    return Target(mock.base_url, mock)


def unreachable(url: str, timeout: float) -> str | None:
    """Why the ICWS server at ``url`` cannot be reached, on one line; None when it answers.

    Any HTTP answer counts, whatever its status: the check is for a server, not for a healthy one.
    """
    if not url:
        return "no target: set the profile's target or Locust's --host"
    version = f"{url.rstrip('/')}/icws/connection/version"
    try:
        urllib.request.urlopen(version, timeout=timeout, context=_reachability_only()).close()
    except urllib.error.HTTPError:
        return None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return f"{url}: {getattr(exc, 'reason', None) or exc or type(exc).__name__}"
    return None


def _reachability_only() -> ssl.SSLContext:
    """TLS without certificate checks: a bad certificate is reported, with its own message, by the
    agents' first request, which checks it as the profile's ``tls`` section says."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context
