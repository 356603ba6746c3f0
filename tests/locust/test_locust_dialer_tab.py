"""The Dialer tab of Locust's web UI, as a user sees it in a browser.

A distributed Locust run (a master and two workers, ``--processes 2``) of ``locustfiles/dialer.py``
against the embedded mock, with the web UI on loopback, ``--autostart`` and ``--autoquit``: headless
Chromium opens the UI while the run goes on, clicks the DIALER tab and reads its table; once the test
has stopped, the tab must show the final figures, and they must be the ones ``summary.json`` keeps.

The browser test needs Chromium and its ChromeDriver at `CHROMIUM` and `CHROMEDRIVER`, and selenium.
Without them it is skipped, saying which is missing, unless ``BOTAGENT_REQUIRE_BROWSER=1`` (CI sets it
and installs the browser), when it fails instead. Selenium is pointed at both binaries, so it never
looks for or downloads a browser or driver of its own.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from locust_rig import DIALER_LOCUSTFILE, POWER, PREDICTIVE, PREVIEW, REPO, run_in_locust_process

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
REQUIRE_BROWSER = "BOTAGENT_REQUIRE_BROWSER"

RUN_TIME = 20
"""Seconds the test runs; the browser reads the live tab during them."""
AUTOQUIT = 30
"""Seconds the web UI stays up after the test stopped, for the browser to read the final figures."""
AGENTS = 4

FAST = {"dial_delay": 0.05, "ring_delay": 0.1, "preview_timeout": 30}
SCENARIO = {
    "campaigns": [
        {"name": PREDICTIVE, "mode": "predictive", **FAST},
        {"name": POWER, "mode": "power", **FAST},
        {"name": PREVIEW, "mode": "preview", **FAST},
    ]
}
PROFILE = {
    "name": "dialer-tab",
    "target": "mock",
    "mock_scenario": "scenario.yaml",
    "identities": {
        "source": "pattern",
        "pattern": "agent{n:04d}",
        "first": 1,
        "last": 20,
        "password": "botagent",
    },
    "messaging": {"mode": "sse"},
    "behaviour": {
        "talk_time": {"kind": "uniform", "low": 0.3, "high": 0.8},
        "wrap_up_time": 0.2,
        "preview_think_time": 0.2,
        "reschedule": {"probability": 0.2, "offset": 5, "agent": "self"},
        "breaks": {"every_calls": 3, "probability": 0, "length": 0.5},
        "logoff": {"after_calls": 5},
    },
    "timeouts": {"request": 5, "pop": 20, "break_grant": 15, "logoff_grant": 15},
    "thresholds": {"error_ratio": 0, "rule_violations": 0, "ledger_reconciles": True},
}

Rows = list[list[str]]
READ_DIALER_TABLE = """
const tables = Array.from(document.querySelectorAll('table')).filter(table => {
  const head = table.tHead ? table.tHead.innerText : '';
  return head.includes('Section') && head.includes('Detail');
});
if (tables.length !== 1) return null;
const cells = row => Array.from(row.cells).map(cell => cell.innerText.trim());
return Array.from(tables[0].tBodies[0].rows).map(cells);
"""


def missing_browser() -> str | None:
    """Why the browser test cannot run here, or None when it can."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is missing"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser_ready() -> None:
    """Skip (or fail, with BOTAGENT_REQUIRE_BROWSER=1) when Chromium, ChromeDriver or selenium is missing."""
    reason = missing_browser()
    if reason is None:
        return
    if os.environ.get(REQUIRE_BROWSER) == "1":
        pytest.fail(f"{REQUIRE_BROWSER}=1 but the browser test cannot run: {reason}")
    pytest.skip(f"no browser for the Dialer tab test: {reason}; set {REQUIRE_BROWSER}=1 to make this fail")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class UiRun:
    """A Locust run with its web UI on loopback, started in a child process."""

    process: subprocess.Popen[bytes]
    url: str
    reports: Path
    out: Path

    def state(self) -> str | None:
        """The runner's state as the web UI reports it, or None while the UI does not answer."""
        try:
            return str(httpx.get(f"{self.url}stats/requests", timeout=5).json()["state"])
        except (httpx.HTTPError, ValueError, KeyError):
            return None

    def describe(self) -> str:
        """The end of Locust's output, for assertion messages."""
        stdout = (self.out / "stdout.txt").read_text()[-3000:]
        stderr = (self.out / "stderr.txt").read_text()[-3000:]
        return f"exit code {self.process.returncode}\nstdout:\n{stdout}\nstderr:\n{stderr}"


