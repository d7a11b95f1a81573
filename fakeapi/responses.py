"""The JSON answer every part of the fake sends."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Response


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data), status, headers, content_type="application/json")
