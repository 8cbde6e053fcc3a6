"""Exercises store their cells sorted into setup, answer and test cells, so that grading reads
them instead of classifying the source notebook every time. Rows imported before this get them
here, from their stored source notebook: `classify` is plain Python over the notebook's JSON (no
sandbox, no nbgrader). It is imported rather than copied so that the stored cells are exactly what
the importer stores for the same notebook."""

from django.db import migrations, models

from grading.notebooks import classify, notebook_from_json
from grading.prepared import PreparedNotebook


def cells_fill(apps, schema_editor):
    Exercise = apps.get_model("grading", "Exercise")
    for exercise in Exercise.objects.all().iterator():
        cells = classify(notebook_from_json(exercise.source_notebook)).cells
        prepared = PreparedNotebook(cells=cells, stubs=dict(exercise.starter_code))
        Exercise.objects.filter(pk=exercise.pk).update(cells=prepared.stored_cells())


class Migration(migrations.Migration):
    dependencies = [("grading", "0004_exercise_data_files")]

    operations = [
        migrations.AddField("exercise", "cells", models.JSONField(default=list)),
        migrations.RunPython(cells_fill, migrations.RunPython.noop),
    ]
