"""Level-1 review: which workflow a unit's tree uses. Called by ensure_unit for every unit."""

from wagtail.models import Workflow, WorkflowPage, WorkflowTask

from workflows.models import UnitReviewTask

UNIT_WORKFLOW = "子站审核"
PORTAL_WORKFLOW = "主站审核"


def review_workflow(name):
    workflow, created = Workflow.objects.get_or_create(name=name, defaults={"active": True})
    if created or not workflow.workflow_tasks.exists():
        task = UnitReviewTask.objects.create(name=f"{name}：本单位管理员审核")
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def ensure_review_workflow(organisation):
    name = PORTAL_WORKFLOW if organisation.kind in ("portal", "branch") else UNIT_WORKFLOW
    workflow = review_workflow(name)
    WorkflowPage.objects.update_or_create(page=organisation.site.root_page, defaults={"workflow": workflow})
    return workflow
