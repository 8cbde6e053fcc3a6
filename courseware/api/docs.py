"""The API's schema and its two readers, Swagger UI and Redoc, served from this site.

Both readers come from drf-spectacular-sidecar's static files; their pages (templates/
drf_spectacular/) hold no inline script. The two libraries add <style> elements and style
attributes as they render, so their pages alone allow inline styles (the style-src is
replaced, not extended: beside a nonce, browsers ignore 'unsafe-inline'); Redoc's search runs
in a worker made from a blob: URL. Every other page keeps the site's strict policy.
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

_INLINE_STYLES = {"style-src": [SELF, UNSAFE_INLINE]}

schema_view = SpectacularAPIView.as_view()
swagger_view = csp_replace(_INLINE_STYLES)(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)
redoc_view = csp_replace({**_INLINE_STYLES, "worker-src": [SELF, "blob:"]})(
    SpectacularRedocView.as_view(url_name="api-schema")
)
