"""What the OpenAPI schema says of the API's own authentication (drf-spectacular finds
this extension by the class it names once the module is imported: api.apps)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "ct_…",
            "description": (
                "A personal token, created on your settings page: "
                "Authorization: Bearer ct_… . A revoked or unknown token answers 401."
            ),
        }
