"""Admin views over exercises, submissions and gradings (read-mostly)."""

from django.contrib import admin

from grading.models import Exercise, GradingRun, Submission


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "module", "device", "max_points", "is_active"]
    list_filter = ["device", "is_active"]
    exclude = ["source_notebook"]


class GradingRunInline(admin.TabularInline):
    model = GradingRun
    extra = 0
    readonly_fields = [
        "number",
        "reason",
        "status",
        "points",
        "max_points",
        "queued_at",
        "finished_at",
        "status_message",
    ]
    fields = list(readonly_fields)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["pk", "exercise", "user", "kind", "created_at"]
    readonly_fields = ["exercise", "user", "kind", "payload", "answers", "edited_locked_cells"]
    inlines = [GradingRunInline]
