"""Public pages of a letter box (write, confirmation, status query, published letters, statistics).

Every step of a letter's life goes through `forms.workflow`; these views only take input, apply
the abuse limits and render. Pages that carry a submission token, a query code or a citizen's
own letter are sent with `Cache-Control: no-store`, so no proxy or shared computer keeps them.
Models are imported inside the methods: `forms.models` imports this module.
"""

from datetime import date
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from wagtail.contrib.routable_page.models import path

from home import ratelimit
from home.public_forms import TOKEN, add_workflow_errors, normalise_phone
from home.public_routes import PublicRoutesMixin

PER_PAGE = 20
LATEST_COUNT = 8
HOUR, DAY = 3600, 24 * 3600

# Every POST of the write form counts here before anything else is done, so a robot cannot make
# the server check captchas and sniff uploads without end.
ATTEMPT_LIMIT = ("letter-post-ip", 30, HOUR, "提交次数过多，请一小时后再试。")
# Letters actually stored: checked before any work, counted once the letter is valid.
LETTER_LIMITS = (
    ("letter-submit-ip-hour", "ip", 5, HOUR, "同一网络每小时最多提交 5 封信件，请一小时后再试。"),
    ("letter-submit-ip-day", "ip", 20, DAY, "同一网络每天最多提交 20 封信件，请明天再试。"),
    ("letter-submit-phone-day", "phone", 3, DAY, "同一联系电话每天最多提交 3 封信件，请明天再试。"),
)
COMMENT_LIMIT = ("letter-comment-ip", 10, HOUR, "评论提交过于频繁，请一小时后再试。")
# Notes of these steps are written for the citizen (the reason for not accepting, their own
# rating); every other note is an instruction between staff and stays internal.
CITIZEN_NOTES = {"reject", "rate"}
ROUTE_NAMES = ("index", "query", "query_rate", "query_comment", "letter_list", "statistics")


