"""`manage.py lti_keys rotate|prune|show`: Academy's LTI signing keys."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lti.keys import tool_jwks, tool_key_rotate, tool_keys_prune


class Command(BaseCommand):
    help = "Rotate (make a new signing key), prune (drop retired keys) or show the JWKS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rotate", "prune", "show"])

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "rotate":
            key = tool_key_rotate()
            self.stdout.write(f"New signing key {key.kid}; older keys retire in their time.")
        elif action == "prune":
            self.stdout.write(f"Deleted {tool_keys_prune()} retired key(s).")
        else:
            self.stdout.write(json.dumps(tool_jwks(), indent=2))
