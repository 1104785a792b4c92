"""Turn a rendered form into the POST data a browser would send, so a test can edit one field."""

from __future__ import annotations

from typing import Any

from django import forms


def form_data(form: forms.BaseForm, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(field, forms.ModelMultipleChoiceField):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    data.update(changes)
    return data