class LetterBoxRoutes(PublicRoutesMixin):
    """Routes of LetterBoxPage; the page model keeps only configuration."""

    # --- shared ------------------------------------------------------------------------------

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        base = self.get_url(request) or self.url or "/"
        context["box_urls"] = {name: base + self.reverse_subpage(name) for name in ROUTE_NAMES}
        context["deadline_rule_text"] = self.deadline_rule().describe()
        return context

    def _published(self):
        from forms.models import Letter

        return Letter.objects.published().filter(box=self).select_related("unit")

    # --- 写信 ----------------------------------------------------------------------------------

    @path("", name="index")
    def index_route(self, request, *args, **kwargs):
        if request.method == "POST":
            return self._submit(request)
        return self._index(request, self._new_letter_form())

    def _new_letter_form(self, initial=None):
        from forms import workflow
        from forms.forms import LetterForm

        initial = {"token": workflow.new_submission_token(), **(initial or {})}
        return LetterForm(box=self, initial=initial)

    def _index(self, request, form, status=200, message="", files_lost=False, retry_after=None):
        from forms.forms import QueryForm

        latest = list(self._published()[:LATEST_COUNT]) if self.public_listing else []
        response = self._render(
            request,
            "forms/letter_box_page.html",
            {
                "form": form,
                "query_form": QueryForm(),
                "latest_letters": latest,
                "message": message,
                "files_lost": files_lost,
            },
            status=status,
            # The form holds a one-time submission token: a cached copy would hand one token to
            # many writers, and all but the first would be told their letter was a duplicate.
            private=True,
        )
        if retry_after:
            response["Retry-After"] = str(int(retry_after))
        return response

    def _kept_values(self, request):
        """What the citizen typed, for a fresh form when the posted one cannot be checked."""
        fields = ("letter_type", "title", "content", "name", "phone", "email", "address", "token")
        values = {name: request.POST.get(name, "") for name in fields}
        values["consent_publish"] = bool(request.POST.get("consent_publish"))
        return values

    def _submit(self, request):
        from forms import workflow
        from forms.forms import LetterForm
        from forms.models import Letter

        ip = ratelimit.client_ip(request)
        files_sent = bool(request.FILES.getlist("attachments"))
        scope, limit, period, message = ATTEMPT_LIMIT
        if not ratelimit.hit(scope, ip, limit, period):
            return self._refuse(request, message, period, files_sent)
        identifiers = {"ip": ip, "phone": normalise_phone(request.POST.get("phone", ""))}
        for scope, key, limit, period, message in LETTER_LIMITS:
            if identifiers[key] and ratelimit.is_limited(scope, identifiers[key], limit, period):
                return self._refuse(request, message, period, files_sent)

        # A replayed form (the back button, a resent request) carries a used token: say so
        # before the (used-up) captcha would send the citizen round again.
        token = request.POST.get("token", "")
        if TOKEN.match(token):
            existing = Letter.objects.filter(submission_token=token).only("number").first()
            if existing is not None:
                return self._duplicate(request, existing)

        form = LetterForm(request.POST, request.FILES, box=self)
        if not form.is_valid():
            # A double click: the twin request may have stored the letter (and used the captcha)
            # while this one was being checked. Tell the citizen it arrived, not "wrong captcha".
            if TOKEN.match(token) and (
                existing := Letter.objects.filter(submission_token=token).only("number").first()
            ):
                return self._duplicate(request, existing)
            return self._index(request, form, status=400, files_lost=files_sent)
        data = form.cleaned_data
        identifiers["phone"] = data["phone"]
        for scope, key, limit, period, message in LETTER_LIMITS:
            if not ratelimit.hit(scope, identifiers[key], limit, period):
                return self._refuse(request, message, period, files_sent)
        try:
            letter, code = workflow.submit_letter(
                self,
                token=data["token"],
                letter_type=data["letter_type"],
                title=data["title"],
                content=data["content"],
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                address=data["address"],
                consent_publish=data["consent_publish"],
                attachments=form.checked_attachments,
                ip=ip or None,
            )
        except workflow.DuplicateSubmission as duplicate:
            return self._duplicate(request, duplicate.letter)
        except ValidationError as error:
            add_workflow_errors(form, error)
            form.refresh_captcha()
            return self._index(request, form, status=400, files_lost=files_sent)
        return self._render(
            request,
            "forms/letter_confirmation.html",
            {"letter": letter, "query_code": code},
            private=True,
        )

    def _refuse(self, request, message, period, files_lost):
        """429 on the write page itself, with everything typed (but files) still in the form."""
        form = self._new_letter_form(self._kept_values(request))
        return self._index(
            request,
            form,
            status=429,
            message=message,
            files_lost=files_lost,
            retry_after=ratelimit.retry_after(period),
        )

    def _duplicate(self, request, letter):
        message = (
            f"该信件已经提交过（信件编号 {letter.number}），请勿重复提交。请使用首次提交时获得的查询码查询。"
        )
        # A blank form with a new token: writing another letter must be a deliberate act.
        return self._index(request, self._new_letter_form(), status=409, message=message)

    # --- 办理进度查询 ---------------------------------------------------------------------------

    @path("query/", name="query")
    def query_route(self, request):
        from forms.forms import QueryForm

        if request.method != "POST":
            return self._query_page(request, QueryForm())
        form = QueryForm(request.POST)
        if not form.is_valid():
            return self._query_page(request, form, status=400)
        letter, refused = self._find(request, form.cleaned_data)
        if refused is not None:
            return self._query_page(request, form, status=refused.status, message=refused.message)
        return self._status_page(request, letter, form.cleaned_data)

    @path("query/rate/", name="query_rate")
    def rate_route(self, request):
        from forms import workflow
        from forms.forms import RatingForm

        letter, credentials, refusal = self._verified(request)
        if refusal is not None:
            return refusal
        if (comment := request.POST.get("comment", "").strip()) and (
            refusal := self._comment_limited(request, letter, credentials)
        ):
            return refusal
        form = RatingForm(request.POST)
        if not form.is_valid():
            return self._status_page(request, letter, credentials, rating_form=form, status=400)
        try:
            workflow.rate(
                letter,
                form.cleaned_data["rating"],
                form.cleaned_data["comment"],
                ip=ratelimit.client_ip(request) or None,
            )
        except ValidationError as error:
            add_workflow_errors(form, error)
            return self._status_page(request, letter, credentials, rating_form=form, status=400)
        notice = "感谢您的评价！" + ("您的评论将在审核后显示。" if comment else "")
        return self._status_page(request, self._reload(letter), credentials, notice=notice)

    @path("query/comment/", name="query_comment")
    def comment_route(self, request):
        from forms import workflow
        from forms.forms import CommentForm

        letter, credentials, refusal = self._verified(request)
        if refusal is not None:
            return refusal
        if refusal := self._comment_limited(request, letter, credentials):
            return refusal
        form = CommentForm(request.POST)
        if not form.is_valid():
            return self._status_page(request, letter, credentials, comment_form=form, status=400)
        try:
            workflow.add_comment(
                letter, form.cleaned_data["comment"], ip=ratelimit.client_ip(request) or None
            )
        except ValidationError as error:
            add_workflow_errors(form, error)
            return self._status_page(request, letter, credentials, comment_form=form, status=400)
        return self._status_page(request, letter, credentials, notice="评论已提交，将在审核后显示。")

    def _find(self, request, credentials):
        from forms import workflow

        try:
            return workflow.find_letter(
                credentials["number"], credentials["code"], ratelimit.client_ip(request)
            ), None
        except workflow.QueryRefused as refused:
            return None, refused

    def _verified(self, request):
        """(letter, credentials, None) for a POST whose hidden number and code are right again,
        else (None, None, the query page explaining why)."""
        from forms.forms import LetterCredentialsForm, QueryForm

        if request.method != "POST":
            return None, None, self._query_page(request, QueryForm())
        credentials = LetterCredentialsForm(request.POST)
        if not credentials.is_valid():
            form = QueryForm()
            return (
                None,
                None,
                self._query_page(request, form, status=400, message="请先输入信件编号和查询码查询。"),
            )
        letter, refused = self._find(request, credentials.cleaned_data)
        if refused is not None:
            form = QueryForm(initial={"number": credentials.cleaned_data["number"]})
            return None, None, self._query_page(request, form, status=refused.status, message=refused.message)
        return letter, credentials.cleaned_data, None

    def _comment_limited(self, request, letter, credentials):
        scope, limit, period, message = COMMENT_LIMIT
        if ratelimit.hit(scope, ratelimit.client_ip(request), limit, period):
            return None
        response = self._status_page(request, letter, credentials, status=429, error=message)
        response["Retry-After"] = str(ratelimit.retry_after(period))
        return response

    def _reload(self, letter):
        from forms.models import Letter

        return Letter.objects.select_related("box", "unit").get(pk=letter.pk)

    def _query_page(self, request, form, status=200, message=""):
        return self._render(
            request,
            "forms/letter_query.html",
            {"query_form": form, "error": message},
            status=status,
            private=True,
        )

    def _status_page(
        self,
        request,
        letter,
        credentials,
        rating_form=None,
        comment_form=None,
        status=200,
        notice="",
        error="",
    ):
        from forms.forms import CommentForm, RatingForm
        from forms.models import Letter

        closed = letter.state == Letter.State.CLOSED
        hidden = {"number": letter.number, "code": credentials["code"]}
        if closed and not letter.rating and rating_form is None:
            rating_form = RatingForm(initial=hidden)
        if closed and comment_form is None:
            comment_form = CommentForm(initial=hidden)
        history = [
            {
                "time": event.created_at,
                "label": event.get_action_label(),
                "unit": event.to_unit or event.from_unit,
                "note": event.note if event.action in CITIZEN_NOTES else "",
            }
            for event in letter.events.filter(public=True).select_related("to_unit", "from_unit")
        ]
        return self._render(
            request,
            "forms/letter_status.html",
            {
                "letter": letter,
                "closed": closed,
                "history": history,
                "rating_form": rating_form if closed and not letter.rating else None,
                "comment_form": comment_form if closed else None,
                "attachments": list(letter.attachments.all()),
                "notice": notice,
                "error": error,
            },
            status=status,
            private=True,
        )

    # --- 来信选登 ------------------------------------------------------------------------------

    @path("letters/", name="letter_list")
    def letter_list_route(self, request):
        from forms.forms import LetterFilterForm

        if not self.public_listing:
            raise Http404("本信箱未开启公开选登。")
        form = LetterFilterForm(request.GET, box=self)
        form.is_valid()
        letters = self._published()
        kind = form.cleaned_data.get("type")
        keyword = (form.cleaned_data.get("q") or "").strip()
        if kind:
            letters = letters.filter(letter_type=kind)
        if keyword:
            # Match what the public sees: searching for a phone number or a name must not reveal
            # which letter holds it behind the mask.
            candidates = (
                letters.select_related(None).filter(title__icontains=keyword).only("pk", "title", "name")
            )
            wanted = keyword.casefold()
            letters = letters.filter(pk__in=[c.pk for c in candidates if wanted in c.public_title.casefold()])
        page_obj = Paginator(letters.order_by("-replied_at", "-pk"), PER_PAGE).get_page(
            request.GET.get("page")
        )
        filters = {key: value for key, value in (("type", kind), ("q", keyword)) if value}
        return self._render(
            request,
            "forms/letter_list.html",
            {
                "filter_form": form,
                "page_obj": page_obj,
                "filter_query": urlencode(filters),
                "filtered": bool(filters),
            },
        )

    @path("letters/<str:number>/", name="letter_detail")
    def letter_detail_route(self, request, number):
        from forms.models import LetterComment

        letter = self._published().filter(number=number).first() if self.public_listing else None
        if letter is None:
            raise Http404("该信件不存在或未公开。")
        comments = letter.comments.filter(status=LetterComment.Status.APPROVED)
        return self._render(
            request, "forms/letter_detail.html", {"letter": letter, "comments": list(comments)}
        )

    # --- 统计 ----------------------------------------------------------------------------------

    def statistics_letters(self):
        """The portal's 市长信箱 reports on all letters of the site group; other boxes on their own."""
        from forms.models import Letter
        from home.models import Organisation

        host = self.host_organisation
        if self.box_kind == self.Kind.MAYOR and host is not None and host.kind == Organisation.Kind.PORTAL:
            return Letter.objects.all(), True
        return Letter.objects.filter(box=self), False

    @path("statistics/", name="statistics")
    def statistics_route(self, request):
        from forms.statistics import letter_statistics, rating_distribution

        letters, all_boxes = self.statistics_letters()
        years = [moment.year for moment in letters.datetimes("received_at", "year", order="DESC")]
        year = request.GET.get("year", "")
        year = int(year) if year.isdigit() and int(year) in years else None
        start = end = None
        if year:
            start, end = date(year, 1, 1), date(year, 12, 31)
            letters = letters.filter(received_at__date__gte=start, received_at__date__lte=end)
        totals, rows = letter_statistics(letters)
        distribution = rating_distribution(letters)
        rated = sum(count for _label, count in distribution)
        return self._render(
            request,
            "forms/letter_statistics.html",
            {
                "totals": totals,
                "rows": rows,
                "chart_items": [(row.label, [row.received, row.replied]) for row in rows],
                "chart_series": [("收件", "#1f4e8c"), ("已答复", "#1d6b4f")],
                "distribution": [
                    (label, count, round(100 * count / rated, 1) if rated else 0)
                    for label, count in distribution
                ],
                "rating_chart_items": [(label, [count]) for label, count in distribution],
                "rating_chart_series": [("评价件数", "#8a2d1c")],
                "rated": rated,
                "years": years,
                "year": year,
                "all_boxes": all_boxes,
            },
        )
