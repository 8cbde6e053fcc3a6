"""Request parsers of the REST API.

DRF's JSON parser turns malformed JSON into a 400 but lets Python's RecursionError through,
so a body of 100,000 opening brackets was a 500. This one answers it like any other parse
error.
"""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; nesting too deep for Python's parser is a parse error too."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply") from None
