from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disclosure"
    verbose_name = "政务公开"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save
        from wagtail.signals import page_published

        from disclosure import workflow

        post_migrate.connect(_ensure_groups_after_migrate, sender=self)
        page_published.connect(_issue_index_number, weak=False)
        for signal in (post_save, post_delete):
            signal.connect(_calendar_changed, sender="home.WorkdayOverride", weak=False)
        assert workflow


def _ensure_groups_after_migrate(**kwargs):
    from disclosure.workflow import ensure_role_groups

    ensure_role_groups()


def _issue_index_number(sender, instance, **kwargs):
    from disclosure.models import DisclosureDocumentPage
    from disclosure.workflow import issue_index_number

    if isinstance(instance, DisclosureDocumentPage):
        issue_index_number(instance)


def _calendar_changed(**kwargs):
    from disclosure.workflow import recompute_open_deadlines
    from home.workdays import forget_overrides

    forget_overrides()
    recompute_open_deadlines()
