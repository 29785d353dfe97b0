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
