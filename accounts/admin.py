"""The profile in the admin, read-mostly."""

from django.contrib import admin

from accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "email_verified", "time_zone", "language", "updated_at")
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)
