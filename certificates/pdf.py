"""A certificate as a PDF (WeasyPrint), from the same facts the HTML page shows.

The document is made from our own template only; WeasyPrint's URL fetcher is replaced by one
that refuses everything, so no name or title can make the server fetch a file or a URL.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML

from certificates.models import Certificate


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"certificate PDFs load nothing: {url!r}")


def certificate_pdf(*, certificate: Certificate, verification_url: str) -> bytes:
    html = render_to_string(
        "certificates/certificate_pdf.html",
        {"certificate": certificate, "verification_url": verification_url},
    )
    document: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return document
