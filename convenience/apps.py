from django.apps import AppConfig


class ConvenienceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "convenience"
    verbose_name = "便民服务"
