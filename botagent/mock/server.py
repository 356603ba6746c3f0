"""botagent.mock.server: the mock's HTTP side: the ASGI app, the server in a thread, and serve().

Importing it loads Starlette and uvicorn; the Dialer engine beneath it is `botagent.mock`.
"""

from botagent.mock._app import create_app
from botagent.mock._openapi import openapi_document
from botagent.mock._runtime import TIMINGS_KEPT, MockRuntime
from botagent.mock._server import MockServer, serve

__all__ = ["MockRuntime", "MockServer", "TIMINGS_KEPT", "create_app", "openapi_document", "serve"]
