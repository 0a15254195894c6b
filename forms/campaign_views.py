"""Public side of campaigns (征集) and surveys (在线调查): captcha, rate limits, result pages.

`forms/models.py` imports this module, so models are imported inside methods.

Abuse protection, in the order a POST meets it:
1. Outside its period a campaign or survey stores nothing (403 with a message).
2. A survey answered from this browser (signed cookie) is refused (403).
3. Per IP and page, a fixed-window limit (`home.ratelimit`) → 429.
4. A one-time token issued with the form. It is signed with a timestamp (valid one day), so
   issuing it stores nothing, and a “used” mark is set in the cache with `cache.add`, which is
   atomic: one form can be stored once. The captcha alone already makes a replayed POST fail,
   but then a double click would show the person an error although their first click was
   stored; with the token the second click shows the thank-you page again and stores nothing.
   (Comparing form data + IP within some minutes was rejected: it would also swallow two
   honest people in one office answering a survey the same way.)
5. The image captcha (`home.captcha.CaptchaFormMixin`).
Captcha and contact answers never reach `form_data`: only the builder's fields are stored there.
"""

import secrets
import unicodedata
from datetime import timedelta

from django import forms
from django.core import signing
from django.core.cache import cache
from django.core.validators import RegexValidator
from django.template.response import TemplateResponse
from django.utils import timezone

from home import ratelimit
from home.captcha import CaptchaFormMixin
from home.dates import cn_datetime

HOUR, DAY = 3600, 24 * 3600
TOKEN_FIELD = "form_token"
TOKEN_MAX_AGE = DAY
# The "used" mark outlives every token that could still be accepted.
USED_MARK_SECONDS = 2 * DAY
UPCOMING, OPEN, CLOSED = "upcoming", "open", "closed"


class PhoneField(forms.CharField):
    """Full-width digits and brackets from a Chinese input method (１３９…, （０５３２）) are fine."""

    def to_python(self, value):
        return unicodedata.normalize("NFKC", super().to_python(value))


class ContactFieldsMixin:
    """Optional 姓名 / 联系电话 of a campaign: stored on the entry, never in form_data."""

    contact_fields = ("contact_name", "contact_phone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_name"] = forms.CharField(
            label="姓名",
            required=False,
            max_length=30,
            widget=forms.TextInput(attrs={"autocomplete": "name"}),
        )
        self.fields["contact_phone"] = PhoneField(
            label="联系电话",
            required=False,
            max_length=20,
            validators=[RegexValidator(r"^[0-9+\-() ]{7,20}$", "请填写正确的联系电话（手机或固定电话）。")],
            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        )


class PublicFormServe:
    """Serving shared by CampaignPage and SurveyPage (both AbstractForm with starts_at/ends_at)."""

    noun = "征集"
    # (scope, limit, period in seconds): per IP and page.
    rate_limits = ()
    rate_limit_message = ratelimit.DEFAULT_MESSAGE
    form_mixins = ()

    # --- Form ---------------------------------------------------------------------------------

    def get_form_class(self):
        base = super().get_form_class()
        return type(f"{type(self).__name__}Form", (CaptchaFormMixin, *self.form_mixins, base), {})

    def builder_data(self, form):
        """The answers to the builder's questions, and nothing else (no captcha, no contact)."""
        return {field.clean_name: form.cleaned_data.get(field.clean_name) for field in self.get_form_fields()}

    def process_form_submission(self, form, ip=None):
        return self.get_submission_class().objects.create(form_data=self.builder_data(form), page=self)

    # --- Period -------------------------------------------------------------------------------

    def phase(self, now=None):
        now = now or timezone.now()
        if now < self.starts_at:
            return UPCOMING
        if now >= self.ends_at:
            return CLOSED
        return OPEN

    def phase_label(self):
        return {UPCOMING: "未开始", OPEN: "进行中", CLOSED: "已结束"}[self.phase()]

    def closed_message(self):
        if self.phase() == UPCOMING:
            return f"{self.noun}未开始，将于{cn_datetime(self.starts_at)}开始，届时欢迎参与。"
        return f"{self.noun}已结束，不再接受提交。感谢您的关注。"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            phase=self.phase(),
            starts_at_text=cn_datetime(self.starts_at),
            ends_at_text=cn_datetime(self.ends_at),
            token_field=TOKEN_FIELD,
        )
        return context

    # --- One-time token -----------------------------------------------------------------------

    def _token_salt(self):
        return f"forms.public-form.{self.pk}"

    def new_form_token(self):
        return signing.dumps(secrets.token_urlsafe(16), salt=self._token_salt())

    def _token_nonce(self, token):
        try:
            return signing.loads(token or "", salt=self._token_salt(), max_age=TOKEN_MAX_AGE)
        except (signing.BadSignature, TypeError, ValueError):
            return None

    def _used_key(self, nonce):
        return f"forms:form-token-used:{self.pk}:{nonce}"

    # --- Responses ----------------------------------------------------------------------------

    def render_form_page(self, request, form=None, notice="", status=200, token=None):
        context = self.get_context(request)
        context.update(form=form, notice=notice, form_token=token or (self.new_form_token() if form else ""))
        return TemplateResponse(request, self.get_template(request), context, status=status)

    def render_landing_page(self, request, form_submission=None, *args, duplicate=False, **kwargs):
        context = self.get_context(request)
        context.update(form_submission=form_submission, duplicate=duplicate)
        return TemplateResponse(request, self.get_landing_page_template(request), context)

    def already_answered(self, request):
        """Whether this client has already taken part (surveys: one answer per client)."""
        return False

    already_answered_message = ""

    def after_submission(self, request, response):
        """Hook for the response of a stored (or duplicate) submission."""

    def serve(self, request, *args, **kwargs):
        request.is_preview = False
        if request.method != "POST":
            form = None
            if self.phase() == OPEN and not self.already_answered(request):
                form = self.get_form(page=self, user=request.user)
            return self.render_form_page(request, form)

        if self.phase() != OPEN:
            return self.render_form_page(request, notice=self.closed_message(), status=403)
        if self.already_answered(request):
            return self.render_form_page(request, notice=self.already_answered_message, status=403)
        ip = ratelimit.client_ip(request)
        identifier = f"{self.pk}:{ip}"
        for scope, limit, period in self.rate_limits:
            if ratelimit.is_limited(scope, identifier, limit, period):
                return ratelimit.too_many_requests(
                    request, self.rate_limit_message, retry_after=ratelimit.retry_after(period)
                )

        token = request.POST.get(TOKEN_FIELD, "")
        nonce = self._token_nonce(token)
        if nonce is not None and cache.get(self._used_key(nonce)) is not None:
            return self._duplicate(request)
        form = self.get_form(request.POST, request.FILES, page=self, user=request.user)
        valid = form.is_valid()
        if nonce is None:
            if valid:
                form.refresh_captcha()  # the answer was used up by the check
            return self.render_form_page(
                request, form, notice="页面已过期，请核对内容、重新输入验证码后再提交。", status=400
            )
        if not valid:
            return self.render_form_page(
                request, form, notice="提交未成功，请按提示修改后重新提交。", status=400, token=token
            )

        used_key = self._used_key(nonce)
        if not cache.add(used_key, "1", USED_MARK_SECONDS):
            return self._duplicate(request)
        for scope, limit, period in self.rate_limits:
            if not ratelimit.hit(scope, identifier, limit, period):
                cache.delete(used_key)  # nothing was stored: the same form may be sent later
                return ratelimit.too_many_requests(
                    request, self.rate_limit_message, retry_after=ratelimit.retry_after(period)
                )
        try:
            submission = self.process_form_submission(form, ip=ip or None)
        except Exception:
            cache.delete(used_key)
            raise
        response = self.render_landing_page(request, submission)
        self.after_submission(request, response)
        return response

    def _duplicate(self, request):
        response = self.render_landing_page(request, duplicate=True)
        self.after_submission(request, response)
        return response


