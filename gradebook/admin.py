"""Admin pages of the gradebook: overrides are listed read-only (they are history)."""

from django.contrib import admin

from gradebook.models import CourseWeights, GradeOverride, ModuleWeight


@admin.register(CourseWeights)
class CourseWeightsAdmin(admin.ModelAdmin):
    list_display = ["course", "lessons", "quizzes", "exercises", "updated_at"]


@admin.register(ModuleWeight)
class ModuleWeightAdmin(admin.ModelAdmin):
    list_display = ["module", "weight"]


@admin.register(GradeOverride)
class GradeOverrideAdmin(admin.ModelAdmin):
    list_display = [
        "course",
        "user",
        "item_key",
        "score",
        "original_score",
        "created_by",
        "created_at",
    ]
    list_filter = ["course"]
    search_fields = ["user__username", "item_key", "reason"]
    readonly_fields = [f.name for f in GradeOverride._meta.fields]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
