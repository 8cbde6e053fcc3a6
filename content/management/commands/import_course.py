"""`python manage.py import_course PATH [--force] [--dry-run]`: load a course folder."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from content.importer import ImportFailed, course_import


class Command(BaseCommand):
    help = (
        "Check a course folder (content/AUTHORING.md), then import it in one transaction. "
        "Nothing is written if any file has an error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the course folder, e.g. content/gen-ai-guide")
        parser.add_argument(
            "--force",
            action="store_true",
            help="remove lessons, questions and quizzes that learners have history on "
            "(they are deactivated, their history is kept)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, then roll back"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]

        def progress(message: str) -> None:
            if verbosity >= 1:
                self.stdout.write(message)
                self.stdout.flush()

        try:
            report = course_import(
                path=options["path"],
                force=options["force"],
                dry_run=options["dry_run"],
                progress=progress,
            )
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(failure.errors)} problem(s) found; nothing was imported."
            ) from None
        prefix = "Dry run, rolled back. " if options["dry_run"] else ""
        lines = report.lines()
        if report.is_empty:
            self.stdout.write(self.style.SUCCESS(prefix + lines[0]))
            return
        if prefix:
            self.stdout.write(prefix.strip())
        for line in lines:
            self.stdout.write(self.style.SUCCESS(line))
