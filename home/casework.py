"""Building blocks shared by the case workflows (letters, service applications, disclosure
requests): the transition-table entry, the errors views turn into 4xx, and cached group lookups."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset
    target: str | None  # None: the state does not change (the step is still recorded)
    roles: frozenset
    needs_note: bool = False  # a reason the other side will read


def transition(label, sources, target, roles, needs_note=False):
    return Transition(label, frozenset(sources), target, frozenset(roles), needs_note)


class TransitionError(ValidationError):
    """The step is not possible in the case's current state (a 4xx, never a 500)."""


class QueryRefused(Exception):
    """A citizen's status query failed (wrong credentials: 404) or is locked out (429)."""

    def __init__(self, message, status=404):
        super().__init__(message)
        self.message = message
        self.status = status


def group_ids(user):
    """The user's group ids, looked up once per request (role checks run for every row)."""
    if not hasattr(user, "_casework_group_ids"):
        user._casework_group_ids = set(user.groups.values_list("pk", flat=True))
    return user._casework_group_ids


def group_names(user):
    if not hasattr(user, "_casework_group_names"):
        user._casework_group_names = set(user.groups.values_list("name", flat=True))
    return user._casework_group_names
