import secrets

from django.utils import timezone
from wagtail.admin.forms import WagtailAdminPageForm

from workflows.word_forms import SensitiveWordFormMixin


class GeneratedSlugMixin:
    """Chinese titles give no Latin slug: when the editor leaves the slug empty, the page gets
    a readable dated one (20261128-3fa9c2) instead of a validation error on a hidden tab."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "网址中的名称，只能用英文字母、数字和连字符；留空时自动生成。"

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug:
            return slug
        return f"{timezone.localdate():%Y%m%d}-{secrets.token_hex(3)}"


class ArticlePageForm(GeneratedSlugMixin, SensitiveWordFormMixin, WagtailAdminPageForm):
    """Offers as 推送到 targets only columns of other sites that accept submissions,
    labelled with their site: “主站·部门动态”, “教育分站·教育资讯”."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("syndication_targets")
        if field is None:
            return
        from home.models import Organisation
        from subsite_pages.models import ColumnPage

        parent = self.parent_page or (self.instance.get_parent() if self.instance.pk else None)
        own_site = parent.get_site() if parent else None
        sites = {
            organisation.site.root_page.path: ("主站" if organisation.kind == "portal" else organisation.name)
            for organisation in Organisation.objects.filter(
                kind__in=[Organisation.Kind.PORTAL, Organisation.Kind.BRANCH], site__isnull=False
            ).select_related("site__root_page")
        }
        columns = ColumnPage.objects.live().filter(accepts_submissions=True).order_by("path")
        if own_site is not None:
            columns = columns.exclude(path__startswith=own_site.root_page.path)
        field.queryset = columns

        def label(column):
            site_name = next((name for path, name in sites.items() if column.path.startswith(path)), "")
            return f"{site_name}·{column.title}" if site_name else column.title

        field.label_from_instance = label


class ContentPageForm(GeneratedSlugMixin, SensitiveWordFormMixin, WagtailAdminPageForm):
    """错敏词检查 on submit / publish."""
