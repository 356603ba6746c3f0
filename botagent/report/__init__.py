"""botagent.report: threshold evaluation, exit codes and the reports of a run.

Input is a `RunResult` filled by the Locust glue (`reconcile` builds its ledger part).
`evaluate_thresholds` checks it against the profile's thresholds, `exit_code_for` turns it into the
process exit code (see `botagent.report._exit` for the codes), `format_summary` prints it, and
`write_reports` writes ``summary.json``, ``junit.xml``, three PNG charts on one time axis and
``report.html``.
"""

from botagent.report._charts import (
    LATENCY_CHART,
    STATE_BUCKETS,
    STATE_CHART,
    THROUGHPUT_CHART,
    write_latency_chart,
    write_state_chart,
    write_throughput_chart,
)
from botagent.report._dialer_view import DIALER_VIEW_COLUMNS, dialer_view_rows
from botagent.report._exit import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_RUN_ERROR,
    EXIT_THRESHOLDS,
    THRESHOLD_ABORT_PREFIX,
    exit_code_for,
    threshold_abort_reason,
)
from botagent.report._harness import GC_PAUSE_WARN_MS, TIMER_LAG_WARN_MS, HarnessHealth
from botagent.report._html import write_html_report
from botagent.report._junit import junit_element, write_junit_xml
from botagent.report._latency import LatencyHistogram
from botagent.report._reconcile import reconcile, reconcile_acd, was_dispositioned
from botagent.report._result import (
    PHASES,
    AgentMoment,
    CallTotals,
    CampaignStats,
    EndpointStats,
    PhaseStats,
    Reconciliation,
    RuleViolationRecord,
    RunResult,
    StateSample,
    StepErrorRecord,
    SwitchoverOutcome,
    ThresholdResult,
    TimelinePoint,
)
from botagent.report._running import RunningReconciliation
from botagent.report._summary import SCHEMA_VERSION, SUMMARY_KEYS, summary_dict, write_summary_json
from botagent.report._switchover import distinct_switchovers, switchover_outcome
from botagent.report._text import format_summary
from botagent.report._thresholds import breached, evaluate_thresholds
from botagent.report._write import default_reports_folder, write_reports

__all__ = [
    "AgentMoment",
    "CallTotals",
    "CampaignStats",
    "DIALER_VIEW_COLUMNS",
    "EXIT_BAD_INPUT",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_RUN_ERROR",
    "EXIT_THRESHOLDS",
    "EndpointStats",
    "GC_PAUSE_WARN_MS",
    "HarnessHealth",
    "LATENCY_CHART",
    "LatencyHistogram",
    "PHASES",
    "PhaseStats",
    "Reconciliation",
    "RuleViolationRecord",
    "RunResult",
    "RunningReconciliation",
    "SCHEMA_VERSION",
    "STATE_BUCKETS",
    "STATE_CHART",
    "SUMMARY_KEYS",
    "StateSample",
    "StepErrorRecord",
    "SwitchoverOutcome",
    "THRESHOLD_ABORT_PREFIX",
    "THROUGHPUT_CHART",
    "TIMER_LAG_WARN_MS",
    "ThresholdResult",
    "TimelinePoint",
    "breached",
    "default_reports_folder",
    "dialer_view_rows",
    "distinct_switchovers",
    "evaluate_thresholds",
    "exit_code_for",
    "format_summary",
    "junit_element",
    "reconcile",
    "reconcile_acd",
    "summary_dict",
    "switchover_outcome",
    "threshold_abort_reason",
    "was_dispositioned",
    "write_html_report",
    "write_junit_xml",
    "write_latency_chart",
    "write_reports",
    "write_state_chart",
    "write_summary_json",
    "write_throughput_chart",
]
