"""Print the profile JSON schema: ``python -m botagent.profile > profiles/profile.schema.json``."""

from __future__ import annotations

import json
import sys

from ._load import profile_json_schema

__all__ = ["render_schema"]


def render_schema() -> str:
    """The profile JSON schema as the text checked in at ``profiles/profile.schema.json``."""
    return json.dumps(profile_json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_schema())
