"""The Django admin, for the network's admins only: organisations and accounts, never case data.

Django's own flags (``is_staff``, ``is_superuser``) open nothing here: the admin role of a verified (two-factor)
membership does. Nothing from casework or referrals is registered on this site.
"""

from __future__ import annotations

import contextlib
from functools import wraps
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import ReadOnlyPasswordHashField, UserChangeForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts import account_actions, hooks, services
from accounts.models import Membership, Organisation, User
from core.fields import MultiChoiceField


def is_network_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_authenticated and user.is_network_admin and user.is_verified())


class JejaringAdminSite(admin.AdminSite):
    site_header = _("Jejaring administration")
    site_title = _("Jejaring administration")
    index_title = _("Organisations and accounts")
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        return is_network_admin(request)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # One sign-in page for the whole site; a signed-in user without the admin role is refused.
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
            if not self.has_permission(request):
                hooks.access_was_refused(user=request.user, request=request, reason="role")
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # One sign-in page for the whole site, with lockout and two-factor.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", "/admin/"), reverse("accounts:login"))


admin_site = JejaringAdminSite(name="admin")


class AdminRoleOnly:
    """Every permission of these admin pages is the admin role; nothing is ever deleted (deactivate instead)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_network_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_network_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_network_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_network_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(AdminRoleOnly, SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "province", "is_active"]
    list_filter = ["kind", "province", "is_active"]
    search_fields = ["name", "code"]
    fields = ["name", "code", "kind", "province", "services", "is_active"]
    # The admin gives every TextField a textarea, MultiChoiceField included: it would never validate.
    formfield_overrides = {MultiChoiceField: {"widget": forms.CheckboxSelectMultiple}}

    def save_model(self, request: HttpRequest, obj: Organisation, form: ModelForm, change: bool) -> None:
        services.organisation_save(actor=request.user, organisation=obj)  # type: ignore[arg-type]


class MembershipForm(forms.ModelForm):
    """Refuses, beside the membership, a move that ``services.membership_set`` would refuse (see accounts.hooks)."""

    class Meta:
        model = Membership
        fields = ["organisation", "role", "is_active", "may_override_consent"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        current = self.instance
        organisation, role = data.get("organisation"), data.get("role")
        if (
            current.pk
            and organisation
            and role
            and (current.organisation_id != organisation.pk or current.role != role)
        ):
            reasons = hooks.membership_change_blocked(user=current.user, organisation=organisation, role=role)
            if reasons:
                raise forms.ValidationError(reasons)
        return data


class MembershipInline(AdminRoleOnly, admin.StackedInline):
    model = Membership
    form = MembershipForm
    fields = ["organisation", "role", "is_active", "may_override_consent"]
    extra = 1
    max_num = 1
    min_num = 1
    can_delete = False


class NoPasswordWidget(forms.Widget):
    """The password as read-only text, with no link to set it: nobody sets another person's password."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        from django.utils.html import format_html

        text = _("Not shown, and never set by an admin. Use the action “Send a password reset link”.")
        return format_html('<div class="readonly">{}</div>', text)


class AccountChangeForm(UserChangeForm):
    password = ReadOnlyPasswordHashField(label=_("Password"), widget=NoPasswordWidget, help_text="")

    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]
        model = User


class UserCreationForm(forms.ModelForm):
    """A new account has no password: the admin sends a first-password link to the person's own address."""

    class Meta:
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = self.cleaned_data.get("email", "")
        if not email:
            raise ValidationError(_("Give the person's own email address: the link to choose a password goes there."))
        return str(email)

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User, site=admin_site)
class UserAdmin(AdminRoleOnly, DjangoUserAdmin, SimpleHistoryAdmin):
    form = AccountChangeForm
    add_form = UserCreationForm
    inlines = [MembershipInline]
    list_display = ["username", "email", "first_name", "is_active", "last_login"]
    list_filter = ["is_active"]

    def get_queryset(self, request: Any) -> Any:
        # Internal accounts (the system account that reminders and tasks act as) are no one to manage.
        return super().get_queryset(request).exclude(username=services.SYSTEM_USERNAME)

    search_fields = ["username", "email", "first_name", "last_name"]
    actions = ["send_reset_link", "reset_two_factor", "deactivate"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "language")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "email")}),)
    readonly_fields = ["last_login", "date_joined"]

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # Django's "set password" page for another user: refused to everyone, superusers and admins included (the
        # refusal is logged). Send a reset link to the person's own address instead.
        raise PermissionDenied

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        obj._history_user = request.user  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)
        actor: User = request.user  # type: ignore[assignment]
        if not change:
            transaction.on_commit(lambda: _first_link(actor, obj, request))
            return
        if "email" in form.changed_data:
            account_actions.account_email_changed(actor=actor, user=obj, request=request)
        if "is_active" in form.changed_data and not obj.is_active:
            hooks.account_action_happened(hooks.ACCOUNT_DEACTIVATED, user=obj, actor=actor, request=request)

    def _each(self, request: HttpRequest, queryset: Any, act: Any, done: Any) -> None:
        count = 0
        for user in queryset:
            try:
                act(actor=request.user, user=user, request=request)
            except ValidationError as error:
                self.message_user(request, f"{user.username}: {' '.join(error.messages)}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Send a password reset link to the account's own address"))
    def send_reset_link(self, request: HttpRequest, queryset: Any) -> None:
        self._each(request, queryset, account_actions.account_reset_link_send, _("Reset links sent: %(count)d."))

    @admin.action(description=_("Reset two-factor sign-in (set up again at next sign-in)"))
    def reset_two_factor(self, request: HttpRequest, queryset: Any) -> None:
        self._each(
            request, queryset, account_actions.account_two_factor_reset, _("Two-factor sign-in reset: %(count)d.")
        )

    @admin.action(description=_("Deactivate the account"))
    def deactivate(self, request: HttpRequest, queryset: Any) -> None:
        self._each(request, queryset, account_actions.account_deactivate, _("Accounts deactivated: %(count)d."))

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        for membership in formset.save(commit=False):
            services.membership_set(
                actor=request.user,  # type: ignore[arg-type]
                user=form.instance,
                organisation=membership.organisation,
                role=membership.role,
                is_active=membership.is_active,
                may_override_consent=membership.may_override_consent,
            )

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.sync_groups(form.instance)


def _first_link(actor: User, user: User, request: HttpRequest) -> None:
    """A new account's first password: a link to its own address, like a reset."""
    with contextlib.suppress(ValidationError):
        account_actions.account_reset_link_send(actor=actor, user=user, request=request)
