"""How the API describes itself in its OpenAPI schema (drf-spectacular).

Every operation lists the problem details responses it can answer (400, 401, 403, 404 and
those an operation names itself), in the problem+json media type, so schema checks (the
committed schema's test, schemathesis) hold the errors to their shape as well.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from courseware.api.errors import PROBLEM_MEDIA_TYPE, ProblemSerializer

# What any operation may answer: bad input, no or a bad token, a refused role, an unknown id.
COMMON_PROBLEMS = ("400", "401", "403", "404")


class ProblemAutoSchema(AutoSchema):
    # Statuses an operation answers as problems besides the common ones, e.g. ("409", "429").
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        extra = getattr(self.view, "problem_statuses", ())
        for code in (*COMMON_PROBLEMS, *extra):
            if code in responses:
                continue
            responses[code] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                ProblemSerializer, code, media_types=[PROBLEM_MEDIA_TYPE], direction=direction
            )
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The personal API token as an HTTP bearer scheme."""

    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, made on the account page (/accounts/).",
        }
