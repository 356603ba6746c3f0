"""Write every report of a run into one folder."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from botagent.report._charts import write_latency_chart, write_state_chart, write_throughput_chart
from botagent.report._html import write_html_report
from botagent.report._junit import write_junit_xml
from botagent.report._result import RunResult
from botagent.report._summary import write_summary_json

__all__ = ["default_reports_folder", "write_reports"]


def write_reports(
    result: RunResult,
    folder: Path,
    locust_html_name: str | None = None,
) -> dict[str, Path]:
    """Write ``summary.json``, ``junit.xml``, the three charts and ``report.html`` into ``folder``.

    Args:
        result: the finished run, with its thresholds evaluated.
        folder: the report folder, created if missing; existing files of the same names are replaced.
        locust_html_name: file name of Locust's own HTML report, linked from ``report.html``.

    Returns:
        The written files by kind: ``summary``, ``junit``, ``state_chart``, ``throughput_chart``,
        ``latency_chart``, ``html``.
    """
    paths = {
        "summary": write_summary_json(result, folder),
        "junit": write_junit_xml(result, folder),
        "state_chart": write_state_chart(result, folder),
        "throughput_chart": write_throughput_chart(result, folder),
        "latency_chart": write_latency_chart(result, folder),
    }
    charts = [paths["state_chart"], paths["throughput_chart"], paths["latency_chart"]]
    paths["html"] = write_html_report(result, folder, charts, locust_html_name)
    return paths


def default_reports_folder(profile_name: str) -> Path:
    """Where a run's reports go unless told otherwise: ``reports/<timestamp>-<profile>``."""
    return Path("reports") / f"{datetime.now():%Y%m%d-%H%M%S}-{profile_name}"
