"""The default profile, shipped inside the package so `botagent run` works from any folder."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["default_profile_path", "packaged_profile_path"]


def default_profile_path() -> Path:
    """The path of the smoke profile shipped with botagent (``botagent/profiles/smoke.yaml``).

    It is the same file as ``profiles/smoke.yaml`` in the repository: five agents for 40 seconds
    against the embedded mock, with every lifecycle step.

    Raises:
        RuntimeError: botagent was imported from an archive rather than from files on disk.
    """
    return packaged_profile_path("smoke.yaml")


def packaged_profile_path(name: str) -> Path:
    """The path of profile ``name`` shipped in ``botagent/profiles/`` (``campaign-smoke.yaml`` for
    `botagent smoke`).

    Raises:
        RuntimeError: botagent was imported from an archive rather than from files on disk.
    """
    resource = files("botagent") / "profiles" / name
    if not isinstance(resource, Path):
        raise RuntimeError(f"botagent's packaged profile is not a file on disk: {resource}")
    return resource
