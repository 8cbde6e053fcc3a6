"""What Academy keeps about the LMSs it is registered with, the people and links they launch,
its own signing keys, the short-lived OIDC login state and the grades it sends back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy


class ToolKey(models.Model):
    """One RSA key pair Academy signs its LTI messages with. The newest one signs; an older one
    stays in the published JWKS until `retire_at`, when no token it signed can still be valid."""

    kid = models.CharField(max_length=100, unique=True)
    private_pem = models.TextField()
    public_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    retire_at = models.DateTimeField(null=True, blank=True)
    # The signing key; at most one, so two processes making the first key cannot both win.
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="lti_one_current_key"
            ),
        ]

    def __str__(self) -> str:
        return self.kid


class Platform(models.Model):
    """One registration of Academy in an LMS: an issuer and the client id it gave Academy."""

    name = models.CharField(max_length=200)
    issuer = models.URLField(max_length=500)
    client_id = models.CharField(max_length=300)
    auth_login_url = models.URLField(max_length=500, help_text="OIDC authorisation endpoint")
    auth_token_url = models.URLField(max_length=500, help_text="OAuth 2 token endpoint")
    key_set_url = models.URLField(max_length=500, help_text="The platform's JWKS URL")
    # Some LMSs (Moodle, Brightspace) want another audience than the token URL in assertions.
    auth_audience = models.CharField(max_length=500, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.issuer})"


class Deployment(models.Model):
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "deployment_id"], name="lti_deployment_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.deployment_id


class Identity(models.Model):
    """An LMS user (issuer, sub) and the Academy account they are; never matched by e-mail."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="identities")
    sub = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_launch_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "identities"
        constraints = [
            models.UniqueConstraint(fields=["platform", "sub"], name="lti_identity_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.sub} at {self.platform_id} -> {self.user_id}"


class Context(models.Model):
    """An LMS course (context) and the Academy course it launches into, with its roster URL."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="contexts")
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=300, blank=True)
    course = models.ForeignKey(
        "courseware.Course", on_delete=models.CASCADE, related_name="lti_contexts"
    )
    deployment_id = models.CharField(max_length=300, blank=True)
    memberships_url = models.URLField(max_length=500, blank=True)
    roster_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "context_id"], name="lti_context_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.context_id} -> {self.course_id}"


ALL_ROLES = ["instructor", "ta", "learner"]


def all_roles() -> list[str]:
    return list(ALL_ROLES)


class ResourceLink(models.Model):
    """A placement in the LMS and what it opens: a course, a module, a quiz or an exercise.

    `target` is `course:<course>`, `module:<course>/<module>`, `quiz:<course>/<module>` or
    `exercise:<course>/<module>/<exercise>`. Grades of a quiz or exercise go to `lineitem_url`.
    """

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="links")
    resource_link_id = models.CharField(max_length=255)
    title = models.CharField(max_length=300, blank=True)
    target = models.CharField(max_length=400)
    course = models.ForeignKey(
        "courseware.Course", on_delete=models.CASCADE, related_name="lti_links"
    )
    module = models.ForeignKey(
        "courseware.Module", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    quiz = models.ForeignKey(
        "courseware.Quiz", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    exercise = models.ForeignKey(
        "grading.Exercise", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Academy roles this link admits (CourseRole values).
    allowed_roles = models.JSONField(default=all_roles)
    # From the launch's AGS claim: where scores go and with what scopes.
    lineitem_url = models.URLField(max_length=500, blank=True)
    lineitems_url = models.URLField(max_length=500, blank=True)
    ags_scopes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "resource_link_id"], name="lti_resource_link_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource_link_id} -> {self.target}"


class LoginState(models.Model):
    """pylti1p3's login data (state, nonce, launch data) kept in the database so that every web
    process sees it; a nonce row is deleted when a launch uses it, so a replay finds none."""

    key = models.CharField(max_length=300, unique=True)
    value = models.JSONField(null=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.key


class GradeSync(models.Model):
    """The score a learner's line item should hold and what the platform last acknowledged.

    The task sends only while `score_given`/`score_maximum` differ from the `sent_` pair, so a
    score is never sent twice; an unreachable platform leaves the row pending to be sent later.
    """

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Pending")
        SENT = "sent", gettext_lazy("Sent")
        FAILED = "failed", gettext_lazy("Failed (will be retried)")
        # The platform answered a 4xx: sending the same score again would not help. A newer
        # score makes the row pending again.
        REFUSED = "refused", gettext_lazy("Refused by the platform")

    link = models.ForeignKey(ResourceLink, on_delete=models.CASCADE, related_name="grades")
    identity = models.ForeignKey(Identity, on_delete=models.CASCADE, related_name="grades")
    score_given = models.FloatField()
    score_maximum = models.FloatField()
    sent_score_given = models.FloatField(null=True, blank=True)
    sent_score_maximum = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # A sender claims the row until then, so two tasks never send the same score at once.
    sending_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "identity"], name="lti_grade_unique"),
        ]
        indexes = [
            models.Index(fields=["status"], condition=~Q(status="sent"), name="lti_grade_open")
        ]

    def __str__(self) -> str:
        return f"{self.score_given:g}/{self.score_maximum:g} for {self.identity_id} ({self.status})"


class GradeSend(models.Model):
    """One score the platform accepted: the record of what was sent and when."""

    grade = models.ForeignKey(GradeSync, on_delete=models.CASCADE, related_name="sends")
    score_given = models.FloatField()
    score_maximum = models.FloatField()
    lineitem_url = models.URLField(max_length=500)
    response_status = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.score_given:g}/{self.score_maximum:g} at {self.sent_at}"
