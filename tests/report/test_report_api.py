"""write_reports: every report lands in one folder."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from botagent.report import RunResult, write_reports


def test_write_reports_when_run_is_busy_writes_every_file(phased_result: RunResult, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    paths = write_reports(phased_result, folder, "locust.html")
    assert set(paths) == {"summary", "junit", "state_chart", "throughput_chart", "latency_chart", "html"}
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in paths.values())
    assert json.loads(paths["summary"].read_text())["exit_code"] == 1
    assert ET.parse(paths["junit"]).getroot().get("failures") == "6"
    page = paths["html"].read_text()
    assert page.count("data:image/png;base64,") == 3 and 'href="locust.html"' in page


def test_write_reports_when_run_is_empty_writes_every_file(empty_result: RunResult, tmp_path: Path) -> None:
    paths = write_reports(empty_result, tmp_path)
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths.values())
