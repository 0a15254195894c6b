from django.db import migrations


def detach_default_workflow(apps, schema_editor):
    """Wagtail assigns its "Moderators approval" workflow to the whole tree, sending every
    submission to a global "Moderators" group that no unit belongs to. Units review their own
    content, so that global assignment is removed."""
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage.objects.filter(page__depth=1, workflow__name="Moderators approval").delete()
    Workflow.objects.filter(name="Moderators approval").update(active=False)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_remove_wagtail_welcome_page"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(detach_default_workflow, migrations.RunPython.noop)]
