"""`botagent run` with no profile runs the smoke profile shipped inside the package, from any folder."""

from __future__ import annotations

from pathlib import Path

from cli_rig import run_botagent

from botagent.profile import default_profile_path


def test_run_when_started_outside_the_repository_reads_the_packaged_profile(tmp_path: Path) -> None:
    result = run_botagent("run", "-t", "0s", cwd=tmp_path, timeout=60)

    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{default_profile_path()}: load.run_time: " in result.stderr
    assert "cannot read the profile" not in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == [], "nothing is written before the run starts"


def test_run_help_when_asked_says_the_default_is_the_packaged_smoke_profile() -> None:
    result = run_botagent("run", "--help")

    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "(default: the smoke profile shipped with botagent, a copy of profiles/smoke.yaml:" in text
