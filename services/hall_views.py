"""Public pages of the service hall: every department's live guides browsed by facet and keyword,
and the applicant's 办件查询 (status, 补正, withdrawal, rating, downloads).

The applicant proves who they are with the receipt number and the last six characters of their
ID, by POST only; every later action of the status page carries both again (hidden) and is
checked again by `services.workflow.find_application`, which also locks out guessing. Files are
never reachable by a URL one could guess: the status page hands out download links signed for one
application and one file, valid for ten minutes. Every page that shows an application is sent
with `Cache-Control: no-store`. Domain rules stay in `services.workflow`.
Models and forms are imported inside the methods: `services.models` imports this module.
"""

import re
from urllib.parse import urlencode

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.utils.cache import add_never_cache_headers
from wagtail.contrib.routable_page.models import path

from home import ratelimit, signed_links
from home.public_forms import add_workflow_errors
from home.public_routes import PublicRoutesMixin
from home.templatetags.portal_tags import cn_date

HOUR = 3600
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")
MAX_KEYWORD = 50
# GET parameter → (field, label); the order is the order of the facet panels and of query strings.
AUDIENCES = {"individual": ("for_individuals", "个人办事"), "legal": ("for_legal_persons", "法人办事")}
FILTER_KEYS = ("q", "audience", "dept", "theme", "event", "type", "depth")
# Status-page actions (resubmit, withdraw, rate) per address: enough for any applicant, and a
# ceiling on how often a robot holding valid credentials can make us store files.
ACTION_LIMIT = ("service-query-action-ip", 30, HOUR, "操作过于频繁，请一小时后再试。")
DOWNLOAD_SALT = "services.hall.download"
DOWNLOAD_MAX_AGE = 10 * 60
# Notes of these steps are written for the applicant; every other note is between staff.
PUBLIC_NOTES = {"request_supplement", "reject"}
ROUTE_NAMES = ("index", "query", "query_resubmit", "query_withdraw", "query_rate")


def download_token(application, key):
    """A link token for one file of one application: `key` is an ApplicationMaterial's pk, or
    "result" for the result document. Valid for DOWNLOAD_MAX_AGE seconds."""
    return signed_links.make_token([application.pk, key], DOWNLOAD_SALT)


def _is_download_value(value):
    return isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)


def read_download_token(token):
    """(application pk, key); raises signing.SignatureExpired or signing.BadSignature."""
    return signed_links.read_token(token, DOWNLOAD_SALT, DOWNLOAD_MAX_AGE, validate=_is_download_value)


def _keyword_q(keyword):
    return (
        Q(title__icontains=keyword)
        | Q(basic_code__icontains=keyword)
        | Q(implementation_code__icontains=keyword)
    )


