from django.apps import AppConfig


class SubsitePagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "subsite_pages"
    verbose_name = "栏目与信息"
