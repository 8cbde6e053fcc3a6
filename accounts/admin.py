"""The profile in the admin, read-mostly."""

from django.contrib import admin

from accounts.models import ApiToken, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "email_verified", "time_zone", "language", "updated_at")
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Operators see and revoke tokens; the secret is not stored, so it cannot be shown."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    search_fields = ("user__username", "name", "prefix")
    raw_id_fields = ("user",)
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
