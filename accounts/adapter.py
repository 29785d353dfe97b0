from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.utils.translation import gettext as _

from accounts.forms import MainlandPhoneField
from accounts.models import User
from accounts.sms import send_sms


class AccountAdapter(DefaultAccountAdapter):
    """Stores the login phone on our User and sends codes through the SMS sender."""

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

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        send_sms(phone, _("Your verification code is %(code)s. It is valid for 15 minutes.") % {"code": code})
        if settings.DEBUG and self.request is not None:
            messages.info(self.request, _("Development only: the code sent is %(code)s") % {"code": code})
