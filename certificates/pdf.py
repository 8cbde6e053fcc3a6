"""A certificate as a PDF (WeasyPrint), from the same facts the HTML page shows.

The document is made from our own template only; WeasyPrint's URL fetcher is replaced by one
that refuses everything, so no name or title can make the server fetch a file or a URL.

WeasyPrint loads the Pango system libraries when it is imported (`make setup` installs them).
It is imported on the first PDF, not with the app, so a host without Pango still serves every
page and answers a PDF request with a clear 503 instead of failing to start.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext, gettext_noop

from certificates.models import Certificate
from courseware.errors import ApplicationError

PDF_UNAVAILABLE = gettext_noop(
    "PDF certificates are not available on this server; the verification page is."
)


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"certificate PDFs load nothing: {url!r}")


def _load_weasyprint() -> ModuleType:
    return importlib.import_module("weasyprint")


def certificate_pdf(*, certificate: Certificate, verification_url: str) -> bytes:
    try:
        weasyprint = _load_weasyprint()
    except OSError as missing:  # Pango or one of its libraries is not installed
        raise ApplicationError(gettext(PDF_UNAVAILABLE), status_code=503) from missing
    html = render_to_string(
        "certificates/certificate_pdf.html",
        {"certificate": certificate, "verification_url": verification_url},
    )
    document: bytes = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return document
