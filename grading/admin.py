"""Admin views over exercises, submissions and gradings (read-mostly)."""

from django.contrib import admin
from django.http import HttpRequest

from grading.models import Exercise, GradingRun, PracticeRun, Submission


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "module", "device", "max_points", "is_active"]
    list_filter = ["device", "is_active"]
    exclude = ["source_notebook", "cells"]


class GradingRunInline(admin.TabularInline):
    model = GradingRun
    extra = 0
    readonly_fields = [
        "number",
        "reason",
        "status",
        "seed",
        "points",
        "max_points",
        "queued_at",
        "finished_at",
        "requeues",
        "deliveries",
        "status_message",
        "failure_detail",
    ]
    fields = list(readonly_fields)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["pk", "exercise", "user", "kind", "created_at"]
    readonly_fields = ["exercise", "user", "kind", "payload", "answers", "edited_locked_cells"]
    inlines = [GradingRunInline]


@admin.register(GradingRun)
class GradingRunAdmin(admin.ModelAdmin):
    """Every run, failed ones first to find: status, seed and the reason a run failed."""

    list_display = ["pk", "submission", "number", "status", "seed", "queue", "queued_at"]
    list_filter = ["status", "queue"]
    readonly_fields = [field.name for field in GradingRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PracticeRun)
class PracticeRunAdmin(admin.ModelAdmin):
    """Runs of the visible tests: read only, for finding out why one failed."""

    list_display = ["pk", "exercise", "user", "status", "points", "max_points", "queued_at"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in PracticeRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
