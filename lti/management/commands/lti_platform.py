"""`manage.py lti_platform`: register an LMS (or update its registration) from the values the
LMS shows when Academy is added to it as an LTI 1.3 tool."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lti.services.platforms import platform_register


class Command(BaseCommand):
    help = "Register an LTI 1.3 platform: issuer, client id, deployment ids and its endpoints."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--issuer", required=True)
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--deployment-id", action="append", default=[], dest="deployments")
        parser.add_argument("--auth-login-url", required=True)
        parser.add_argument("--auth-token-url", required=True)
        parser.add_argument("--key-set-url", required=True)
        parser.add_argument("--auth-audience", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            platform, created = platform_register(
                name=options["name"],
                issuer=options["issuer"],
                client_id=options["client_id"],
                deployment_ids=options["deployments"],
                auth_login_url=options["auth_login_url"],
                auth_token_url=options["auth_token_url"],
                key_set_url=options["key_set_url"],
                auth_audience=options["auth_audience"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        verb = "Registered" if created else "Updated"
        deployments = ", ".join(platform.deployments.values_list("deployment_id", flat=True))
        self.stdout.write(f"{verb} {platform} with deployments: {deployments or '(none)'}")
