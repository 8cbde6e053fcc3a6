"""Admin pages: register an LMS (platform and its deployments), see launches' links, identities
and the grades sent back. Signing keys are shown, never their private half."""

from django.contrib import admin
from django.db.models import URLField

from lti import models


class DeploymentInline(admin.TabularInline):
    model = models.Deployment
    extra = 1


@admin.register(models.Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "issuer", "client_id", "is_active"]
    search_fields = ["name", "issuer", "client_id"]
    inlines = [DeploymentInline]
    # An LMS's endpoints are HTTPS: an address typed without a scheme is taken as https.
    formfield_overrides = {URLField: {"assume_scheme": "https"}}


@admin.register(models.ToolKey)
class ToolKeyAdmin(admin.ModelAdmin):
    list_display = ["kid", "created_at", "retire_at"]
    fields = ["kid", "public_pem", "created_at", "retire_at"]
    readonly_fields = ["kid", "public_pem", "created_at"]

    def has_add_permission(self, request: object) -> bool:
        return False  # keys are made by `manage.py lti_keys rotate`


@admin.register(models.Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ["sub", "platform", "user", "last_launch_at"]
    search_fields = ["sub", "user__username"]
    raw_id_fields = ["user"]


@admin.register(models.Context)
class ContextAdmin(admin.ModelAdmin):
    list_display = ["context_id", "title", "platform", "course", "roster_synced_at"]
    formfield_overrides = {URLField: {"assume_scheme": "https"}}


@admin.register(models.ResourceLink)
class ResourceLinkAdmin(admin.ModelAdmin):
    list_display = ["resource_link_id", "title", "target", "platform", "lineitem_url"]
    search_fields = ["resource_link_id", "title", "target"]
    formfield_overrides = {URLField: {"assume_scheme": "https"}}


@admin.register(models.GradeSync)
class GradeSyncAdmin(admin.ModelAdmin):
    list_display = ["identity", "link", "score_given", "score_maximum", "status", "sent_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in models.GradeSync._meta.fields]
