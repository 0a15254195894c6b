"""Public pages of the disclosure catalogue (公开目录): filters, search, request filing and query.

The catalogue lists live documents where they are (pages under each unit's 政务公开 column): the
portal's catalogue (`group_wide`) the whole group's, a unit site's only its own unit's. Every
step of a request goes through `disclosure.workflow`; these views take input, apply the abuse
limits and render. Pages carrying a submission token, a query code or an applicant's own request
are sent with `Cache-Control: no-store`. Models are imported inside the methods:
`disclosure.models` imports this module.
"""

import hashlib
import os
from urllib.parse import urlencode

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.utils.cache import add_never_cache_headers
from wagtail.contrib.routable_page.models import path

from home import ratelimit, signed_links
from home.dates import cn_date
from home.public_forms import TOKEN, add_workflow_errors
from home.public_routes import PublicRoutesMixin

HOUR, DAY = 3600, 24 * 3600
# Every POST of the request form counts here first, so a robot cannot make the server check
# captchas without end.
ATTEMPT_LIMIT = ("disclosure-post-ip", 30, HOUR, "提交次数过多，请一小时后再试。")
# Requests actually filed: checked before any work, counted once the request is valid.
REQUEST_LIMITS = (
    ("disclosure-submit-ip-hour", 5, HOUR, "同一网络每小时最多提交 5 件申请，请一小时后再试。"),
    ("disclosure-submit-ip-day", 20, DAY, "同一网络每天最多提交 20 件申请，请明天再试。"),
)
# The answer document is reachable only through a link signed for one request and valid for ten
# minutes, handed out on the status page after the applicant's credentials were checked.
DOCUMENT_SALT = "disclosure.answer-document"
DOCUMENT_LINK_MAX_AGE = 10 * 60
KEYWORD_MAX_LENGTH = 50
# Notes of these steps are written for the applicant; others (e.g. whom a third-party
# consultation went to) stay internal.
APPLICANT_NOTES = {"request_clarification", "clarify", "extend", "answer", "close_unclarified"}
ROUTE_NAMES = ("index", "projects", "request", "query", "query_clarify", "query_withdraw")
# (GET parameter, title, field counted) of each facet, in the order shown.
FACETS = (
    ("unit", "发布机构", "organisation"),
    ("theme", "主题分类", "theme"),
    ("genre", "体裁分类", "genre"),
    ("year", "发布年份", "publish_date__year"),
    ("validity", "有效性", "validity"),
)
FILTER_KEYS = ("unit", "theme", "genre", "year", "validity", "q")


def _message(error):
    return " ".join(error.messages)


def _document_digest(name):
    # Binds the link to the file it was made for (a replaced answer document needs a new link)
    # without putting the stored name, readable in the signed payload, into the page.
    return hashlib.sha256(name.encode()).hexdigest()[:16]


def answer_document_token(application):
    """A signed token, valid for DOCUMENT_LINK_MAX_AGE seconds, for one request's answer document."""
    value = {"r": application.pk, "d": _document_digest(application.answer_document.name)}
    return signed_links.make_token(value, DOCUMENT_SALT)


def _is_document_value(value):
    return isinstance(value, dict) and isinstance(value.get("r"), int)


