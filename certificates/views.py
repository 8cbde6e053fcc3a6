"""Certificate pages: the learner's (take it, see it, its PDF), the public verification page,
and the instructors' list with revoking."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from certificates import selectors, services
from certificates.models import Certificate
from certificates.pdf import certificate_pdf
from courseware.errors import ApplicationError
from courseware.http import error_page, handles_application_errors
from courseware.models import Course, CourseRole
from courseware.permissions import instructor_required, teaching_staff_required
from courseware.selectors import course_completion, course_role_of


def _verification_url(request: HttpRequest, certificate: Certificate) -> str:
    return request.build_absolute_uri(reverse("certificates:verify", args=[certificate.code]))


@login_required
@require_http_methods(["GET", "POST"])
@handles_application_errors
def mine(request: HttpRequest, course_slug: str) -> HttpResponse:
    """GET: the learner's certificate, or what the course still asks. POST: take it."""
    course = get_object_or_404(Course, slug=course_slug)
    if request.method == "POST":
        services.certificate_issue(user=request.user, course=course)
        return redirect("certificates:mine", course_slug=course.slug)
    certificate = selectors.certificate_of(user=request.user, course=course)
    return render(
        request,
        "certificates/mine.html",
        {
            "course": course,
            "certificate": certificate,
            "completion": course_completion(course=course, user=request.user),
            "verification_url": _verification_url(request, certificate) if certificate else "",
        },
    )


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: anyone with the code sees name, course, date and result, or that it is revoked."""
    certificate = selectors.certificate_by_code(code=code)
    if certificate is None:
        raise Http404(gettext("No certificate has this code."))
    return render(
        request,
        "certificates/verify.html",
        {
            "certificate": certificate,
            "verification_url": _verification_url(request, certificate),
            "is_owner": certificate.user_id == request.user.pk,
        },
    )


@handles_application_errors
def pdf(request: HttpRequest, code: str) -> HttpResponse:
    certificate = selectors.certificate_by_code(code=code)
    if certificate is None:
        raise Http404(gettext("No certificate has this code."))
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if not selectors.certificate_visible_to(certificate=certificate, user=request.user):
        message = gettext(
            "Only the holder of this certificate may download it; its verification page is public."
        )
        return error_page(request, ApplicationError(message, status_code=403))
    if certificate.is_revoked:
        return error_page(
            request, ApplicationError(gettext("This certificate is revoked."), status_code=410)
        )
    body = certificate_pdf(
        certificate=certificate, verification_url=_verification_url(request, certificate)
    )
    response = HttpResponse(body, content_type="application/pdf")
    filename = f"certificate-{certificate.course.slug}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@teaching_staff_required
def course_list(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=course_slug)
    return render(
        request,
        "certificates/course_list.html",
        {
            "course": course,
            "certificates": selectors.course_certificates(course=course),
            "is_instructor": course_role_of(user=request.user, course=course)
            == CourseRole.INSTRUCTOR,
        },
    )


@instructor_required
@require_POST
@handles_application_errors
def revoke(request: HttpRequest, course_slug: str, pk: int) -> HttpResponse:
    certificate = get_object_or_404(Certificate, pk=pk, course__slug=course_slug)
    services.certificate_revoke(
        certificate=certificate,
        revoked_by=request.user,
        reason=request.POST.get("reason", ""),
    )
    messages.success(
        request,
        gettext("The certificate of %(name)s is revoked.") % {"name": certificate.learner_name},
    )
    return redirect("certificates:course_list", course_slug=course_slug)
