"""Admin of certificates: listed and searched, never edited (revoke on the course's page)."""

from django.contrib import admin

from certificates.models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["learner_name", "course", "issued_at", "revoked_at"]
    list_filter = ["course"]
    search_fields = ["learner_name", "user__username"]
    readonly_fields = [field.name for field in Certificate._meta.fields]