class ServiceHallRoutes(PublicRoutesMixin):
    """Routes of ServiceHallPage; the page model keeps only configuration."""

    # --- shared ------------------------------------------------------------------------------

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["hall_urls"] = {name: self.subpage_url(request, name) for name in ROUTE_NAMES}
        return context

    # --- 大厅：分类浏览与搜索 --------------------------------------------------------------------

    @path("", name="index")
    def index_route(self, request, *args, **kwargs):
        from services.models import ServiceItemPage
        from services.workflow import hall_counts

        filters = self._filters(request)
        # .public() looks the view restrictions up once, here; the facet counts reuse it.
        base = ServiceItemPage.objects.live().public()
        results = (
            self._filtered(base, filters)
            .select_related("organisation")
            .order_by("organisation__sort_order", "organisation_id", "path")
        )
        per_page = min(max(self.per_page or 20, 1), 100)
        page_obj = Paginator(results, per_page).get_page(request.GET.get("page"))
        for item in page_obj:
            item.hall_link = item.get_url(request)
        facets = self._facets(base, filters)
        selected = [
            {"label": option["group"] + "：" + option["label"], "url": option["url"]}
            for facet in facets
            for option in facet["all_options"]
            if option["selected"]
        ]
        if filters.get("q"):
            selected.insert(0, {"label": f"关键词：{filters['q']}", "url": self._url({**filters, "q": ""})})
        return self._render(
            request,
            "services/service_hall_page.html",
            {
                "counts": hall_counts(),
                "filters": filters,
                "facets": facets,
                "selected_filters": selected,
                "page_obj": page_obj,
                "page_query": urlencode([(k, filters[k]) for k in FILTER_KEYS if filters.get(k)]),
                "query_form": self._query_form(),
            },
        )

    def _filters(self, request):
        """The valid GET filters; anything else is ignored rather than refused."""
        from services.models import ServiceItemPage

        get = request.GET
        filters = {}
        keyword = " ".join(get.get("q", "").split())[:MAX_KEYWORD]
        if keyword:
            filters["q"] = keyword
        for key in ("dept", "theme", "event"):
            if SLUG.match(get.get(key, "")):
                filters[key] = get[key]
        if get.get("audience") in AUDIENCES:
            filters["audience"] = get["audience"]
        if get.get("type") in ServiceItemPage.ItemType.values:
            filters["type"] = get["type"]
        if get.get("depth") in ServiceItemPage.OnlineDepth.values:
            filters["depth"] = get["depth"]
        return filters

    @staticmethod
    def _filtered(items, filters, skip=None):
        for key, value in filters.items():
            if key == skip:
                continue
            if key == "q":
                items = items.filter(_keyword_q(value))
            elif key == "dept":
                items = items.filter(organisation__label=value)
            elif key == "theme":
                items = items.filter(themes__slug=value)
            elif key == "event":
                items = items.filter(life_events__slug=value)
            elif key == "audience":
                items = items.filter(**{AUDIENCES[value][0]: True})
            elif key == "type":
                items = items.filter(item_type=value)
            elif key == "depth":
                items = items.filter(online_depth=value)
        return items

    @staticmethod
    def _url(filters):
        query = urlencode([(key, filters[key]) for key in FILTER_KEYS if filters.get(key)])
        return f"?{query}" if query else "?"

    def _option(self, filters, group, key, value, label, count):
        """One facet value: selecting it keeps the other filters; selecting it again clears it."""
        selected = filters.get(key) == value
        return {
            "group": group,
            "label": label,
            "count": count,
            "selected": selected,
            "url": self._url({**filters, key: "" if selected else value}),
        }

    def _facet(self, filters, key, title, options, groups=None):
        return {
            "key": key,
            "title": title,
            "options": options,
            "groups": groups,
            "all_options": options if groups is None else [o for _label, opts in groups for o in opts],
            "any_selected": key in filters,
            "clear_url": self._url({**filters, key: ""}),
        }

    def _counts(self, base, filters, key, field):
        """{value: number of items} for one facet, under every filter but its own: one query."""
        rows = (
            self._filtered(base, filters, skip=key)
            .order_by()
            .values(field)
            .annotate(n=Count("pk", distinct=True))
        )
        return {row[field]: row["n"] for row in rows if row[field] is not None}

    def _facets(self, base, filters):
        """Each facet's values with their counts; a fixed number of queries however many items,
        departments, themes or events there are."""
        from home.models import Organisation
        from services.models import LifeEvent, ServiceItemPage, ServiceTheme

        facets = []

        audience_counts = self._filtered(base, filters, skip="audience").aggregate(
            **{
                key: Count("pk", distinct=True, filter=Q(**{field: True}))
                for key, (field, _label) in AUDIENCES.items()
            }
        )
        facets.append(
            self._facet(
                filters,
                "audience",
                "按服务对象",
                [
                    self._option(filters, "服务对象", "audience", key, label, audience_counts[key])
                    for key, (_field, label) in AUDIENCES.items()
                ],
            )
        )

        rows = (
            self._filtered(base, filters, skip="dept")
            .order_by()
            .values("organisation__label", "organisation__short_name", "organisation__sort_order")
            .annotate(n=Count("pk", distinct=True))
            .order_by("organisation__sort_order", "organisation__label")
        )
        departments = [
            self._option(
                filters, "部门", "dept", row["organisation__label"], row["organisation__short_name"], row["n"]
            )
            for row in rows
            if row["organisation__label"]
        ]
        wanted = filters.get("dept")
        if wanted and not any(option["selected"] for option in departments):
            # The chosen department has nothing under the other filters: still show it, to clear.
            name = Organisation.objects.filter(label=wanted).values_list("short_name", flat=True).first()
            departments.insert(0, self._option(filters, "部门", "dept", wanted, name or wanted, 0))
        facets.append(self._facet(filters, "dept", "按部门", departments))

        def by_model(key, field, objects, group):
            counts = self._counts(base, filters, key, field)
            return [
                self._option(filters, group, key, obj.slug, obj.name, counts.get(obj.pk, 0))
                for obj in objects
                if counts.get(obj.pk) or filters.get(key) == obj.slug
            ]

        facets.append(
            self._facet(
                filters, "theme", "按主题", by_model("theme", "themes", ServiceTheme.objects.all(), "主题")
            )
        )
        events = list(LifeEvent.objects.all())
        counts = self._counts(base, filters, "event", "life_events")
        personal, legal = [], []
        for event in events:
            if counts.get(event.pk) or filters.get("event") == event.slug:
                option = self._option(
                    filters, "人生事件", "event", event.slug, event.name, counts.get(event.pk, 0)
                )
                (legal if event.for_legal_persons else personal).append(option)
        facets.append(
            self._facet(
                filters,
                "event",
                "按人生事件",
                personal + legal,
                groups=[(label, opts) for label, opts in (("个人", personal), ("法人", legal)) if opts],
            )
        )

        for key, field, title, group, choices in (
            ("type", "item_type", "按事项类型", "事项类型", ServiceItemPage.ItemType.choices),
            ("depth", "online_depth", "按网办深度", "网办深度", ServiceItemPage.OnlineDepth.choices),
        ):
            counts = self._counts(base, filters, key, field)
            facets.append(
                self._facet(
                    filters,
                    key,
                    title,
                    [
                        self._option(filters, group, key, value, label, counts.get(value, 0))
                        for value, label in choices
                        if counts.get(value) or filters.get(key) == value
                    ],
                )
            )
        return facets

    # --- 办件查询 -------------------------------------------------------------------------------

    def _query_form(self, initial=None):
        from services.forms import QueryForm

        return QueryForm(initial=initial)

    @path("query/", name="query")
    def query_route(self, request):
        from services.forms import QueryForm, normalise_code

        if request.method != "POST":
            # Only the receipt number may come in a link (the receipt page's); never the ID tail.
            number = normalise_code(request.GET.get("no", ""))[:24]
            return self._query_page(request, self._query_form({"receipt_number": number} if number else None))
        form = QueryForm(request.POST)
        if not form.is_valid():
            return self._query_page(request, form, status=400)
        application, refused = self._find(request, form.cleaned_data)
        if refused is not None:
            return self._query_page(request, form, status=refused.status, message=refused.message)
        return self._status_page(request, application, form.cleaned_data)

    def _find(self, request, credentials):
        from services import workflow

        try:
            application = workflow.find_application(
                credentials["receipt_number"], credentials["id_tail"], ratelimit.client_ip(request)
            )
        except workflow.QueryRefused as refused:
            return None, refused
        return application, None

    def _verified(self, request, action):
        """(application, credentials, None) for a POST whose hidden receipt number and ID tail
        are right again and whose application is open to `action`, else (None, None, the page
        explaining why)."""
        from services import workflow
        from services.forms import CredentialsForm

        if request.method != "POST":
            return None, None, self._query_page(request, self._query_form())
        scope, limit, period, message = ACTION_LIMIT
        if not ratelimit.hit(scope, ratelimit.client_ip(request), limit, period):
            response = self._query_page(request, self._query_form(), status=429, message=message)
            response["Retry-After"] = str(ratelimit.retry_after(period))
            return None, None, response
        credentials = CredentialsForm(request.POST)
        if not credentials.is_valid():
            return (
                None,
                None,
                self._query_page(
                    request, self._query_form(), status=400, message="请先输入受理编号和证件号码后六位查询。"
                ),
            )
        application, refused = self._find(request, credentials.cleaned_data)
        if refused is not None:
            form = self._query_form({"receipt_number": credentials.cleaned_data["receipt_number"]})
            return None, None, self._query_page(request, form, status=refused.status, message=refused.message)
        # Checked before the form, so that a stale page (the application has moved on) is told
        # so, rather than shown a form that is no longer on the page. The workflow checks again.
        transition = workflow.TRANSITIONS[action]
        if application.state not in transition.sources or (action == "rate" and application.rating):
            message = (
                "您已评价过该办件。"
                if application.rating and action == "rate"
                else f"办件当前状态为“{application.get_state_display()}”，不能{transition.label}。"
            )
            response = self._status_page(
                request, application, credentials.cleaned_data, status=409, error=message
            )
            return None, None, response
        return application, credentials.cleaned_data, None

    def _query_page(self, request, form, status=200, message=""):
        response = self._render(
            request,
            "services/hall_query.html",
            {"query_form": form, "error": message},
            status=status,
            private=True,
        )
        if status == 429:
            response["Retry-After"] = str(ratelimit.retry_after(HOUR))
        return response

    @path("query/resubmit/", name="query_resubmit")
    def resubmit_route(self, request):
        from services import workflow
        from services.forms import ResubmitForm

        application, credentials, refusal = self._verified(request, "resubmit")
        if refusal is not None:
            return refusal
        form = ResubmitForm(request.POST, request.FILES, materials=self._materials(application))
        files_sent = any(request.FILES.getlist(name) for name in request.FILES)
        if not form.is_valid():
            return self._status_page(
                request, application, credentials, resubmit_form=form, status=400, files_lost=files_sent
            )
        try:
            application = workflow.applicant_action(
                application, "resubmit", note=form.cleaned_data["note"], files_by_slot=form.checked_materials
            )
        except workflow.TransitionError as error:
            return self._status_page(request, application, credentials, status=409, error=error.messages[0])
        except ValidationError as error:
            add_workflow_errors(form, error)
            return self._status_page(
                request, application, credentials, resubmit_form=form, status=400, files_lost=files_sent
            )
        notice = f"补正材料已提交。窗口将于 {cn_date(application.precheck_due)} 前完成预审。"
        return self._status_page(request, self._reload(application), credentials, notice=notice)

    @path("query/withdraw/", name="query_withdraw")
    def withdraw_route(self, request):
        from services import workflow
        from services.forms import WithdrawForm

        application, credentials, refusal = self._verified(request, "withdraw")
        if refusal is not None:
            return refusal
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return self._status_page(request, application, credentials, withdraw_form=form, status=400)
        try:
            application = workflow.applicant_action(application, "withdraw", note=form.cleaned_data["note"])
        except ValidationError as error:
            return self._status_page(request, application, credentials, status=409, error=error.messages[0])
        return self._status_page(request, self._reload(application), credentials, notice="申请已撤回。")

    @path("query/rate/", name="query_rate")
    def rate_route(self, request):
        from services import workflow
        from services.forms import RatingForm

        application, credentials, refusal = self._verified(request, "rate")
        if refusal is not None:
            return refusal
        form = RatingForm(request.POST)
        if not form.is_valid():
            return self._status_page(request, application, credentials, rating_form=form, status=400)
        try:
            application = workflow.applicant_action(
                application, "rate", note=form.cleaned_data["comment"], rating=form.cleaned_data["rating"]
            )
        except workflow.TransitionError as error:
            return self._status_page(request, application, credentials, status=409, error=error.messages[0])
        except ValidationError as error:
            add_workflow_errors(form, error)
            return self._status_page(request, application, credentials, rating_form=form, status=400)
        return self._status_page(request, self._reload(application), credentials, notice="感谢您的评价！")

    def _reload(self, application):
        from services.models import Application

        return Application.objects.select_related("item", "organisation").get(pk=application.pk)

    @staticmethod
    def _materials(application):
        return application.item.materials.all()

    def _status_page(
        self,
        request,
        application,
        credentials,
        resubmit_form=None,
        withdraw_form=None,
        rating_form=None,
        status=200,
        notice="",
        error="",
        files_lost=False,
    ):
        from services.forms import MATERIAL_HELP, RatingForm, ResubmitForm, WithdrawForm
        from services.models import Application

        S = Application.State
        hidden = {"receipt_number": application.receipt_number, "id_tail": credentials["id_tail"]}
        state = application.state
        if state == S.SUPPLEMENT and resubmit_form is None:
            resubmit_form = ResubmitForm(initial=hidden, materials=self._materials(application))
        if state in (S.SUBMITTED, S.SUPPLEMENT) and withdraw_form is None:
            withdraw_form = WithdrawForm(initial=hidden)
        closed = state == S.CLOSED
        if closed and not application.rating and rating_form is None:
            rating_form = RatingForm(initial=hidden)
        history = [
            {
                "time": event.created_at,
                "label": event.get_action_label(),
                "post": event.post,
                "note": event.note if event.action in PUBLIC_NOTES else "",
            }
            for event in application.events.filter(public=True)
        ]
        rounds = {}
        for stored in application.materials.all():
            stored.download_url = self.subpage_url(
                request, "download", download_token(application, stored.pk)
            )
            rounds.setdefault(stored.round, []).append(stored)
        result_url = ""
        if closed and application.result_document:
            result_url = self.subpage_url(request, "download", download_token(application, "result"))
        item_url = application.item.get_url(request) if application.item.live else ""
        return self._render(
            request,
            "services/application_status.html",
            {
                "application": application,
                "item_url": item_url,
                "closed": closed,
                "history": history,
                "material_rounds": sorted(rounds.items()),
                "result_url": result_url,
                "resubmit_form": resubmit_form if state == S.SUPPLEMENT else None,
                "withdraw_form": withdraw_form if state in (S.SUBMITTED, S.SUPPLEMENT) else None,
                "rating_form": rating_form if closed and not application.rating else None,
                "notice": notice,
                "error": error,
                "files_lost": files_lost,
                "download_minutes": DOWNLOAD_MAX_AGE // 60,
                "material_help": MATERIAL_HELP,
            },
            status=status,
            private=True,
        )

    # --- 下载（仅凭查询页上的签名链接）---------------------------------------------------------------

    @path("query/file/<str:token>/", name="download")
    def download_route(self, request, token):
        from home.uploads import CONTENT_TYPES
        from services.models import Application

        if request.method not in ("GET", "HEAD"):
            raise Http404
        try:
            application_pk, key = read_download_token(token)
        except signing.SignatureExpired:
            return self._query_page(
                request,
                self._query_form(),
                status=403,
                message=f"下载链接已过期（有效期 {DOWNLOAD_MAX_AGE // 60} 分钟），请重新查询后再下载。",
            )
        except signing.BadSignature:
            raise Http404("文件不存在。") from None
        application = Application.objects.select_related("item").filter(pk=application_pk).first()
        if application is None:
            raise Http404("文件不存在。")
        if key == "result":
            if application.state != Application.State.CLOSED or not application.result_document:
                raise Http404("文件不存在。")
            stored_file = application.result_document
            filename = f"{application.receipt_number}-{application.item.result_name or '办理结果'}.pdf"
            content_type = CONTENT_TYPES["pdf"]
        else:
            stored = application.materials.filter(pk=key).first() if isinstance(key, int) else None
            if stored is None:
                raise Http404("文件不存在。")
            stored_file, filename = stored.file, stored.original_name
            content_type = CONTENT_TYPES.get(stored.kind, "application/octet-stream")
        try:
            handle = stored_file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404("文件不存在。") from None
        response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
        add_never_cache_headers(response)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        return response
