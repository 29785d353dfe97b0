"""Residents' service requests (居民点单 → 社区派单 → 志愿者接单) and micro-wishes (微心愿).

A request (`Need`) moves through its states only by `needs.services`; each move leaves a
`NeedEvent` (who, when, what). Volunteers who take it are `NeedTaker` rows; their time
goes to the ledger once the request is confirmed (hours.ledger.post_records).
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.phones import mask_phone, spaced_phone
from hours.models import ServiceRecord
from teams.models import Membership, Office, PartnerUnit, Team, TeamKind
from volunteers.models import Volunteer

DESCRIPTION_MAX = 500
REASON_MAX = 200
MAX_PLACES = 10


class Category(models.Model):
    """What residents may ask an office for (便民维修, 理发, 助餐, …): an editable list per office."""

    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="need_categories"
    )
    name = models.CharField(_("name"), max_length=40)
    team_kinds = models.ManyToManyField(
        TeamKind,
        verbose_name=_("team kinds that may take it"),
        blank=True,
        related_name="need_categories",
        help_text=_("The open board shows a request to members of teams of these kinds. None: every team."),
    )
    max_minutes = models.PositiveSmallIntegerField(
        _("most minutes credited per volunteer"),
        default=120,
        validators=[MinValueValidator(15), MaxValueValidator(8 * 60)],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("request category")
        verbose_name_plural = _("request categories")
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="need_category_unique_in_office")]

    def __str__(self) -> str:
        return self.name


class NeedQuerySet(models.QuerySet):
    def visible_on_boards(self):
        return self.filter(state=Need.State.DISPATCHED, is_hidden=False)

    def open_to(self, volunteer: Volunteer):
        """Dispatched requests this volunteer may take: to one of their teams, to them by
        name, or on the open board of an office where they serve in a team of a matching kind."""
        memberships = Membership.objects.active().filter(user_id=volunteer.user_id, team__is_active=True)
        named = NeedInvite.objects.filter(need_id=OuterRef("pk"), volunteer_id=volunteer.pk)
        in_office = memberships.filter(team__office_id=OuterRef("office_id"))
        kinds_listed = Category.team_kinds.through.objects.filter(category_id=OuterRef("category_id"))
        kind_matches = in_office.filter(team__kind__need_categories=OuterRef("category_id"))
        return self.visible_on_boards().filter(
            Q(audience=Need.Audience.TEAM, team_id__in=memberships.values("team_id"))
            | Q(Exists(named), audience=Need.Audience.VOLUNTEERS)
            | Q(Exists(kind_matches) | (Exists(in_office) & ~Exists(kinds_listed)), audience=Need.Audience.BOARD)
        )

    def raised_by_or_for(self, user):
        return self.filter(Q(raised_by=user) | Q(resident=user))


class Need(models.Model):
    """One resident's request for help."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("request state", "Submitted")
        ACCEPTED = "accepted", pgettext_lazy("request state", "Accepted")
        REFUSED = "refused", pgettext_lazy("request state", "Refused")
        DISPATCHED = "dispatched", pgettext_lazy("request state", "Waiting for a volunteer")
        TAKEN = "taken", pgettext_lazy("request state", "Taken")
        DONE = "done", pgettext_lazy("request state", "Done")
        CONFIRMED = "confirmed", pgettext_lazy("request state", "Confirmed")
        CANCELLED = "cancelled", pgettext_lazy("request state", "Cancelled")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    class Audience(models.TextChoices):
        TEAM = "team", _("A team")
        VOLUNTEERS = "volunteers", _("Named volunteers")
        BOARD = "board", _("The open board")

    OPEN_STATES = (State.SUBMITTED, State.ACCEPTED, State.DISPATCHED, State.TAKEN)
    CLOSED_STATES = (State.REFUSED, State.CONFIRMED, State.CANCELLED)

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="needs")
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="needs")
    description = models.TextField(_("what is needed"), max_length=DESCRIPTION_MAX)
    address = models.CharField(_("address"), max_length=200)
    grid = models.CharField(_("grid"), max_length=100, blank=True)
    window_starts = models.DateTimeField(_("from"))
    window_ends = models.DateTimeField(_("until"))
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    resident_name = models.CharField(_("resident's name"), max_length=50)
    resident_phone = models.CharField(_("resident's mobile number"), max_length=16)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident's account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs",
    )
    # Served with a partner unit (共建单位) of the office, which gets the credit on its page and
    # in its quarterly feedback (teams.partners).
    partner_unit = models.ForeignKey(
        PartnerUnit,
        verbose_name=_("served with partner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SUBMITTED)
    audience = models.CharField(_("dispatched to"), max_length=12, choices=Audience.choices, blank=True)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="needs"
    )
    places = models.PositiveSmallIntegerField(
        _("volunteers needed"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_PLACES)]
    )
    reason = models.CharField(_("reason"), max_length=REASON_MAX, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("satisfaction"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(_("comment"), max_length=REASON_MAX, blank=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("why hidden"), max_length=REASON_MAX, blank=True)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Set by the time-limit run (needs.deadlines): back to staff untaken, or not done in its window.
    escalated_at = models.DateTimeField(_("sent back to staff"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("flagged overdue"), null=True, blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident request")
        verbose_name_plural = _("resident requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(window_ends__gt=F("window_starts")), name="need_window_in_order"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="need_rating_1_to_5"
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="need_places_positive"),
        ]
        indexes = [
            models.Index(fields=["office", "state"]),
            models.Index(fields=["state", "dispatched_at"]),
            models.Index(fields=["office", "closed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.grid or self.address}"

    def get_absolute_url(self) -> str:
        return reverse("needs:detail", args=[self.pk])

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.resident_phone)

    @property
    def spaced_phone(self) -> str:
        return spaced_phone(self.resident_phone)

    @property
    def masked_name(self) -> str:
        """王*: enough for a volunteer deciding whether to take it."""
        return f"{self.resident_name[:1]}*" if self.resident_name else ""

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class NeedInvite(models.Model):
    """A volunteer named by staff when dispatching to named volunteers."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="invites")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["need", "volunteer"], name="one_invite_per_volunteer")]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.need}"


class NeedEvent(models.Model):
    """Every change of a request, kept: who, when, what."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("request event", "Submitted")
        ACCEPTED = "accepted", pgettext_lazy("request event", "Accepted")
        REFUSED = "refused", pgettext_lazy("request event", "Refused")
        DISPATCHED = "dispatched", pgettext_lazy("request event", "Dispatched")
        TAKEN = "taken", pgettext_lazy("request event", "Taken")
        FINISHED = "finished", pgettext_lazy("request event", "Finished by a volunteer")
        DONE = "done", pgettext_lazy("request event", "Done")
        CONFIRMED = "confirmed", pgettext_lazy("request event", "Confirmed")
        CREDITED = "credited", pgettext_lazy("request event", "Time credited")
        CANCELLED = "cancelled", pgettext_lazy("request event", "Cancelled")
        HIDDEN = "hidden", pgettext_lazy("request event", "Hidden")
        PHOTO_HIDDEN = "photo_hidden", pgettext_lazy("request event", "Photo hidden")
        ESCALATED = "escalated", pgettext_lazy("request event", "Sent back to staff: not taken in time")
        OVERDUE = "overdue", pgettext_lazy("request event", "Flagged: not done in its time window")

    need = models.ForeignKey(Need, verbose_name=_("request"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("what"), max_length=14, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class NeedTaker(models.Model):
    """A volunteer who took a request, with what they reported and what was credited."""

    need = models.ForeignKey(Need, verbose_name=_("request"), on_delete=models.PROTECT, related_name="takers")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="needs_taken"
    )
    taken_at = models.DateTimeField(_("taken"))
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(
        _("minutes spent"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    note = models.CharField(_("what was done"), max_length=300, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    posted_record = models.OneToOneField(
        ServiceRecord,
        verbose_name=_("ledger record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Why the ledger refused the time (an overlap, rule 5): staff set it again.
    posting_problem = models.CharField(_("not credited because"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("volunteer on a request")
        verbose_name_plural = _("volunteers on requests")
        ordering = ["taken_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["need", "volunteer"], name="one_take_per_volunteer")]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.need}"

    @property
    def ledger_key(self) -> str:
        """The source key of the time posted for it: one record per volunteer and request."""
        return f"need:{self.need_id}:{self.volunteer_id}"


def photo_name() -> str:
    # Random and outside any public path: photos are served by a view that checks access.
    return f"needs-photos/{secrets.token_urlsafe(18)}.jpg"


class NeedPhoto(models.Model):
    """A small photo of a request, re-encoded on upload (no EXIF, no location)."""

    need = models.ForeignKey(Need, verbose_name=_("request"), on_delete=models.CASCADE, related_name="photos")
    file = models.CharField(_("stored as"), max_length=100, default=photo_name, editable=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("why hidden"), max_length=REASON_MAX, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("request photo")
        verbose_name_plural = _("request photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.file

    def get_absolute_url(self) -> str:
        return reverse("needs:photo", args=[self.need_id, self.pk])


class Wish(models.Model):
    """A micro-wish (微心愿) posted by staff for a beneficiary, e.g. 为留守儿童认领一个书包.
    The wall shows the title and the story; who it is for stays with the office."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("wish state", "Waiting to be claimed")
        CLAIMED = "claimed", pgettext_lazy("wish state", "Claimed")
        FULFILLED = "fulfilled", pgettext_lazy("wish state", "Fulfilled")
        CONFIRMED = "confirmed", pgettext_lazy("wish state", "Confirmed")
        WITHDRAWN = "withdrawn", pgettext_lazy("wish state", "Withdrawn")

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="wishes")
    title = models.CharField(_("wish"), max_length=60)
    story = models.CharField(_("story"), max_length=300, blank=True, help_text=_("Shown on the wall: no names."))
    beneficiary = models.CharField(
        _("for whom"), max_length=100, help_text=_("Kept by the office, never shown on the wall.")
    )
    claim_days = models.PositiveSmallIntegerField(
        _("days to fulfil a claim"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("A claim not fulfilled by then returns the wish to the wall."),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("posted by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    # Staff take a wish off the wall (needs.wishes.withdraw_wish): who, when and why stay.
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=REASON_MAX, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken off the wall by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "office"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("needs:wish", args=[self.pk])


class WishClaim(models.Model):
    """A volunteer, or a partner unit (共建单位, also 在职党员 through their employer), claims a wish."""

    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("wish claim", "Claimed")
        FULFILLED = "fulfilled", pgettext_lazy("wish claim", "Fulfilled")
        CONFIRMED = "confirmed", pgettext_lazy("wish claim", "Confirmed")
        LAPSED = "lapsed", pgettext_lazy("wish claim", "Not fulfilled in time")
        WITHDRAWN = "withdrawn", pgettext_lazy("wish claim", "Wish withdrawn by the community")

    wish = models.ForeignKey(Wish, verbose_name=_("micro-wish"), on_delete=models.PROTECT, related_name="claims")
    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("volunteer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wish_claims",
    )
    # A registered partner unit of the wish's office, for its page and quarterly feedback
    # (teams.partners); unit_name keeps its name as claimed, and names an unregistered unit.
    unit = models.ForeignKey(
        PartnerUnit,
        verbose_name=_("registered partner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_name = models.CharField(_("partner unit"), max_length=100, blank=True)
    unit_contact = models.CharField(_("unit's contact number"), max_length=16, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    claimed_at = models.DateTimeField(_("claimed"))
    due_at = models.DateTimeField(_("fulfil by"))
    note = models.CharField(_("how it was fulfilled"), max_length=300, blank=True)
    photo = models.CharField(_("photo"), max_length=100, blank=True, editable=False)
    fulfilled_at = models.DateTimeField(_("fulfilled"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim of a wish")
        verbose_name_plural = _("claims of wishes")
        ordering = ["-claimed_at", "-pk"]
        constraints = [
            # One live claim per wish, whoever wins the race: the database says no to the second.
            models.UniqueConstraint(
                fields=["wish"], condition=Q(state__in=["active", "fulfilled"]), name="one_live_claim_per_wish"
            ),
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False) | ~Q(unit_name=""), name="wish_claim_has_a_claimant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wish} · {self.claimant}"

    def clean(self) -> None:
        if self.unit and self.wish_id and self.unit.office_id != self.wish.office_id:
            raise ValidationError({"unit": _("Choose a partner unit of the wish's own community.")})

    @property
    def claimant(self) -> str:
        if self.unit_name:
            return self.unit_name
        return self.volunteer.real_name if self.volunteer else ""
