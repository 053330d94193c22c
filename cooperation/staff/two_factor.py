"""Two-factor sign-in for staff (django-otp).

After the password, a staff member who has set up an authenticator app gives
the six-digit code it shows (a time-based one-time password, TOTP) or one of
ten recovery codes, each good once. Until then nobody is signed in: the
password step only leaves a note in the session (``PENDING``) that the code
step reads, for five minutes. Staff set the app up on the admin page
"Two-factor sign-in"; ``STAFF_REQUIRE_TWO_FACTOR`` sends staff without one
there before any other admin page. Superusers remove a member's devices in
the admin (django-otp's own model admins).

Wrong codes are throttled per device by django-otp: each one makes the next
try wait twice as long (1, 2, 4 ... seconds), whichever session sends it."""

import math
import time
from base64 import b32encode
from functools import update_wrapper

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PENDING = "two_factor_pending"
PENDING_SECONDS = 5 * 60
RECOVERY_CODE_COUNT = 10
# Admin pages a member who must set up two-factor sign-in may still open.
OPEN_BEFORE_SET_UP = {"two_factor", "logout", "jsi18n"}


# --- who has what ------------------------------------------------------------


def has_device(user) -> bool:
    """Whether ``user`` has set up an authenticator app (one query)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_enrolled(request) -> bool:
    """``has_device`` for the signed-in user, asked once a request: the admin
    checks its permission several times a page."""
    if not hasattr(request, "_two_factor_enrolled"):
        request._two_factor_enrolled = has_device(request.user)
    return request._two_factor_enrolled


def is_verified(request) -> bool:
    """Whether this session's user gave a code (django-otp's middleware)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def must_set_up(request) -> bool:
    """Whether the signed-in staff member must set up an app before anything
    else (queries once when two-factor sign-in is required)."""
    return (
        settings.STAFF_REQUIRE_TWO_FACTOR
        and request.user.is_authenticated
        and not is_enrolled(request)
    )


# --- codes -------------------------------------------------------------------


def normalise(code: str) -> str:
    """A code as typed, without spaces or dashes, in lower case."""
    return "".join(code.split()).replace("-", "").lower()


def is_app_code(token: str) -> bool:
    """Six digits come from the app; recovery codes have eight characters."""
    return len(token) == 6 and token.isdigit()


def throttled_error(extra: dict) -> ValidationError:
    """What a member is told while django-otp holds their device back."""
    until = extra.get("locked_until")
    if extra.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS and until:
        seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
        message = ngettext(
            "Too many wrong codes in a row: wait %(seconds)d second, then enter "
            "the code your authenticator app shows at that time.",
            "Too many wrong codes in a row: wait %(seconds)d seconds, then enter "
            "the code your authenticator app shows at that time.",
            seconds,
        ) % {"seconds": seconds}
    else:
        message = gettext(
            "Codes cannot be checked for this account at the moment. Wait a "
            "minute and try again, or ask an administrator."
        )
    return ValidationError(message, code="throttled")


def verify_code(user, code: str, *, setting_up: TOTPDevice | None = None):
    """The device of ``user`` that accepts ``code``: the app for six digits,
    the recovery codes otherwise (``setting_up``: only that app, not yet
    confirmed). Raises ValidationError with the reason otherwise.

    The device's row stays locked while it checks, so that two requests
    cannot both use one recovery code or outrun the throttling; a wrong code
    is counted even though the error is raised (queries)."""
    token = normalise(code)
    error = None
    with transaction.atomic():
        if setting_up is not None:
            devices = TOTPDevice.objects.filter(pk=setting_up.pk, confirmed=False)
        elif is_app_code(token):
            devices = TOTPDevice.objects.filter(user=user, confirmed=True)
        else:
            devices = StaticDevice.objects.filter(user=user, confirmed=True)
        device = devices.select_for_update().order_by("pk").first()
        if device is not None:
            allowed, extra = device.verify_is_allowed()
            if not allowed:
                error = throttled_error(extra or {})
            elif device.verify_token(token):
                return device
    if error is None:
        if setting_up is not None:
            message = _(
                "The code “%(code)s” is not the one your authenticator app shows "
                "for this registry now. Scan the QR code on this page (or type the "
                "secret) into the app, check that the phone's clock is right, and "
                "enter the 6 digits the app shows."
            )
        else:
            message = _(
                "The code “%(code)s” is neither the one your authenticator app "
                "shows now nor an unused recovery code. Enter the 6 digits the app "
                "shows for this registry (they change every 30 seconds), or one of "
                "your recovery codes."
            )
        error = ValidationError(message, code="invalid", params={"code": code})
    raise error


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with ten new ones and return them:
    the only time they are shown (queries)."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(
            user=user, name="Recovery codes", confirmed=True
        )
        codes = [StaticToken.random_token() for _number in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=code) for code in codes
        )
    return codes


def qr_code_svg(device: TOTPDevice) -> str:
    """The app's set-up address as an inline SVG QR code: no image request and
    no data: address, so that no content policy has to allow one."""
    qr = segno.make(device.config_url, error="m")
    return mark_safe(qr.svg_inline(scale=4, light="#fff"))


def secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps ask for it when typed: base32, in
    groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


# --- forms -------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        error_messages={
            "required": _(
                "Enter a code: the 6 digits your authenticator app shows, or one "
                "of your recovery codes."
            )
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, user, *args, setting_up: TOTPDevice | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.setting_up = setting_up
        self.device = None

    def clean_code(self):
        code = self.cleaned_data["code"]
        self.device = verify_code(self.user, code, setting_up=self.setting_up)
        return code


# --- the sign-in's second step -------------------------------------------------


