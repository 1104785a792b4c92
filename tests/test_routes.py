"""Every route declares its permission rule, so a new page cannot ship unguarded."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, include, path

from plantrack.lib.rules import PUBLIC, public, rules

# Django's admin guards itself (staff only) and is the site administrators' tool.
EXEMPT_NAMESPACES = {"admin"}


def _routes(patterns, prefix="", namespace=""):  # type: ignore[no-untyped-def]
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern.callback


def problems(patterns) -> tuple[list[str], list[str], int]:  # type: ignore[no-untyped-def]
    known = set(rules()) | {PUBLIC}
    undeclared, unknown, count = [], [], 0
    for route, namespace, callback in _routes(patterns):
        if namespace in EXEMPT_NAMESPACES:
            continue
        count += 1
        declared = getattr(callback, "permission_rule", None)
        if declared is None:
            undeclared.append(route)
        elif declared not in known:
            unknown.append(f"{route} -> {declared}")
    return undeclared, unknown, count


def test_every_route_declares_a_known_permission_rule():
    undeclared, unknown, count = problems(get_resolver().url_patterns)
    assert count > 20
    assert not undeclared, "routes without @public or @allowed_if: " + ", ".join(undeclared)
    assert not unknown, "routes naming unregistered rules: " + ", ".join(unknown)


def test_the_check_catches_an_undeclared_view_and_an_unknown_rule():
    def naked(request):  # type: ignore[no-untyped-def]
        return None

    def typo(request):  # type: ignore[no-untyped-def]
        return None

    typo.permission_rule = "plans.chnage_plan"  # type: ignore[attr-defined]
    inner = ([path("edit/", naked), path("open/", public(lambda r: None))], "demo")
    undeclared, unknown, count = problems([path("x/", include(inner)), path("y/", typo)])
    assert (undeclared, unknown, count) == (["x/edit/"], ["y/ -> plans.chnage_plan"], 3)
