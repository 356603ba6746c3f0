"""Print the profile JSON schema: ``python -m botagent.profile > profiles/profile.schema.json``."""

import sys

from botagent.profile import render_schema

if __name__ == "__main__":
    sys.stdout.write(render_schema())