@pytest.fixture(scope="module")
def ui_run(browser_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiRun]:
    out = tmp_path_factory.mktemp("dialer_tab")
    (out / "scenario.yaml").write_text(yaml.safe_dump(SCENARIO))
    (out / "profile.yaml").write_text(yaml.safe_dump(PROFILE, sort_keys=False))
    web, master = free_port(), free_port()
    command = [
        sys.executable, "-m", "locust", "-f", str(DIALER_LOCUSTFILE),
        "--profile", str(out / "profile.yaml"), "--reports", str(out / "reports"),
        "--processes", "2",
        "--master-bind-host", "127.0.0.1", "--master-bind-port", str(master),
        "--master-host", "127.0.0.1", "--master-port", str(master),
        "--web-host", "127.0.0.1", "--web-port", str(web),
        "--autostart", "-u", str(AGENTS), "-r", str(AGENTS), "--run-time", f"{RUN_TIME}s",
        "--autoquit", str(AUTOQUIT),
    ]  # fmt: skip
    with (out / "stdout.txt").open("w") as stdout, (out / "stderr.txt").open("w") as stderr:
        process = subprocess.Popen(command, cwd=REPO, stdout=stdout, stderr=stderr)
    run = UiRun(process, f"http://127.0.0.1:{web}/", out / "reports", out)
    try:
        yield run
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=60)


@pytest.fixture(scope="module")
def chromium(browser_ready: None) -> Iterator[Any]:
    """Headless Chromium under this machine's ChromeDriver; nothing is downloaded, nothing leaves loopback."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(flag)
    for flag in ("--disable-background-networking", "--disable-component-update", "--no-first-run"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(check: Callable[[], Any], timeout: float, what: str, interval: float = 0.5) -> Any:
    """``check()``'s first truthy answer, polled until ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = check()
        if answer:
            return answer
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def open_dialer_tab(driver: Any, url: str) -> None:
    """Load the web UI and click its DIALER tab."""
    from selenium.webdriver.common.by import By

    driver.get(url)

    def dialer_tab() -> Any:
        tabs = driver.find_elements(By.CSS_SELECTOR, '[role="tab"]')
        return next((tab for tab in tabs if tab.text.strip().upper() == "DIALER"), None)

    wait_for(dialer_tab, 30, "the DIALER tab").click()


def dialer_rows(driver: Any) -> Rows | None:
    """The Dialer table's rows as [section, item, value, detail] (None before the table shows)."""
    rows = driver.execute_script(READ_DIALER_TABLE)
    return [list(row) for row in rows] if rows else None


def value(rows: Rows, section: str, item: str) -> str:
    """The value of the first row of ``section`` named ``item``."""
    found = [row[2] for row in rows if row[:2] == [section, item]]
    assert found, f"no row {section} / {item} in {rows}"
    return found[0]


@dataclass
class TabReadings:
    """What the browser read in the Dialer tab: during the run, and once the test had stopped."""

    live: Rows
    final: Rows
    summary: dict[str, Any]
    run: UiRun


@pytest.fixture(scope="module")
def readings(ui_run: UiRun, chromium: Any) -> TabReadings:
    wait_for(ui_run.state, 60, "the web UI to answer")
    open_dialer_tab(chromium, ui_run.url)

    def live_with_agents() -> Rows | None:
        rows = dialer_rows(chromium)
        return (
            rows
            if rows and value(rows, "Run", "figures") == "so far" and value(rows, "Agents", "total") != "0"
            else None
        )

    live = wait_for(live_with_agents, RUN_TIME, "the live Dialer tab with agents")

    def final_rows() -> Rows | None:
        rows = dialer_rows(chromium)
        return rows if rows and value(rows, "Run", "figures") == "final" else None

    final = wait_for(final_rows, RUN_TIME + 60, "the final figures in the Dialer tab")
    ui_run.process.wait(timeout=AUTOQUIT + 120)
    summary_path = ui_run.reports / "summary.json"
    assert summary_path.exists(), ui_run.describe()
    return TabReadings(live, final, json.loads(summary_path.read_text()), ui_run)


