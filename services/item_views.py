"""Public pages of one service item: the guide (办事指南), and the online application (在线申请).

The application form applies the abuse limits before any work, says "already submitted" for a
replayed form before the (used-up) captcha would send the applicant round again, and stores the
application through `services.workflow.submit_application` only. The form and the receipt carry a
one-time token or an applicant's receipt number, so they are sent with `Cache-Control: no-store`.
Models and forms are imported inside the methods: `services.models` imports this module.
"""

from django.core.exceptions import ValidationError
from wagtail.contrib.routable_page.models import path

from home import ratelimit
from home.public_forms import TOKEN, add_workflow_errors
from home.public_routes import PublicRoutesMixin

HOUR, DAY = 3600, 24 * 3600

# Every POST of the form counts here first, so a robot cannot make the server check captchas and
# sniff uploads without end.
ATTEMPT_LIMIT = ("service-apply-post-ip", 30, HOUR, "提交次数过多，请一小时后再试。")
# Applications actually stored: checked before any work, counted once the form is valid.
APPLY_LIMITS = (
    ("service-apply-ip-hour", "ip", 5, HOUR, "同一网络每小时最多提交 5 件申请，请一小时后再试。"),
    ("service-apply-ip-day", "ip", 20, DAY, "同一网络每天最多提交 20 件申请，请明天再试。"),
    ("service-apply-id-day", "id", 5, DAY, "同一证件号码每天最多提交 5 件申请，请明天再试。"),
)
KEPT_FIELDS = (
    "applicant_type",
    "applicant_name",
    "id_number",
    "contact_name",
    "phone",
    "email",
    "notes",
    "token",
)


def service_hall():
    """The portal's hall (for links to 办件查询 from a department's site), or None."""
    from services.models import ServiceHallPage

    return ServiceHallPage.objects.live().public().order_by("path").first()


def _hall_query_url(request):
    hall = service_hall()
    return hall.get_url(request) + hall.reverse_subpage("query") if hall else ""


class ServiceItemRoutes(PublicRoutesMixin):
    """Routes of ServiceItemPage: the guide (index) and apply/."""

    def item_url(self, request, name=None):
        base = self.get_url(request) or self.url or "/"
        return base + self.reverse_subpage(name) if name else base

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        materials = list(self.materials.select_related("blank_form", "sample"))
        context.update(
            {
                "materials": materials,
                "fees": list(self.fees.all()) if self.charged else [],
                "themes": list(self.themes.all()),
                "life_events": list(self.life_events.all()),
                "apply_url": self.item_url(request, "apply") if self.accepts_online else "",
                "guide_url": self.item_url(request),
                "hall_query_url": _hall_query_url(request),
            }
        )
        return context

    # --- 在线申请 -------------------------------------------------------------------------------

    def apply_refusal(self):
        """(status, message) if this item cannot be applied for online, else None."""
        if not self.accepts_online:
            return 404, "该事项暂不支持网上申请，请按办事指南到办理地点现场办理。"
        missing = self.missing_elements()
        if missing or not (self.for_individuals or self.for_legal_persons):
            phone = f"请拨打咨询电话 {self.consult_phone} 了解办理方式。" if self.consult_phone else ""
            return 400, f"该事项的办事指南尚不完整，暂不能网上申请。{phone}"
        return None

    @path("apply/", name="apply")
    def apply_route(self, request):
        refusal = self.apply_refusal()
        if refusal is not None:
            status, message = refusal
            return self._render(
                request,
                "services/application_unavailable.html",
                {"message": message},
                status=status,
            )
        if request.method == "POST":
            return self._submit(request)
        return self._form_page(request, self._new_form())

    def _new_form(self, initial=None):
        from services import workflow
        from services.forms import ApplicationForm

        initial = {"token": workflow.new_submission_token(), **(initial or {})}
        return ApplicationForm(item=self, materials=self.materials.all(), initial=initial)

    def _form_page(self, request, form, status=200, message="", files_lost=False, retry_after=None):
        from services.forms import MATERIAL_HELP

        response = self._render(
            request,
            "services/application_form.html",
            {
                "form": form,
                "message": message,
                "files_lost": files_lost,
                "material_help": MATERIAL_HELP,
            },
            status=status,
            # The form holds a one-time submission token: a cached copy would hand one token to
            # many applicants, and all but the first would be told theirs was a duplicate.
            private=True,
        )
        if retry_after:
            response["Retry-After"] = str(int(retry_after))
        return response

    def _submit(self, request):
        from services import workflow
        from services.forms import ApplicationForm, normalise_code
        from services.models import Application

        ip = ratelimit.client_ip(request)
        files_sent = any(request.FILES.getlist(name) for name in request.FILES)
        scope, limit, period, message = ATTEMPT_LIMIT
        if not ratelimit.hit(scope, ip, limit, period):
            return self._refuse(request, message, period, files_sent)
        identifiers = {"ip": ip, "id": normalise_code(request.POST.get("id_number", ""))[:30]}
        for scope, key, limit, period, message in APPLY_LIMITS:
            if identifiers[key] and ratelimit.is_limited(scope, identifiers[key], limit, period):
                return self._refuse(request, message, period, files_sent)

        # A replayed form (the back button, a resent request) carries a used token.
        token = request.POST.get("token", "")
        if TOKEN.match(token):
            existing = Application.objects.filter(submission_token=token).only("receipt_number").first()
            if existing is not None:
                return self._duplicate(request, existing)

        form = ApplicationForm(request.POST, request.FILES, item=self, materials=self.materials.all())
        if not form.is_valid():
            return self._form_page(request, form, status=400, files_lost=files_sent)
        data = form.cleaned_data
        identifiers["id"] = data["id_number"]
        for scope, key, limit, period, message in APPLY_LIMITS:
            if not ratelimit.hit(scope, identifiers[key], limit, period):
                return self._refuse(request, message, period, files_sent)
        try:
            application = workflow.submit_application(
                self,
                token=data["token"],
                applicant_type=data["applicant_type"],
                applicant_name=data["applicant_name"],
                id_number=data["id_number"],
                phone=data["phone"],
                contact_name=data["contact_name"],
                email=data["email"],
                notes=data["notes"],
                files_by_slot=form.checked_materials,
                ip=ip or None,
            )
        except workflow.DuplicateSubmission as duplicate:
            return self._duplicate(request, duplicate.application)
        except ValidationError as error:
            add_workflow_errors(form, error)
            form.refresh_captcha()
            return self._form_page(request, form, status=400, files_lost=files_sent)
        return self._render(
            request,
            "services/application_receipt.html",
            {"application": application, "hall": service_hall()},
            private=True,
        )

    def _refuse(self, request, message, period, files_lost):
        """429 on the form itself, with everything typed (but files) still there."""
        values = {name: request.POST.get(name, "") for name in KEPT_FIELDS}
        values = {name: value for name, value in values.items() if value}
        return self._form_page(
            request,
            self._new_form(values),
            status=429,
            message=message,
            files_lost=files_lost,
            retry_after=ratelimit.retry_after(period),
        )

    def _duplicate(self, request, application):
        message = (
            f"该申请已经提交过（受理编号 {application.receipt_number}），请勿重复提交。"
            "请凭受理编号和证件号码后六位查询办理进度。"
        )
        # A blank form with a new token: applying again must be a deliberate act.
        return self._form_page(request, self._new_form(), status=409, message=message)
