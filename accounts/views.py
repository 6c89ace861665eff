from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from accounts import hooks, two_factor
from accounts.forms import (
    LanguageForm,
    LocalisedPasswordResetForm,
    SignInForm,
    StyledPasswordChangeForm,
    StyledSetPasswordForm,
    TokenForm,
)
from accounts.http import AuthedRequest
from accounts.services import user_set_language
from core import home as home_panels
from core.http import posted, safe_next

# The language someone picked before signing in (kept in their anonymous session, which sign-in carries over).
CHOSEN_LANGUAGE = "jj_chosen_language"


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        httponly=True,
    )


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        # A language chosen on the sign-in page, in this browser session, wins and becomes the account's.
        chosen = self.request.session.get(CHOSEN_LANGUAGE)
        response = super().form_valid(form)
        user = form.get_user()
        if chosen in dict(settings.LANGUAGES) and chosen != user.language:
            user_set_language(actor=user, language=chosen)
        self.request.session.pop(CHOSEN_LANGUAGE, None)
        set_language_cookie(response, user.language)
        return response


def _demo_hint(user: Any) -> dict[str, Any]:
    hint = two_factor.demo_hint(user)
    return {"demo_code": hint[0] if hint else None, "demo_wait": hint[1] if hint else 0}


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # Nothing of the session stays in a shared browser: its cache, cookies and storage for this site go too.
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """Each role lands where its work is."""
    role = request.user.role
    return render(request, "home.html", {"role": role, "panels": home_panels.panels_for(request, role)})


@login_required
@require_GET
def account(request: AuthedRequest) -> HttpResponse:
    user = request.user
    has_device = two_factor.has_second_factor(user)
    return render(
        request,
        "accounts/account.html",
        {
            "has_device": has_device,
            # Shown only beside a second factor: without one, nothing to count.
            "recovery_left": two_factor.remaining_recovery_codes(user) if has_device else 0,
            "may_disable": not user.two_factor_required,
        },
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    response = HttpResponseRedirect(safe_next(request))
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            user_set_language(actor=request.user, language=language)
        else:
            request.session[CHOSEN_LANGUAGE] = language
        set_language_cookie(response, language)
    return response


@login_required
def two_factor_setup(request: AuthedRequest) -> HttpResponse:
    """Enrol an authenticator by QR code. A user who already has one must verify it first to replace it."""
    user = request.user
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect("accounts:two_factor_verify")
    device = two_factor.pending_device(user)
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            codes = two_factor.confirm_device(device)
            otp_login(request, device)
            request.session.cycle_key()  # a new session at every step of signing in (ASVS V3.2.1)
            hooks.security_event_happened(hooks.TWO_FACTOR_CHANGED, user=user, request=request)
            messages.success(request, _("Two-factor sign-in is on."))
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": safe_next(request)})
        form.add_error("token", _("That code is not right. Check the time on your phone and try the newest code."))
    context = {
        "form": form,
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.manual_secret(device),
        "next": request.GET.get("next", ""),
        "required": user.two_factor_required,
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def two_factor_verify(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return redirect(safe_next(request))
    if not user_has_device(user, confirmed=True):
        return redirect("accounts:two_factor_setup")
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()  # the half-signed-in session does not become the verified one
            if device.name == two_factor.RECOVERY_DEVICE:
                left = two_factor.remaining_recovery_codes(user)
                messages.warning(request, _("You used a recovery code. %(count)d are left.") % {"count": left})
            return redirect(safe_next(request))
        hooks.security_event_happened(hooks.SECOND_FACTOR_FAILED, user=user, request=request)
        form.add_error("token", _("That code is not right, or was already used. Try again."))
    context = {"form": form, "next": request.GET.get("next", ""), **_demo_hint(user)}
    return render(request, "accounts/two_factor_verify.html", context)


@login_required
@require_POST
def recovery_codes_renew(request: AuthedRequest) -> HttpResponse:
    if not user_has_device(request.user, confirmed=True):
        return redirect("accounts:two_factor_setup")
    codes = two_factor.new_recovery_codes(request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": resolve_url("accounts:account")})


@login_required
@require_POST
def two_factor_disable(request: AuthedRequest) -> HttpResponse:
    """Caseworkers may turn two-factor sign-in off again; roles that require it may not."""
    if request.user.two_factor_required:
        messages.error(request, _("Your role requires two-factor sign-in."))
        return redirect("accounts:account")
    two_factor.disable(request.user)
    hooks.security_event_happened(hooks.TWO_FACTOR_CHANGED, user=request.user, request=request)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:account")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = StyledPasswordChangeForm

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        hooks.security_event_happened(hooks.PASSWORD_CHANGED, user=self.request.user, request=self.request)
        return response

    def get_success_url(self) -> str:
        return resolve_url("accounts:account")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = LocalisedPasswordResetForm
    email_template_name = "emails/password_reset_body.txt"
    html_email_template_name = "emails/password_reset_body.html"
    subject_template_name = "emails/password_reset_subject.txt"

    def get_success_url(self) -> str:
        return resolve_url("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # Links in the email must point to the configured site, not to whatever Host header the request carried.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = StyledSetPasswordForm

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        hooks.security_event_happened(hooks.PASSWORD_CHANGED, user=form.user, request=self.request)
        return response

    def get_success_url(self) -> str:
        return resolve_url("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_GET
def keepalive(request: HttpRequest) -> HttpResponse:
    """Pinged by long forms while someone types, so the idle timeout does not end a session mid-sentence (the
    session middleware records the activity). A signed-out visitor gets 401, and the page warns them."""
    return HttpResponse(status=204 if request.user.is_authenticated else 401)