def test_dialer_tab_when_the_run_goes_on_shows_agents_calls_and_a_pending_ledger(
    readings: TabReadings,
) -> None:
    live = readings.live
    sections = {row[0] for row in live}
    assert {"Run", "Agents", "Calls", "Rule violations", "Step errors", "Ledger"} <= sections, live
    assert int(value(live, "Agents", "total")) > 0
    assert value(live, "Ledger", "verdict") == "pending"
    assert "Thresholds" not in sections


def test_dialer_tab_when_the_test_stopped_shows_the_figures_summary_json_keeps(readings: TabReadings) -> None:
    final, summary = readings.final, readings.summary
    assert readings.run.process.returncode == 0, readings.run.describe()
    assert summary["calls"]["popped"] > 0
    assert value(final, "Agents", "peak") == str(summary["users"])
    assert value(final, "Agents", "took part") == str(summary["calls"]["agents"])
    assert value(final, "Calls", "popped") == str(summary["calls"]["popped"])
    assert value(final, "Calls", "dispositioned") == str(summary["calls"]["dispositioned"])
    assert value(final, "Calls", "rescheduled") == str(summary["calls"]["rescheduled"])
    kpis = {row[1]: row[2] for row in final if row[0] == "Dialer KPI"}
    assert kpis == {kpi["name"]: f"{kpi['count']} samples" for kpi in summary["kpis"]}
    assert value(final, "Rule violations", "total") == str(summary["rule_violations_total"])
    assert value(final, "Step errors", "total") == str(summary["step_errors_total"])


def test_dialer_tab_when_the_test_stopped_shows_the_ledger_and_threshold_verdicts(
    readings: TabReadings,
) -> None:
    final, summary = readings.final, readings.summary
    reconciles = summary["reconciliation"]["reconciles"]
    assert value(final, "Ledger", "verdict") == ("reconciles" if reconciles else "does not reconcile")
    failed = sum(not t["passed"] for t in summary["thresholds"])
    assert (
        value(final, "Thresholds", "verdict")
        == f"{len(summary['thresholds']) - failed} passed, {failed} failed"
    )


TAB_IN_A_LOCUST_PROCESS = """
from locust.env import Environment
from locust.runners import STATE_RUNNING, STATE_STOPPED
from botagent.locust._dialer_tab import install_dialer_tab
from botagent.report import Reconciliation, RunResult

def result(**more):
    return RunResult(profile_name="p", target="t", started_at=0.0, duration=30.0, users=1, **more)

finals = []
def final():
    finals.append(1)
    return result(reconciliation=Reconciliation(ledger_popped=1, ledger_dispositioned=1, bot_dispositioned=1))

environment = Environment()
runner = environment.create_local_runner()
environment.create_web_ui("127.0.0.1", 0)
install_dialer_tab(environment, lambda: result(ledger_expected=True), final)
client = environment.web_ui.app.test_client()

def ledger():
    rows = client.get("/stats/requests").get_json()["extended_stats"][0]["data"]
    return [(row["value"], row["detail"]) for row in rows if row["section"] in ("Run", "Ledger")]

runner.state = STATE_STOPPED
print("before any test", ledger())
environment.events.test_start.fire(environment=environment)
runner.state = STATE_RUNNING
print("running", ledger())
runner.state = STATE_STOPPED
print("stopped", ledger(), ledger() == ledger(), len(finals))
environment.events.test_start.fire(environment=environment)
runner.state = STATE_RUNNING
print("again", ledger())
"""


def test_dialer_tab_when_the_runner_stops_switches_to_the_final_result_once_until_the_next_test() -> None:
    lines = run_in_locust_process(TAB_IN_A_LOCUST_PROCESS).stdout.splitlines()
    pending = "[('so far', '30 s since the run started'), ('pending', 'checked when the run ends')]"
    assert lines[0] == f"before any test {pending}"
    assert lines[1] == f"running {pending}"
    final = (
        "[('final', 'the test has stopped after 30 s'), ('reconciles', '0 lost, 0 duplicated, 0 mismatched')]"
    )
    assert lines[2] == f"stopped {final} True 1"
    assert lines[3] == f"again {pending}"
