"""A third-party LTI 1.3 platform (the `lti1p3platform` package) run in the test process.

It serves its JWKS, OAuth token endpoint, AGS line items and scores, NRPS memberships and the
deep-linking return URL over real HTTP on the loopback (a ThreadingHTTPServer thread); the
launches it signs go to the real Django tool under pytest-django's live_server.
`down = True` makes its AGS answer 503, as a platform under maintenance does.
"""

from __future__ import annotations

import html
import json
import threading
import typing as t
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context as NrpsContext
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import (
    AssignmentsGradesService,
    NamesRoleProvisioningService,
)

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
TEACHING_ASSISTANT = (
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
)
MENTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"


def new_private_key() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class PlainRequest(Request):
    """lti1p3platform's request, built from a dict."""

    def build_metadata(self, request: t.Any) -> TRequest:
        return {
            "method": request.get("method", "GET"),
            "form_data": request.get("form_data", {}),
            "get_data": request.get("get_data", {}),
            "headers": request.get("headers", {}),
            "content_type": request.get("content_type"),
            "path": request.get("path", ""),
            "json": request.get("json"),
        }


class PlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: t.Any) -> None:
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
        return self._registration


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: t.Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


@dataclass
class LaunchSpec:
    """What one launch says: who, with which roles, from which placement."""

    sub: str
    roles: list[str]
    resource_link_id: str = "link-1"
    custom: dict[str, str] = field(default_factory=dict)
    context_id: str = "lms-course-1"
    name: str = "Ada Lovelace"
    email: str = "ada@example.org"
    deep_link: bool = False
    expires_in: int = 300
    ags: bool = True
    lineitem_id: str | None = "1"
    omit_claims: tuple[str, ...] = ()


class Launch(LTIAdvantageMessageLaunchAbstract):
    spec: LaunchSpec
    platform: LmsPlatform

    def prepare_launch(self, preflight_response: dict[str, t.Any]) -> None:
        spec = self.spec
        self.set_user_data(spec.sub, spec.roles, full_name=spec.name, email_address=spec.email)
        self.set_resource_link_claim(spec.resource_link_id, title="Academy item")
        self.set_launch_context_claim(spec.context_id, context_title="LMS course")
        if spec.custom:
            self.set_custom_parameters_claim(spec.custom)
        base = self.platform.url
        if spec.ags:
            self.set_ags(
                lineitems_url=f"{base}/lineitems",
                lineitem_url=f"{base}/lineitems/{spec.lineitem_id}" if spec.lineitem_id else None,
            )
        self.set_nrps(f"{base}/memberships")
        if spec.deep_link:
            self.set_dl(
                f"{base}/deep-link-return", title="Add content", accept_types={"ltiResourceLink"}
            )
        self.set_id_token_expiration(spec.expires_in)

    def get_launch_message(self, include_extra_claims: bool = True) -> dict[str, t.Any]:
        message = super().get_launch_message(include_extra_claims)
        for name in self.spec.omit_claims:
            message.pop(name, None)
        return message

    def render_launch_form(
        self, launch_data: dict[str, t.Any], **kwargs: t.Any
    ) -> dict[str, t.Any]:
        return launch_data


class Grades(AssignmentsGradesService):
    platform: LmsPlatform

    def find_lineitems(self, page: int = 1, limit: int | None = None, **kwargs: t.Any) -> t.Any:
        items = list(self.platform.lineitems.values())
        resource_id = kwargs.get("resource_id")
        if resource_id:
            items = [item for item in items if item.get("resourceId") == resource_id]
        return {"content": items, "has_next": False, "next": None}

    def find_lineitem(self, line_item_id: str) -> t.Any:
        return self.platform.lineitems[line_item_id]

    def create_lineitem(self, creation_data: t.Any) -> t.Any:
        number = str(len(self.platform.lineitems) + 1)
        item = dict(creation_data, id=f"{self.platform.url}/lineitems/{number}")
        self.platform.lineitems[number] = item
        return item

    def update_lineitem(self, update_data: t.Any) -> t.Any:
        return update_data

    def delete_lineitem(self, line_item_id: str) -> None:
        self.platform.lineitems.pop(line_item_id, None)

    def update_score(self, line_item_id: str, score: t.Any) -> UpdateScoreStatus:
        self.platform.scores.append((line_item_id, score))
        return UpdateScoreStatus.SUCCESS

    def get_results(self, line_item_id: str, page: int = 1, **kwargs: t.Any) -> t.Any:
        return {"content": [], "has_next": False, "next": None}


