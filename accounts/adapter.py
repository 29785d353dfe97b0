from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.forms import MainlandPhoneField
from accounts.models import User
from accounts.notifications import in_site_language
from accounts.phones import normalise_phone, spaced_phone
from accounts.sms import SmsRefused, client_ip, send_sms


class AccountAdapter(DefaultAccountAdapter):
    """Stores the login phone on our User and sends codes through the SMS sender."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_codes": gettext_lazy(
            "Too many codes were sent today. Please try again tomorrow, or sign in with your password."
        ),
    }

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="", message=None):
        """allauth's messages name the number as stored (+8613800138000); people read 138 0013 8000."""
        if message_context:
            message_context = {
                key: spaced_phone(value) if isinstance(value, str) and value.startswith("+86") else value
                for key, value in message_context.items()
            }
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def get_login_redirect_url(self, request):
        """Someone the office imported signs in by code the first time: they choose a password next."""
        if request.user.is_authenticated and not request.user.has_usable_password():
            return reverse("new_password")
        return super().get_login_redirect_url(request)

    def phone_form_field(self, **kwargs):
        return MainlandPhoneField(**kwargs)

    def save_user(self, request, user, form, commit=True):
        # Set the number before the first save: an empty number would collide
        # with another sign-up's on the unique column.
        user.phone = form.cleaned_data["phone"]
        return super().save_user(request, user, form, commit=commit)

    def set_phone(self, user: User, phone: str, verified: bool) -> None:
        user.phone = phone
        user.phone_verified = verified
        if user.pk:
            user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user: User) -> tuple[str, bool] | None:
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone_verified(self, user: User, phone: str) -> None:
        self.set_phone(user, phone, True)

    def get_user_by_phone(self, phone: str) -> User | None:
        return User.objects.filter(phone=phone).first()

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failed logins are counted per phone number (normalised, so that "138 0000 0001"
        and "+8613800000001" are one number), and per address by the IP part of the limit.
        allauth's own key is built from e-mail or username, both empty here: one counter
        for everyone, which five wrong tries would use up for the whole site. The host the
        request named is left out: every app server, and every name the site answers to,
        counts one number's tries together."""
        raw = str(credentials.get("phone") or credentials.get("email") or credentials.get("username") or "")
        try:
            login = normalise_phone(raw)
        except ValidationError:
            login = raw.strip().lower()
        return login

    def send_account_already_exists_sms(self, phone: str) -> None:
        """Someone signed up with a number that has an account (everyone an office imported).
        The text goes to the number itself, so it tells the person asking nothing; the
        owner learns how to get in, instead of waiting for a code that never comes. The owner may
        not be the person asking, so it is written in the site's language, not the asker's."""
        text = in_site_language(
            lambda: _(
                "This mobile number already has a volunteer account. To sign in, choose "
                "“Send me a sign-in code” on the sign-in page; you can then set a password."
            )
        )
        self._send_notice(phone, text)

    def send_unknown_account_sms(self, phone: str, **kwargs) -> None:
        """A login code asked for a number with no account: the owner is told to sign up."""
        text = in_site_language(
            lambda: _("No volunteer account uses this mobile number yet. To join, sign up with it.")
        )
        self._send_notice(phone, text)

    def _send_notice(self, phone: str, text: str) -> None:
        try:
            send_sms(phone, text, code=True, ip=client_ip(self.request))
        except SmsRefused:
            return
        if settings.DEBUG and self.request is not None:
            messages.info(self.request, _("Development only: the text sent is: %(text)s") % {"text": text})

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        text = _("Your verification code is %(code)s. It is valid for 15 minutes.") % {"code": code}
        try:
            send_sms(phone, text, code=True, ip=client_ip(self.request))
        except SmsRefused:
            # Said on the next page rather than refused here: allauth sends from inside its
            # flows, where an error would end the request. No code goes out either way.
            if self.request is not None:
                messages.error(self.request, self.error_messages["too_many_codes"])
            return
        if settings.DEBUG and self.request is not None:
            messages.info(self.request, _("Development only: the code sent is %(code)s") % {"code": code})
