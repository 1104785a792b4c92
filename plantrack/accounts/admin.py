from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AccountEvent, User
from .permissions import is_site_admin

# Fields that grant power; only site administrators change them, through the service.
ROLE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
SERVICE_ARGUMENT = {"groups": "groups", "user_permissions": "permissions"}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "display_name", "password")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
    )
    add_fieldsets = ((None, {"fields": ("email", "display_name", "password1", "password2")}),)
    actions = ["reset_two_step"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if not is_site_admin(request.user):
            fields += ROLE_FIELDS
        return fields

    def _protected(self, request: HttpRequest, obj: Any) -> bool:
        """Someone else's account with any role: only a site administrator may change it.

        Otherwise "change user" would be enough to take one over (new email, then reset).
        """
        if obj is None or obj.pk == request.user.pk or is_site_admin(request.user):
            return False
        return bool(
            obj.is_superuser
            or obj.is_staff
            or obj.groups.exists()
            or obj.user_permissions.exists()
            or obj.managed_plans.exists()
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._protected(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._protected(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changed = [f for f in ROLE_FIELDS if f in form.changed_data]
        roles = {SERVICE_ARGUMENT.get(f, f): form.cleaned_data[f] for f in changed}
        # The role fields are written by the service, which checks who is asking.
        for field in ("is_staff", "is_superuser"):
            if field in roles:
                setattr(obj, field, form.initial.get(field, False))
        super().save_model(request, obj, form, change)
        if roles:
            services.user_roles_set(user=obj, by=request.user, **roles)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for field in ("groups", "user_permissions"):
            form.cleaned_data.pop(field, None)
        super().save_related(request, form, formsets, change)

    def has_site_admin_permission(self, request: HttpRequest) -> bool:
        return is_site_admin(request.user)

    @admin.action(description=_("Reset two-step sign-in"), permissions=["site_admin"])
    def reset_two_step(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.two_factor_reset(user=user, by=request.user)
        self.message_user(
            request,
            gettext(
                "Two-step sign-in was reset for %(count)d account(s). "
                "They set up a new authenticator at their next sign-in."
            )
            % {"count": queryset.count()},
            messages.SUCCESS,
        )


# Groups are the roles: only site administrators create them or change their permissions.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_site_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_site_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_site_admin(request.user)


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    """The security record of accounts: read-only, for site administrators."""

    list_display = ["created_at", "user", "kind", "actor"]
    list_filter = ["kind"]
    search_fields = ["user__email", "actor__email"]
    list_select_related = ["user", "actor"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_site_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
