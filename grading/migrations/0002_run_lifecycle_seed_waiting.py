"""Gradings get a seed, a count of watchdog requeues, an instructor-only failure detail, and the
waiting status of the fair queue."""

from typing import Any

from django.db import migrations, models

import grading.models


def seed_existing_runs(apps: Any, schema_editor: Any) -> None:
    """AddField gives every existing row the same drawn default: give each its own."""
    GradingRun = apps.get_model("grading", "GradingRun")
    for run in GradingRun.objects.only("pk").iterator():
        GradingRun.objects.filter(pk=run.pk).update(seed=grading.models.new_seed())


class Migration(migrations.Migration):
    dependencies = [
        ("grading", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="gradingrun",
            name="failure_detail",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="gradingrun",
            name="requeues",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="gradingrun",
            name="seed",
            field=models.PositiveIntegerField(default=grading.models.new_seed),
        ),
        migrations.RunPython(seed_existing_runs, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="gradingrun",
            name="status",
            field=models.CharField(
                choices=[
                    ("waiting", "Waiting for your earlier submissions"),
                    ("queued", "Queued"),
                    ("running", "Running"),
                    ("graded", "Graded"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=10,
            ),
        ),
        migrations.AddIndex(
            model_name="gradingrun",
            index=models.Index(fields=["status", "queue", "queued_at"], name="run_queue_place"),
        ),
    ]
