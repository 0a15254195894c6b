from django.db import migrations


def remove_welcome_page(apps, schema_editor):
    """Wagtail's first migration adds a "Welcome" page and a localhost site; the group has its own."""
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    ContentType = apps.get_model("contenttypes", "ContentType")
    page_type = ContentType.objects.filter(app_label="wagtailcore", model="page").first()
    if page_type is None:
        return
    for page in Page.objects.filter(depth=2, content_type=page_type):
        Site.objects.filter(root_page=page).delete()
        root = Page.objects.get(depth=1)
        page.delete()
        root.numchild = Page.objects.filter(depth=2).count()
        root.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(remove_welcome_page, migrations.RunPython.noop)]
