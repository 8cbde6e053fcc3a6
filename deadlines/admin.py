"""Admin of due dates, extensions and course policies (for the site's operators)."""

from django.contrib import admin

from deadlines.models import CoursePolicy, DueDate, Extension


@admin.register(CoursePolicy)
class CoursePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "course",
        "late",
        "penalty_percent_per_day",
        "penalty_cap_percent",
        "answer_reveal",
    ]


@admin.register(DueDate)
class DueDateAdmin(admin.ModelAdmin):
    list_display = ["course", "module", "quiz", "exercise", "cohort", "due_at", "set_by"]
    list_filter = ["course"]
    raw_id_fields = ["module", "quiz", "exercise", "cohort", "set_by"]


@admin.register(Extension)
class ExtensionAdmin(admin.ModelAdmin):
    list_display = [
        "course",
        "user",
        "module",
        "quiz",
        "exercise",
        "due_at",
        "granted_by",
        "granted_at",
    ]
    list_filter = ["course"]
    search_fields = ["user__username", "reason"]
    raw_id_fields = ["user", "module", "quiz", "exercise", "granted_by"]
