from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.phones import mask_phone
from volunteers.identity import birth_date_from_id, gender_from_id, mask_id_number, normalise_resident_id
from volunteers.pinyin import name_keys


class Volunteer(models.Model):
    """A volunteer's real-name profile (志愿者注册信息), one per user.

    The login phone lives on the user; the profile holds what the Ministry of
    Civil Affairs rules ask a volunteer organisation to record.
    """

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class IdType(models.TextChoices):
        RESIDENT = "resident", _("Resident ID card")
        PASSPORT = "passport", _("Passport")
        HK_MACAO = "hk_macao", _("Hong Kong / Macao permit")
        TAIWAN = "taiwan", _("Taiwan permit")
        FOREIGN_PR = "foreign_pr", _("Foreigner's permanent residence card")
        OTHER = "other", _("Other")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="volunteer"
    )
    real_name = models.CharField(_("real name"), max_length=50)
    # Pinyin keys of the name (volunteers/pinyin.py), written with it: lists sort by
    # name_pinyin ("wang xiu ying"); pickers also find people by initials ("wxy").
    name_pinyin = models.CharField(_("name in pinyin"), max_length=150, blank=True, editable=False)
    name_initials = models.CharField(_("pinyin initials"), max_length=50, blank=True, editable=False)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_type = models.CharField(_("ID type"), max_length=12, choices=IdType.choices, default=IdType.RESIDENT)
    id_number = models.CharField(_("ID number"), max_length=30, blank=True)
    grid = models.CharField(_("residence area / grid"), max_length=100, blank=True)
    is_party_member = models.BooleanField(_("Communist Party member"), default=False)
    employer_unit = models.CharField(
        _("employer unit"),
        max_length=100,
        blank=True,
        help_text=_("For serving party members who report to their community (在职党员)."),
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True, help_text=_("Separate skills with commas."))
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=50, blank=True)
    emergency_contact_phone = models.CharField(_("emergency contact phone"), max_length=20, blank=True)
    card_version = models.PositiveIntegerField(_("card version"), default=1)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["name_pinyin", "real_name", "pk"]
        indexes = [models.Index(fields=["name_pinyin", "real_name", "id"], name="volunteer_pinyin_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_number"],
                condition=~Q(id_number=""),
                name="one_volunteer_per_id_number",
                # Plain words that do not confirm whose the number is.
                violation_error_message=_(
                    "This ID number cannot be saved. Check it; if it is right, ask your community office."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.real_name

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.set_name_keys()
        elif "real_name" in update_fields and self.set_name_keys():
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("volunteers:detail", args=[self.pk])

    def set_name_keys(self) -> bool:
        """Fill the pinyin keys from the name when the name is new or changed; True if it did.
        Bulk inserts (roster import, demo seeding) call it themselves, as save() is not run."""
        if self.real_name is not None and getattr(self, "_keyed_name", None) == self.real_name:
            return False
        self.name_pinyin, self.name_initials = name_keys(self.real_name)
        self._keyed_name = self.real_name
        return True

    @classmethod
    def from_db(cls, db, field_names, values):
        volunteer = super().from_db(db, field_names, values)
        # The name the stored keys were made from, so that saving an unchanged name does
        # not load pypinyin.
        volunteer._keyed_name = volunteer.__dict__.get("real_name")
        return volunteer

    def clean(self) -> None:
        self.id_number = (self.id_number or "").strip().upper()
        if self.id_type == self.IdType.RESIDENT and self.id_number:
            try:
                self.id_number = normalise_resident_id(self.id_number)
            except ValidationError as error:
                raise ValidationError({"id_number": error.messages}) from error
            self.birth_date = birth_date_from_id(self.id_number)
            self.gender = gender_from_id(self.id_number)

    @property
    def phone(self) -> str:
        return self.user.phone

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.user.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def age(self) -> int | None:
        """Years of age: what a leader needs, where the full birth date is not for them."""
        if self.birth_date is None:
            return None
        today = timezone.localdate()
        return (
            today.year
            - self.birth_date.year
            - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))
        )

    @property
    def public_name(self) -> str:
        """张*: what public lists show (DESIGN rule 12)."""
        return f"{self.real_name[:1]}*" if self.real_name else ""

    @property
    def skill_list(self) -> list[str]:
        return [s.strip() for s in self.skills.replace("，", ",").replace("、", ",").split(",") if s.strip()]
