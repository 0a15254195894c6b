from django.db import migrations

WORKFLOWS = ("子站审核", "主站审核")


def create_review_workflows(apps, schema_editor):
    """One level-1 workflow for every unit and one for the portal and branches, each with a
    UnitReviewTask that finds the reviewers from the page's site."""
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    UnitReviewTask = apps.get_model("workflows", "UnitReviewTask")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Organisation = apps.get_model("home", "Organisation")
    task_type, _ = ContentType.objects.get_or_create(app_label="workflows", model="unitreviewtask")
    workflows = {}
    for name in WORKFLOWS:
        workflow, created = Workflow.objects.get_or_create(name=name, defaults={"active": True})
        if created:
            task = UnitReviewTask.objects.create(
                name=f"{name}：本单位管理员审核", content_type=task_type, active=True
            )
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        workflows[name] = workflow
    for organisation in Organisation.objects.filter(site__isnull=False).select_related("site"):
        name = "主站审核" if organisation.kind in ("portal", "branch") else "子站审核"
        WorkflowPage.objects.update_or_create(
            page_id=organisation.site.root_page_id, defaults={"workflow": workflows[name]}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0001_initial"),
        ("home", "0003_no_default_moderation"),
    ]

    operations = [migrations.RunPython(create_review_workflows, migrations.RunPython.noop)]
