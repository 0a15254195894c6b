"""Building past cases for the demo: running workflow steps as if at an earlier moment."""

from contextlib import contextmanager
from unittest import mock


@contextmanager
def frozen_clock(moment, *stamped):
    """Run as if at `moment`: `django.utils.timezone.now()` returns it meanwhile.

    A field declared with `default=timezone.now` holds the real function (bound when the model
    class was made), so it is not fooled by the patch: each `(model, field name)` in `stamped`
    names such a field, and the rows of that model written inside the block get `moment` there
    afterwards (when the block ends without an error).
    """
    last_pks = [
        model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0 for model, _field in stamped
    ]
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield
    for (model, field), last_pk in zip(stamped, last_pks, strict=True):
        model.objects.filter(pk__gt=last_pk).update(**{field: moment})