class PasswordStepView(LoginView):
    """Django's admin sign-in, except that a user with an authenticator app is
    not signed in yet: the session notes who gave the right password, and the
    browser goes on to the code."""

    admin_site = None

    def form_valid(self, form):
        user = form.get_user()
        if not has_device(user):
            return super().form_valid(form)
        session = self.request.session
        session.cycle_key()
        session[PENDING] = {
            "user": str(user.pk),
            "backend": user.backend,
            "next": self.get_redirect_url()
            or reverse("admin:index", current_app=self.admin_site.name),
            "until": time.time() + PENDING_SECONDS,
        }
        return HttpResponseRedirect(
            reverse("admin:two_factor_code", current_app=self.admin_site.name)
        )


def pending_sign_in(request) -> dict | None:
    """Who gave the right password in this session within the last five
    minutes and still has to give a code, with the user (a query)."""
    pending = request.session.get(PENDING)
    if not pending:
        return None
    user = None
    if pending["until"] > time.time():
        user = (
            get_user_model()
            ._default_manager.filter(pk=pending["user"], is_active=True, is_staff=True)
            .first()
        )
    if user is None:
        del request.session[PENDING]
        return None
    return {**pending, "user": user}


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@login_not_required
def code_view(request, *, site):
    pending = pending_sign_in(request)
    if pending is None:
        messages.info(
            request,
            _(
                "Sign in with your password first; the code is asked for within "
                "five minutes of it."
            ),
        )
        return HttpResponseRedirect(reverse("admin:login", current_app=site.name))
    user = pending["user"]
    form = CodeForm(user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        del request.session[PENDING]
        # django-otp's user_logged_in receiver keeps the device in the session.
        user.otp_device = form.device
        auth_login(request, user, backend=pending["backend"])
        return HttpResponseRedirect(pending["next"])
    request.current_app = site.name
    context = {
        **site.each_context(request),
        "title": _("Sign-in code"),
        "form": form,
        "username": user.get_username(),
    }
    return TemplateResponse(request, "admin/two_factor/code.html", context)


# --- setting up, new recovery codes, turning off --------------------------------


def two_factor_view(request, *, site):
    """The staff member's own page: set up an app (QR code and secret, then a
    code to confirm, then the recovery codes, shown once), or, once set up,
    make new recovery codes or turn two-factor sign-in off."""
    user = request.user
    context = {
        **site.each_context(request),
        "title": _("Two-factor sign-in"),
        "required": settings.STAFF_REQUIRE_TWO_FACTOR,
    }
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return set_up(request, context)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "recovery-codes":
        context["codes"] = new_recovery_codes(user)
        return TemplateResponse(
            request, "admin/two_factor/recovery_codes.html", context
        )
    if action == "turn-off":
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        messages.success(
            request,
            _(
                "Two-factor sign-in is off: your authenticator app and recovery "
                "codes no longer work here."
            ),
        )
        return HttpResponseRedirect(request.path)
    context.update(
        device=device,
        recovery_codes_left=StaticToken.objects.filter(
            device__user=user, device__confirmed=True
        ).count(),
    )
    return TemplateResponse(request, "admin/two_factor/manage.html", context)


def set_up(request, context: dict):
    user = request.user
    # The same secret until it is confirmed, so that reloading the page does
    # not make the app's entry stale.
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    )
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    form = CodeForm(
        user,
        request.POST if request.method == "POST" else None,
        setting_up=device,
    )
    if form.is_valid():
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
            device.confirmed = True
            context["codes"] = new_recovery_codes(user)
        # This session counts as signed in with the app from now on.
        otp_login(request, device)
        request._two_factor_enrolled = True
        context["just_set_up"] = True
        return TemplateResponse(
            request, "admin/two_factor/recovery_codes.html", context
        )
    context.update(
        form=form,
        qr_code=qr_code_svg(device),
        secret=secret_text(device),
        is_nav_sidebar_enabled=False,
    )
    return TemplateResponse(request, "admin/two_factor/set_up.html", context)


# --- the admin site -------------------------------------------------------------


class TwoFactorAdminSite:
    """What two-factor sign-in adds to the registry's admin site (mixed into
    sites.RegistryAdminSite before admin.AdminSite)."""

    def has_permission(self, request):
        # A member with an app counts as staff only once they gave a code.
        return super().has_permission(request) and (
            is_verified(request) or not is_enrolled(request)
        )

    def admin_view(self, view, cacheable=False):
        def set_up_first(request, *args, **kwargs):
            match = getattr(request, "resolver_match", None)
            name = match.url_name if match else None
            if name not in OPEN_BEFORE_SET_UP and must_set_up(request):
                return HttpResponseRedirect(
                    reverse("admin:two_factor", current_app=self.name)
                )
            return view(request, *args, **kwargs)

        return super().admin_view(update_wrapper(set_up_first, view), cacheable)

    def get_urls(self):
        # Before the admin's own, which end in a catch-all.
        return [
            path("login/code/", self.two_factor_code, name="two_factor_code"),
            path("two-factor/", self.admin_view(self.two_factor), name="two_factor"),
            *super().get_urls(),
        ]

    def two_factor_code(self, request):
        return code_view(request, site=self)

    def two_factor(self, request):
        return two_factor_view(request, site=self)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """AdminSite.login with the password step above in place of Django's
        LoginView (which AdminSite.login builds itself)."""
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        context = {
            **self.each_context(request),
            "title": _("Sign in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        if (
            REDIRECT_FIELD_NAME not in request.GET
            and REDIRECT_FIELD_NAME not in request.POST
        ):
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        return PasswordStepView.as_view(
            admin_site=self,
            extra_context=context,
            authentication_form=self.login_form or AdminAuthenticationForm,
            template_name=self.login_template or "admin/login.html",
        )(request)
