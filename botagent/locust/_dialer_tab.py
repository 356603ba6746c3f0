"""A Dialer tab in Locust's web UI, through Locust's documented extension points.

The tab is one of Locust's "extended tabs": its table's columns go into the web UI's template
arguments, and its rows ride along in every ``/stats/requests`` answer the page polls, under
``extended_stats``. The rows come from the same `RunResult` the reports are written from, built on the
master (or the only process) from what every worker reported.

While the test runs, the rows show the run so far. Once the runner has stopped (every agent logged
off, every worker's last facts merged), they show the final result, reconciled with the ledger and
judged: computed once, on the first poll after the stop, and kept until a new test starts. The page
stops polling when it sees the runner stopped, so that first answer is the one it keeps showing;
with ``--autostart --autoquit N`` the web UI stays up N seconds after the run to read it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from flask import Response, request
from locust.env import Environment
from locust.runners import STATE_STOPPED

from botagent.report import DIALER_VIEW_COLUMNS, RunResult, dialer_view_rows

__all__ = ["DIALER_TAB_KEY", "DialerTab", "install_dialer_tab"]

logger = logging.getLogger(__name__)

DIALER_TAB_KEY = "dialer"


class DialerTab:
    """What the Dialer tab shows: the run so far while it goes on, its final result once it stopped.

    Args:
        environment: the Locust environment, whose runner says whether the test has stopped.
        live: builds the run's result as it stands now.
        final: builds the final result (reconciled, judged); None shows the live one throughout.
    """

    def __init__(
        self,
        environment: Environment,
        live: Callable[[], RunResult],
        final: Callable[[], RunResult] | None = None,
    ) -> None:
        self._environment = environment
        self._live = live
        self._final = final
        self._started = False
        self._kept: RunResult | None = None
        environment.events.test_start.add_listener(self._on_test_start)

    def rows(self) -> list[dict[str, str]]:
        """The tab's rows now: the final result's once the test has stopped, else the run so far's."""
        final = self._final_result() if self._stopped() else None
        if final is not None:
            return dialer_view_rows(final, final=True)
        return dialer_view_rows(self._live())

    def _on_test_start(self, **_: Any) -> None:
        self._started = True
        self._kept = None

    def _stopped(self) -> bool:
        runner = self._environment.runner
        return self._started and runner is not None and runner.state == STATE_STOPPED

    def _final_result(self) -> RunResult | None:
        if self._kept is None and self._final is not None:
            try:
                self._kept = self._final()
            except Exception:  # the tab falls back to the live figures; the run's own reports still run
                logger.exception("botagent: the Dialer tab could not build the final result")
        return self._kept


def install_dialer_tab(
    environment: Environment,
    view: Callable[[], RunResult],
    final: Callable[[], RunResult] | None = None,
) -> DialerTab | None:
    """Add the Dialer tab to this process's web UI, if it has one.

    Args:
        environment: the Locust environment, after its web UI was created.
        view: builds the run's result as it stands now.
        final: builds the final result, shown once the test has stopped (see `DialerTab`).

    Returns:
        The tab, or None when this process has no web UI (headless, or a worker).
    """
    web_ui = environment.web_ui
    if web_ui is None or web_ui.app is None:
        return None
    tab = DialerTab(environment, view, final)
    columns = [{"key": key, "title": title} for key, title in DIALER_VIEW_COLUMNS]
    web_ui.template_args["extended_tabs"] = [{"title": "Dialer", "key": DIALER_TAB_KEY}]
    web_ui.template_args["extended_tables"] = [{"key": DIALER_TAB_KEY, "structure": columns}]

    @web_ui.app.after_request
    def add_dialer_rows(response: Response) -> Response:
        if not request.path.endswith("/stats/requests") or not response.is_json:  # after --web-base-path
            return response
        body = response.get_json()
        body["extended_stats"] = [{"key": DIALER_TAB_KEY, "data": tab.rows()}]
        response.set_data(json.dumps(body))
        return response

    return tab