class CampaignServeMixin(PublicFormServe):
    """Serving behaviour of CampaignPage."""

    noun = "征集"
    rate_limits = (("campaign-submit-hour", 3, HOUR), ("campaign-submit-day", 10, DAY))
    rate_limit_message = "提交过于频繁：同一网络每小时最多提交 3 条、每天最多 10 条意见，请稍后再试。"
    form_mixins = (ContactFieldsMixin,)

    def process_form_submission(self, form, ip=None):
        from forms.models import CampaignEntry

        return CampaignEntry.objects.create(
            page=self,
            form_data=self.builder_data(form),
            name=(form.cleaned_data.get("contact_name") or "").strip(),
            phone=(form.cleaned_data.get("contact_phone") or "").strip(),
            submitter_ip=ip,
        )

    def get_context(self, request, *args, **kwargs):
        from forms.campaigns import adopted_suggestions, campaign_counts

        context = super().get_context(request, *args, **kwargs)
        if context["phase"] == CLOSED:
            context["counts"] = campaign_counts(self)
            context["adopted"] = adopted_suggestions(self)
        return context


class SurveyServeMixin(PublicFormServe):
    """Serving behaviour of SurveyPage.

    One answer per client: a signed cookie per survey marks this browser as having answered,
    and each IP may answer a survey at most 5 times a day. The cookie stops the honest double
    answer; the IP limit caps anyone who clears cookies, while still letting a family or an
    office behind one address answer; the captcha makes every answer cost a human's effort.
    """

    noun = "调查"
    rate_limits = (("survey-submit-day", 5, DAY),)
    rate_limit_message = "提交过于频繁：同一网络每天最多提交 5 份答卷，请明天再试。"

    def _cookie_name(self):
        return f"survey_{self.pk}_answered"

    already_answered_message = "您已参与过本次调查，每人限答一次。感谢您的参与！"

    def already_answered(self, request):
        cookie = request.get_signed_cookie(self._cookie_name(), default=None, salt="forms.survey.answered")
        return cookie is not None

    def after_submission(self, request, response):
        remaining = max(self.ends_at - timezone.now(), timedelta(0)) + timedelta(days=30)
        response.set_signed_cookie(
            self._cookie_name(),
            "1",
            salt="forms.survey.answered",
            max_age=int(remaining.total_seconds()),
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )

    def results_public(self, now=None):
        return self.show_results and self.phase(now) == CLOSED

    def get_context(self, request, *args, **kwargs):
        from forms.campaigns import survey_results

        context = super().get_context(request, *args, **kwargs)
        context["answered"] = self.already_answered(request)
        context["results_public"] = self.results_public()
        if context["results_public"]:
            context["results"] = survey_results(self)
            context["respondents"] = self.get_submissions().count()
            context["chart_series"] = [("占比（%）", "#1f4e8c")]
        return context
