"""Settings for the test suite and the type checker: the production settings, with a secret key
drawn for this run and plain-http cookies (the test servers listen on the loopback over http).

Both values go into the environment before the settings are read, so the Celery workers and
servers that tests start as subprocesses read the same ones. The production settings themselves
stay strict: nothing here weakens what a server started without this module gets.
"""

import os
import secrets

os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(64))
os.environ.setdefault("DJANGO_HTTPS", "false")

from config.settings import *  # noqa: E402,F403
