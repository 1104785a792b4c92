"""One small rules helper: named permission predicates, and every route declaring one.

Each app's ``permissions.py`` registers predicates with ``@rule("app.action")``;
views, services, the API and tests ask ``has(user, "app.action", obj)``. Every URL
route is wrapped in ``public`` or ``allowed_if`` so that its rule is written next to
it; ``tests/test_routes.py`` walks the URL resolver and fails on a route without one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

Predicate = Callable[[Any, Any], bool]
View = Callable[..., HttpResponseBase]

_RULES: dict[str, Predicate] = {}
PUBLIC = "public"


def rule(name: str) -> Callable[[Predicate], Predicate]:
    """Register ``predicate(user, obj)`` under ``name``; names are unique."""

    def register(predicate: Predicate) -> Predicate:
        if name in _RULES and _RULES[name] is not predicate:
            raise ValueError(f"the rule {name!r} is registered twice")
        _RULES[name] = predicate
        return predicate

    return register


def rules() -> dict[str, Predicate]:
    return dict(_RULES)


def has(user: Any, name: str, obj: Any = None) -> bool:
    if name == PUBLIC:
        return True
    try:
        predicate = _RULES[name]
    except KeyError as exc:
        raise KeyError(f"no rule named {name!r}; register it in a permissions.py") from exc
    return bool(predicate(user, obj))


def require(user: Any, name: str, obj: Any = None) -> None:
    if not has(user, name, obj):
        raise PermissionDenied(name)


def signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def public(view: View) -> View:
    """Anyone may open this route, signed in or not."""
    view.permission_rule = PUBLIC  # type: ignore[attr-defined]
    return view


def allowed_if(name: str, *, per_object: bool = False) -> Callable[[View], View]:
    """Declare the rule that guards a route, and enforce it.

    With ``per_object`` the view enforces the rule itself once it has loaded the
    object (through an ``access`` helper); the wrapper still sends visitors to sign in.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not signed_in(request.user):
                return redirect_to_login(request.get_full_path())
            if not per_object:
                require(request.user, name)
            return view(request, *args, **kwargs)

        guarded.permission_rule = name  # type: ignore[attr-defined]
        return guarded

    return decorate
