from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflows"
    verbose_name = "审核与信息报送"

    def ready(self):
        from workflows import signals  # noqa: F401
