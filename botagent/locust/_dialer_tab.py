"""A Dialer tab in Locust's web UI, through Locust's documented extension points.

The tab is one of Locust's "extended tabs": its table's columns go into the web UI's template
arguments, and its rows ride along in every ``/stats/requests`` answer the page polls, under
``extended_stats``. The rows come from the same `RunResult` the reports are written from, built on the
master (or the only process) from what every worker reported.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Response, request
from locust.env import Environment

from botagent.report import DIALER_VIEW_COLUMNS, RunResult, dialer_view_rows

__all__ = ["DIALER_TAB_KEY", "install_dialer_tab"]

DIALER_TAB_KEY = "dialer"


def install_dialer_tab(environment: Environment, view: Callable[[], RunResult]) -> None:
    """Add the Dialer tab to this process's web UI, if it has one.

    Args:
        environment: the Locust environment, after its web UI was created.
        view: builds the run's result as it stands now.
    """
    web_ui = environment.web_ui
    if web_ui is None or web_ui.app is None:
        return
    columns = [{"key": key, "title": title} for key, title in DIALER_VIEW_COLUMNS]
    web_ui.template_args["extended_tabs"] = [{"title": "Dialer", "key": DIALER_TAB_KEY}]
    web_ui.template_args["extended_tables"] = [{"key": DIALER_TAB_KEY, "structure": columns}]

    @web_ui.app.after_request
    def add_dialer_rows(response: Response) -> Response:
        if request.path != "/stats/requests" or not response.is_json:
            return response
        body = response.get_json()
        body["extended_stats"] = [{"key": DIALER_TAB_KEY, "data": dialer_view_rows(view())}]
        response.set_data(json.dumps(body))
        return response