class Members(NamesRoleProvisioningService):
    platform: LmsPlatform

    def get_member_data_page(self, page: int = 1, **kwargs: t.Any) -> t.Any:
        return {"content": [dict(m) for m in self.platform.members], "has_next": False}

    def get_context_by_id(self) -> NrpsContext:
        return NrpsContext(id="lms-course-1", label="LMS-1", title="LMS course")


class LmsPlatform:
    """The platform: its registration of the tool, its keys, its endpoints and what it got."""

    issuer = "https://lms.example.org"
    client_id = "academy-client"
    deployment_id = "deployment-1"

    def __init__(self, tool_url: str, host: str = "127.0.0.1") -> None:
        self.tool_url = tool_url.rstrip("/")
        self.private_pem, self.public_pem = new_private_key()
        self.scores: list[tuple[str, dict[str, t.Any]]] = []
        self.lineitems: dict[str, dict[str, t.Any]] = {
            "1": {"id": "", "scoreMaximum": 10, "label": "Quiz", "resourceId": "item-1"}
        }
        self.members: list[dict[str, t.Any]] = []
        self.deep_link_items: list[dict[str, t.Any]] = []
        self.down = False
        self.refusing = False  # AGS answers 403, as for a learner no longer in the course
        # The launch a browser gets from /auth (the browser test's LMS page).
        self.browser_spec: LaunchSpec | None = None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.lineitems["1"]["id"] = f"{self.url}/lineitems/1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def registration(self, *, private_pem: str | None = None) -> Registration:
        registration = Registration()
        registration.set_iss(self.issuer).set_client_id(self.client_id)
        registration.set_deployment_id(self.deployment_id)
        registration.set_launch_url(f"{self.tool_url}/lti/launch/")
        registration.set_deeplink_launch_url(f"{self.tool_url}/lti/launch/")
        registration.set_oidc_login_url(f"{self.tool_url}/lti/login/")
        registration.set_tool_key_set_url(f"{self.tool_url}/lti/jwks.json")
        registration.set_platform_private_key(private_pem or self.private_pem)
        registration.set_platform_public_key(self.public_pem)
        return registration

    def conf(self, **kwargs: t.Any) -> PlatformConf:
        return PlatformConf(registration=self.registration(**kwargs))

    # The tool side of the registration, as an administrator would enter it.
    def tool_values(self) -> dict[str, t.Any]:
        return {
            "name": "Test LMS",
            "issuer": self.issuer,
            "client_id": self.client_id,
            "deployment_ids": [self.deployment_id],
            "auth_login_url": f"{self.url}/auth",
            "auth_token_url": f"{self.url}/token",
            "key_set_url": f"{self.url}/jwks",
        }

    def preflight_url(self, spec: LaunchSpec) -> str:
        login = Login(None, self.conf())
        login.set_lti_message_hint(hint=spec.resource_link_id)
        if spec.deep_link:
            login.set_deeplinking_launch_url()
        return login.prepare_preflight_url(spec.sub)

    def answer_auth(self, auth_url: str, spec: LaunchSpec, **conf: t.Any) -> dict[str, t.Any]:
        """The platform's answer to the tool's authorisation request: the signed launch."""
        query = dict(parse_qsl(urlsplit(auth_url).query))
        assert auth_url.startswith(f"{self.url}/auth?"), auth_url
        launch = Launch(PlainRequest({"get_data": query}), self.conf(**conf))
        launch.spec, launch.platform = spec, self
        return launch.lti_launch()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(platform: LmsPlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: t.Any) -> None:  # quiet
            pass

        def _request(self) -> PlainRequest:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            content_type = self.headers.get("Content-Type", "")
            form = dict(parse_qsl(body.decode())) if "urlencoded" in content_type else {}
            data = json.loads(body) if body and "json" in content_type else None
            return PlainRequest(
                {
                    "method": self.command,
                    "form_data": form,
                    "get_data": dict(parse_qsl(parts.query)),
                    "headers": {k: v for k, v in self.headers.items()},
                    "content_type": content_type,
                    "path": parts.path,
                    "json": data,
                }
            )

        def _send(self, status: int, body: t.Any, media_type: str = "application/json") -> None:
            payload = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _send_html(self, page: str) -> None:
            payload = f"<!doctype html><html><body>{page}</body></html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _service_response(self, response: t.Any) -> None:
            result = response.result
            if isinstance(result, dict) and "content" in result:
                result = result["content"]
            if response.code >= 400:
                result = {"error": response.message}
            self._send(response.code, result, response.media_type)

        def do_GET(self) -> None:
            self._route()

        def do_POST(self) -> None:
            self._route()

        def _route(self) -> None:
            request = self._request()
            path = request.path
            conf = platform.conf()
            if path == "/lms" and platform.browser_spec is not None:
                # The LMS's course page, framing Academy as an LMS does.
                src = html.escape(platform.preflight_url(platform.browser_spec))
                page = f'<h1>LMS course</h1><iframe id="tool" src="{src}" width="1100" height="800"></iframe>'
                return self._send_html(page)
            if path == "/auth" and platform.browser_spec is not None:
                # The authorisation endpoint: a form that posts the signed launch to the tool.
                data = platform.answer_auth(platform.url + self.path, platform.browser_spec)
                fields = "".join(
                    f'<input type="hidden" name="{name}" value="{html.escape(data[name])}">'
                    for name in ("id_token", "state")
                )
                action = html.escape(data["launch_url"])
                return self._send_html(
                    f'<form id="launch" method="post" action="{action}">{fields}</form>'
                    "<script>document.getElementById('launch').submit();</script>"
                )
            if path == "/jwks":
                return self._send(200, conf.get_jwks())
            if path == "/token":
                try:
                    return self._send(200, conf.get_access_token(request.form_data))
                except Exception as error:  # the platform's refusal, as an LMS answers it
                    return self._send(400, {"error": str(error)})
            if path.startswith("/lineitems"):
                if platform.down:
                    return self._send(503, {"error": "maintenance"})
                if platform.refusing:
                    return self._send(403, {"error": "not a member"})
                grades = Grades(request, conf, f"{platform.url}/lineitems")
                grades.platform = platform
                pieces = path.strip("/").split("/")
                if len(pieces) == 3 and pieces[2] == "scores":
                    grades.ags.lineitem_url = f"{platform.url}/lineitems/{pieces[1]}"
                    handled = grades.handle_resp(grades.handle_update_score, line_item_id=pieces[1])
                elif len(pieces) == 1 and request.method == "POST":
                    handled = grades.handle_resp(grades.handle_create_lineitem)
                elif len(pieces) == 1:
                    handled = grades.handle_resp(grades.handle_get_lineitems)
                else:
                    handled = grades.handle_resp(grades.handle_get_lineitem, line_item_id=pieces[1])
                return self._service_response(handled)
            if path == "/memberships":
                members = Members(request, conf, f"{platform.url}/memberships")
                members.platform = platform
                return self._service_response(members.handle_resp(members.handle_get_members))
            if path == "/deep-link-return":
                platform.deep_link_items = conf.validate_deeplinking_resp(request.form_data)
                return self._send(200, {"received": len(platform.deep_link_items)})
            return self._send(404, {"error": "not found"})

    return Handler
