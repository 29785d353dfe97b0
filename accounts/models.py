import contextlib

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.phones import mask_phone, national_phone, normalise_phone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **extra) -> "User":
        user = self.model(phone=normalise_phone(phone), **extra)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True, phone_verified=True)
        return self.create_user(phone, password, **extra)

    def get_by_natural_key(self, phone):
        with contextlib.suppress(ValidationError):  # an unparsable login matches nobody
            phone = normalise_phone(phone)
        return self.get(phone=phone)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who can log in. The mainland mobile number is the login."""

    phone = models.CharField(_("mobile number"), max_length=16, unique=True)
    phone_verified = models.BooleanField(_("number verified"), default=False)
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("May log in to the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.masked_phone

    @property
    def national_phone(self) -> str:
        return national_phone(self.phone)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Notification(models.Model):
    """An in-site message to one person (promoted from a waitlist, a shift changed, ...)."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(_("message"), max_length=300)
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message
