"""Admin pages: content is edited in the course files, so most of it is read-only here."""

from django.contrib import admin

from courseware import models


@admin.register(models.Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "updated_at"]
    search_fields = ["slug", "title"]


@admin.register(models.Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "course", "order", "is_active"]
    list_filter = ["course", "is_active"]


@admin.register(models.Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "module", "order", "reading_minutes", "is_active"]
    list_filter = ["course", "module", "is_active"]
    search_fields = ["slug", "title"]
    readonly_fields = ["html", "toc", "text", "content_hash", "source_path"]


@admin.register(models.Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "module", "questions_per_attempt", "max_attempts", "keep", "is_active"]


@admin.register(models.Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["slug", "type", "quiz", "order", "is_active"]
    list_filter = ["type", "quiz", "is_active"]
    search_fields = ["slug"]


class QuestionResponseInline(admin.TabularInline):
    model = models.QuestionResponse
    extra = 0
    readonly_fields = ["question", "answer", "score", "is_correct"]
    can_delete = False


@admin.register(models.QuizAttempt)
class QuizAttemptAdmin(admin.ModelAdmin):
    list_display = ["quiz", "user", "number", "status", "score", "submitted_at"]
    list_filter = ["status", "quiz"]
    search_fields = ["user__username"]
    readonly_fields = ["seed", "question_ids", "option_order", "answers", "results"]
    inlines = [QuestionResponseInline]


@admin.register(models.Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "role", "cohort", "status", "created_at"]
    list_filter = ["course", "role", "status"]
    search_fields = ["user__username", "user__email"]


@admin.register(models.Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "course", "created_at"]
    list_filter = ["course"]


@admin.register(models.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "course", "role", "cohort", "created_at", "accepted_at"]
    list_filter = ["course"]
    search_fields = ["email"]
    # The token is a credential: it enrols whoever holds it.
    exclude = ["token"]


@admin.register(models.LessonRead)
class LessonReadAdmin(admin.ModelAdmin):
    list_display = ["user", "lesson", "read_at"]


@admin.register(models.ExerciseProgress)
class ExerciseProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "module", "exercise_key", "best_points", "max_points", "updated_at"]
