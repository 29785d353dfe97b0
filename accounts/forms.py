from allauth.account import forms as allauth_forms
from allauth.account.fields import PhoneField

from accounts.phones import normalise_phone


class MainlandPhoneField(PhoneField):
    """allauth's phone field, taking the 11-digit form people type."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("validators", [])
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"placeholder": "13800000000", "inputmode": "tel"})

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_phone(value) if value else value


def _numeric_code(form_class):
    """allauth's code form with a phone's number pad and one-time-code autofill: codes are six digits."""

    class NumericCodeForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["code"].widget.attrs.update(
                {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "one-time-code", "maxlength": "6"}
            )

    NumericCodeForm.__name__ = f"Numeric{form_class.__name__}"
    return NumericCodeForm


ConfirmLoginCodeForm = _numeric_code(allauth_forms.ConfirmLoginCodeForm)
VerifyPhoneForm = _numeric_code(allauth_forms.VerifyPhoneForm)