class CatalogueRoutes(PublicRoutesMixin):
    """Routes of DisclosureCataloguePage; the page model keeps only configuration."""

    # --- shared ------------------------------------------------------------------------------

    def catalogue_unit(self):
        """The unit whose site holds this catalogue (None outside every unit's tree)."""
        if not hasattr(self, "_catalogue_unit"):
            from workflows.models import organisation_for_page

            self._catalogue_unit = organisation_for_page(self)
        return self._catalogue_unit

    def guide_page(self):
        """The 公开指南 on the catalogue's own site, for the side menu."""
        if not hasattr(self, "_guide_page"):
            from disclosure.models import DisclosureGuidePage

            site = self.get_site()
            self._guide_page = (
                DisclosureGuidePage.objects.live().public().in_site(site).order_by("path").first()
                if site
                else None
            )
        return self._guide_page

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["catalogue_urls"] = {name: self.subpage_url(request, name) for name in ROUTE_NAMES}
        context["catalogue_unit"] = self.catalogue_unit()
        guide = self.guide_page()
        context["guide_url"] = guide.get_url(request) if guide else ""
        return context

    # --- 公开目录 -------------------------------------------------------------------------------

    def catalogue_documents(self):
        """Live public documents of the whole group (portal) or of the catalogue's unit."""
        from disclosure.models import DisclosureDocumentPage

        documents = DisclosureDocumentPage.objects.live().public()
        if self.group_wide:
            return documents
        unit = self.catalogue_unit()
        return documents.filter(organisation=unit) if unit else documents.none()

    def _units(self):
        """Units by label, for the 发布机构 facet (one query, however many units there are)."""
        from home.models import Organisation

        if not self.group_wide:
            return {}
        return {unit.label: unit for unit in Organisation.objects.only("pk", "label", "name", "short_name")}

    def _parse_filters(self, params, units):
        """The valid filters of the query string; anything else is ignored, never an error."""
        from disclosure.models import DisclosureDocumentPage, Genre, Theme

        filters = {}
        if params.get("unit", "") in units:
            filters["unit"] = params["unit"]
        if params.get("theme", "") in Theme.values:
            filters["theme"] = params["theme"]
        if params.get("genre", "") in Genre.values:
            filters["genre"] = params["genre"]
        year = params.get("year", "")
        if len(year) == 4 and year.isdigit():
            filters["year"] = year
        if params.get("validity", "") in DisclosureDocumentPage.Validity.values:
            filters["validity"] = params["validity"]
        keyword = " ".join(params.get("q", "").split())[:KEYWORD_MAX_LENGTH]
        if keyword:
            filters["q"] = keyword
        return filters

    @staticmethod
    def _apply(documents, filters, units, skip=None):
        for key, value in filters.items():
            if key == skip:
                continue
            if key == "unit":
                documents = documents.filter(organisation_id=units[value].pk)
            elif key == "year":
                documents = documents.filter(publish_date__year=int(value))
            elif key == "q":
                documents = documents.filter(
                    Q(title__icontains=value)
                    | Q(index_number__icontains=value)
                    | Q(document_number__icontains=value)
                    | Q(keywords__icontains=value)
                )
            else:
                documents = documents.filter(**{key: value})
        return documents

    def _query_string(self, filters, **changes):
        """The query string of `filters` with some changed (None removes), without the page."""
        merged = {**filters, **changes}
        return urlencode([(key, merged[key]) for key in FILTER_KEYS if merged.get(key)])

    def _facets(self, documents, filters, units, index_url):
        """Each facet's options with the number of documents each would show: the counts apply
        every other chosen filter, so they tell what choosing the option would give. One
        aggregate query per facet, however many documents and units there are."""
        from disclosure.models import DisclosureDocumentPage, Genre, Theme

        labels = {
            "theme": dict(Theme.choices),
            "genre": dict(Genre.choices),
            "validity": dict(DisclosureDocumentPage.Validity.choices),
        }
        facets = []
        for key, title, field in FACETS:
            if key == "unit" and not self.group_wide:
                continue
            rows = (
                self._apply(documents, filters, units, skip=key)
                .order_by()
                .values(field)
                .annotate(count=Count("pk"))
            )
            counts = {row[field]: row["count"] for row in rows}
            if key == "unit":
                # In the registry's order (portal, branches, departments, towns).
                choices = [
                    (unit.label, unit.short_name, counts.get(unit.pk, 0))
                    for unit in units.values()
                    if unit.pk in counts or unit.label == filters.get(key)
                ]
            elif key == "year":
                years = {str(year) for year in counts if year} | ({filters[key]} if key in filters else set())
                choices = [
                    (year, f"{year}年", counts.get(int(year), 0)) for year in sorted(years, reverse=True)
                ]
            else:
                choices = [
                    (value, label, counts.get(value, 0))
                    for value, label in labels[key].items()
                    if counts.get(value) or filters.get(key) == value
                ]
            selected = filters.get(key)
            options = []
            for value, label, count in choices:
                is_selected = value == selected
                query = self._query_string(filters, **{key: None if is_selected else value})
                options.append(
                    {
                        "value": value,
                        "label": label,
                        "count": count,
                        "selected": is_selected,
                        "url": f"{index_url}?{query}" if query else index_url,
                    }
                )
            clear = self._query_string(filters, **{key: None})
            facets.append(
                {
                    "key": key,
                    "title": title,
                    "options": options,
                    "total": sum(counts.values()),
                    "selected_label": next((o["label"] for o in options if o["selected"]), ""),
                    "clear_url": f"{index_url}?{clear}" if clear else index_url,
                    # Short lists, and lists with a choice made, start open; long ones stay
                    # folded so a phone shows the results without scrolling past them.
                    "open": bool(selected) or len(options) <= 6,
                }
            )
        return facets

    @path("", name="index")
    def index_route(self, request, *args, **kwargs):
        units = self._units()
        filters = self._parse_filters(request.GET, units)
        documents = self.catalogue_documents()
        index_url = self.subpage_url(request, "index")
        facets = self._facets(documents, filters, units, index_url)
        results = (
            self._apply(documents, filters, units)
            .select_related("organisation")
            .order_by("-publish_date", "-pk")
        )
        page_obj = Paginator(results, self.per_page or 20).get_page(request.GET.get("page"))
        for document in page_obj:
            # A document sits on its unit's site: from the portal this is a full URL.
            document.catalogue_link = document.get_url(request)
        selected = []
        facet_titles = {facet["key"]: facet for facet in facets}
        for key in FILTER_KEYS:
            if key not in filters:
                continue
            if key == "q":
                label = f"关键词：{filters['q']}"
            else:
                facet = facet_titles[key]
                label = f"{facet['title']}：{facet['selected_label'] or filters[key]}"
            query = self._query_string(filters, **{key: None})
            selected.append({"label": label, "url": f"{index_url}?{query}" if query else index_url})
        return self._render(
            request,
            "disclosure/disclosure_catalogue_page.html",
            {
                "filters": filters,
                "facets": facets,
                "page_obj": page_obj,
                "page_query": self._query_string(filters),
                "selected_filters": selected,
            },
        )

    # --- 重点工程 / 为民办实事 -----------------------------------------------------------------

    @path("projects/", name="projects")
    def projects_route(self, request):
        from disclosure.models import KeyProjectPage, ProjectProgress

        projects = KeyProjectPage.objects.live().public()
        if not self.group_wide:
            unit = self.catalogue_unit()
            projects = projects.filter(organisation=unit) if unit else projects.none()
        years = sorted(set(projects.values_list("year", flat=True)), reverse=True)
        kind = request.GET.get("kind", "")
        kind = kind if kind in KeyProjectPage.Kind.values else ""
        year = request.GET.get("year", "")
        year = int(year) if year.isdigit() and int(year) in years else None
        if kind:
            projects = projects.filter(kind=kind)
        if year:
            projects = projects.filter(year=year)
        projects = (
            projects.select_related("organisation")
            .prefetch_related(
                Prefetch(
                    "progress",
                    queryset=ProjectProgress.objects.order_by("-reported_on", "-pk"),
                    to_attr="progress_newest_first",
                )
            )
            .order_by("-year", "path")
        )
        page_obj = Paginator(projects, self.per_page or 20).get_page(request.GET.get("page"))
        for project in page_obj:
            project.latest = project.progress_newest_first[0] if project.progress_newest_first else None
            project.link = project.get_url(request)
        filters = {key: value for key, value in (("kind", kind), ("year", year)) if value}
        return self._render(
            request,
            "disclosure/key_project_list.html",
            {
                "page_obj": page_obj,
                "kinds": KeyProjectPage.Kind.choices,
                "years": years,
                "kind": kind,
                "year": year,
                "page_query": urlencode(filters),
            },
        )

    # --- 依申请公开 -----------------------------------------------------------------------------

    @path("request/", name="request")
    def request_route(self, request):
        if not self.group_wide and self.catalogue_unit() is None:
            raise Http404("本目录未关联受理机关。")
        if request.method == "POST":
            return self._file_request(request)
        return self._request_page(request, self._new_request_form())

    def _new_request_form(self, initial=None):
        from disclosure import workflow
        from disclosure.forms import DisclosureRequestForm

        initial = {"token": workflow.new_submission_token(), **(initial or {})}
        return DisclosureRequestForm(initial=initial, pick_unit=self.group_wide)

    def _request_page(self, request, form, status=200, message="", retry_after=None):
        response = self._render(
            request,
            "disclosure/request_form.html",
            {"form": form, "message": message, "pick_unit": self.group_wide},
            status=status,
            # The form holds a one-time submission token: a cached copy would hand one token to
            # many applicants, and all but the first would be told theirs was a duplicate.
            private=True,
        )
        if retry_after:
            response["Retry-After"] = str(int(retry_after))
        return response

    def _kept_values(self, request):
        """What the applicant typed, for a fresh form when the posted one cannot be checked."""
        fields = (
            "organisation",
            "applicant_type",
            "organisation_kind",
            "name",
            "id_number",
            "contact_name",
            "phone",
            "email",
            "address",
            "description",
            "delivery",
            "acquisition",
            "token",
        )
        return {name: request.POST.get(name, "") for name in fields}

    def _refuse(self, request, message, period):
        """429 on the form page itself, with everything typed still in the form."""
        form = self._new_request_form(self._kept_values(request))
        return self._request_page(
            request, form, status=429, message=message, retry_after=ratelimit.retry_after(period)
        )

    def _duplicate(self, request, existing):
        message = (
            f"该申请已经提交过（申请编号 {existing.receipt_number}），请勿重复提交。"
            "请使用首次提交时获得的查询码查询办理进度。"
        )
        # A blank form with a new token: filing another request must be a deliberate act.
        return self._request_page(request, self._new_request_form(), status=409, message=message)

    def _file_request(self, request):
        from disclosure import workflow
        from disclosure.forms import DisclosureRequestForm
        from disclosure.models import DisclosureRequest

        ip = ratelimit.client_ip(request)
        scope, limit, period, message = ATTEMPT_LIMIT
        if not ratelimit.hit(scope, ip, limit, period):
            return self._refuse(request, message, period)
        for scope, limit, period, message in REQUEST_LIMITS:
            if ratelimit.is_limited(scope, ip, limit, period):
                return self._refuse(request, message, period)

        # A replayed form (the back button, a resent request) carries a used token: say so
        # before the used-up captcha would send the applicant round again.
        token = request.POST.get("token", "")
        if TOKEN.match(token):
            existing = DisclosureRequest.objects.filter(submission_token=token).only("receipt_number").first()
            if existing is not None:
                return self._duplicate(request, existing)

        form = DisclosureRequestForm(request.POST, pick_unit=self.group_wide)
        if not form.is_valid():
            return self._request_page(request, form, status=400)
        for scope, limit, period, message in REQUEST_LIMITS:
            if not ratelimit.hit(scope, ip, limit, period):
                return self._refuse(request, message, period)
        data = form.cleaned_data
        unit = data["organisation"] if self.group_wide else self.catalogue_unit()
        try:
            application, code = workflow.submit_request(
                unit,
                token=data["token"],
                applicant_kind=form.applicant_kind,
                name=data["name"],
                id_number=data["id_number"],
                phone=data["phone"],
                description=data["description"],
                delivery=data["delivery"],
                acquisition=data["acquisition"],
                contact_name=data["contact_name"] if form.applicant_kind != "person" else "",
                email=data["email"],
                address=data["address"],
                ip=ip or None,
            )
        except workflow.DuplicateSubmission as duplicate:
            return self._duplicate(request, duplicate.request)
        except ValidationError as error:
            add_workflow_errors(form, error)
            form.refresh_captcha()
            return self._request_page(request, form, status=400)
        return self._render(
            request,
            "disclosure/request_receipt.html",
            {"application": application, "query_code": code, "unit": unit},
            private=True,
        )

    # --- 申请查询 -------------------------------------------------------------------------------

    @path("request/query/", name="query")
    def query_route(self, request):
        from disclosure.forms import RequestQueryForm

        if request.method != "POST":
            return self._query_page(request, RequestQueryForm())
        form = RequestQueryForm(request.POST)
        if not form.is_valid():
            return self._query_page(request, form, status=400)
        application, refused = self._find(request, form.cleaned_data)
        if refused is not None:
            return self._query_page(request, form, status=refused.status, message=refused.message)
        return self._status_page(request, application, form.cleaned_data)

    @path("request/query/clarify/", name="query_clarify")
    def clarify_route(self, request):
        from disclosure import workflow
        from disclosure.forms import ClarifyForm

        application, credentials, refusal = self._verified(request)
        if refusal is not None:
            return refusal
        form = ClarifyForm(request.POST)
        if not form.is_valid():
            return self._status_page(request, application, credentials, clarify_form=form, status=400)
        try:
            workflow.applicant_action(application, "clarify", form.cleaned_data["note"])
        except workflow.TransitionError as error:
            return self._status_page(request, application, credentials, status=409, error=_message(error))
        except ValidationError as error:
            add_workflow_errors(form, error)
            return self._status_page(request, application, credentials, clarify_form=form, status=400)
        application = self._reload(application)
        notice = (
            "补正内容已提交。答复期限自收到补正之日起重新计算，"
            f"新的答复期限为 {cn_date(application.due_date)}。"
        )
        return self._status_page(request, application, credentials, notice=notice)

    @path("request/query/withdraw/", name="query_withdraw")
    def withdraw_route(self, request):
        from disclosure import workflow
        from disclosure.forms import WithdrawForm

        application, credentials, refusal = self._verified(request)
        if refusal is not None:
            return refusal
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return self._status_page(request, application, credentials, withdraw_form=form, status=400)
        try:
            workflow.applicant_action(application, "withdraw")
        except ValidationError as error:
            return self._status_page(request, application, credentials, status=409, error=_message(error))
        return self._status_page(
            request, self._reload(application), credentials, notice="您的申请已撤回，本申请办理终止。"
        )

    def _find(self, request, credentials):
        from disclosure import workflow

        try:
            return workflow.find_request(
                credentials["receipt_number"], credentials["code"], ratelimit.client_ip(request)
            ), None
        except workflow.QueryRefused as refused:
            return None, refused

    def _verified(self, request):
        """(request, credentials, None) for a POST whose hidden number and code are right again,
        else (None, None, the query page explaining why)."""
        from disclosure.forms import RequestCredentialsForm, RequestQueryForm

        if request.method != "POST":
            return None, None, self._query_page(request, RequestQueryForm())
        credentials = RequestCredentialsForm(request.POST)
        if not credentials.is_valid():
            message = "请先输入申请编号和查询码查询。"
            return None, None, self._query_page(request, RequestQueryForm(), status=400, message=message)
        application, refused = self._find(request, credentials.cleaned_data)
        if refused is not None:
            form = RequestQueryForm(initial={"receipt_number": credentials.cleaned_data["receipt_number"]})
            return None, None, self._query_page(request, form, status=refused.status, message=refused.message)
        return application, credentials.cleaned_data, None

    def _reload(self, application):
        from disclosure.models import DisclosureRequest

        return DisclosureRequest.objects.select_related("organisation").get(pk=application.pk)

    def _query_page(self, request, form, status=200, message=""):
        return self._render(
            request,
            "disclosure/request_query.html",
            {"query_form": form, "error": message},
            status=status,
            private=True,
        )

    def _status_page(
        self,
        request,
        application,
        credentials,
        clarify_form=None,
        withdraw_form=None,
        status=200,
        notice="",
        error="",
    ):
        from disclosure.forms import ClarifyForm, WithdrawForm
        from disclosure.models import DisclosureRequest
        from disclosure.workflow import result_label

        S = DisclosureRequest.State
        hidden = {"receipt_number": application.receipt_number, "code": credentials["code"]}
        if application.state == S.CLARIFICATION:
            clarify_form = clarify_form or ClarifyForm(initial=hidden)
        else:
            clarify_form = None
        if application.state in (S.RECEIVED, S.CLARIFICATION):
            withdraw_form = withdraw_form or WithdrawForm(initial=hidden)
        else:
            withdraw_form = None
        history = [
            {
                "time": event.created_at,
                "label": event.get_action_label(),
                "actor": event.actor_label,
                "due_date": event.due_date,
                "note": event.note if event.action in APPLICANT_NOTES else "",
            }
            for event in application.events.all()
        ]
        document_url = ""
        if application.state == S.ANSWERED and application.answer_document:
            document_url = self.subpage_url(request, "answer_document", answer_document_token(application))
        return self._render(
            request,
            "disclosure/request_status.html",
            {
                "application": application,
                "history": history,
                "result_text": result_label(application.result) if application.result else "",
                "clarify_form": clarify_form,
                "withdraw_form": withdraw_form,
                "document_url": document_url,
                "link_minutes": DOCUMENT_LINK_MAX_AGE // 60,
                "notice": notice,
                "error": error,
            },
            status=status,
            private=True,
        )

    @path("request/answer/<str:token>/", name="answer_document")
    def answer_document_route(self, request, token):
        """The answer document, for a link signed on the status page less than ten minutes ago."""
        from disclosure.forms import RequestQueryForm
        from disclosure.models import DisclosureRequest

        try:
            payload = signed_links.read_token(
                token, DOCUMENT_SALT, DOCUMENT_LINK_MAX_AGE, validate=_is_document_value
            )
        except signing.SignatureExpired:
            message = "下载链接已过期（有效期 10 分钟）。请重新输入申请编号和查询码查询后下载。"
            return self._query_page(request, RequestQueryForm(), status=403, message=message)
        except signing.BadSignature:
            raise Http404("下载链接无效。") from None
        application = DisclosureRequest.objects.filter(
            pk=payload["r"], state=DisclosureRequest.State.ANSWERED
        ).first()
        if (
            application is None
            or not application.answer_document
            or payload.get("d") != _document_digest(application.answer_document.name)
        ):
            raise Http404("下载链接无效。")
        try:
            handle = application.answer_document.open("rb")
        except OSError:
            raise Http404("答复书文件不存在。") from None
        extension = os.path.splitext(application.answer_document.name)[1] or ".pdf"
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=f"政府信息公开申请答复书-{application.receipt_number}{extension}",
        )
        add_never_cache_headers(response)
        return response
