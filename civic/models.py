"""Points (积分) and the love supermarket (爱心超市): DESIGN rule 20.

Points are a ledger of their own, append-only like the hours ledger: an entry is never
changed or deleted; a wrong one is reversed by a negative entry that names it. A balance
is the signed sum of an account's entries; what open orders hold is taken off it.
"""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.phones import mask_phone, national_phone
from hours.models import DecidedRequest, ServiceRecord
from teams.models import Office, PartnerUnit
from volunteers.models import Volunteer

APPEND_ONLY = "point entries are append-only: post a reversal instead"


class PointsPolicy(models.Model):
    """An office's points rules. An office without one gives no points for hours."""

    office = models.OneToOneField(
        Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="points_policy"
    )
    points_per_hour = models.PositiveSmallIntegerField(
        _("points per credited hour"), default=1, validators=[MinValueValidator(0)]
    )
    expires_yearly = models.BooleanField(
        _("points lapse"),
        default=False,
        help_text=_("Points not spent by the end of the year after the one they were earned in lapse."),
    )

    class Meta:
        verbose_name = _("points rules")
        verbose_name_plural = _("points rules")

    def __str__(self) -> str:
        return str(self.office)

    def points_for(self, minutes: int) -> int:
        # Rounded down, as credited time is (rule 1): the total of entries adds up exactly.
        return minutes * self.points_per_hour // 60


class PointsAccount(models.Model):
    """A volunteer's points at one office. The row is what orders lock: two orders of one
    person wait for each other, so they can never spend the same points."""

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="points_accounts"
    )

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [models.UniqueConstraint(fields=["office", "volunteer"], name="one_points_account_per_office")]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.office}"

    def balance(self) -> int:
        return self.entries.aggregate(total=Sum("points", default=0))["total"]

    def held(self) -> int:
        return self.orders.filter(state=Order.State.PLACED).aggregate(total=Sum("price", default=0))["total"]

    def available(self) -> int:
        return self.balance() - self.held()


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(APPEND_ONLY)

    def delete(self):
        raise PermissionError(APPEND_ONLY)


class PointEntry(models.Model):
    """One line of the points ledger."""

    class Kind(models.TextChoices):
        HOURS = "hours", _("Service hours")
        DEED = "deed", _("Good deed")
        SPEND = "spend", _("Exchanged")
        EXPIRY = "expiry", _("Lapsed")

    account = models.ForeignKey(
        PointsAccount, verbose_name=_("points account"), on_delete=models.PROTECT, related_name="entries"
    )
    points = models.IntegerField(_("points"), help_text=_("Negative for spending, lapsing and reversals."))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    # When the points were earned (the service or deed date), or spent or lapsed; a reversal
    # keeps the date of what it reverses, so lapsing counts earnings by the year they belong to.
    earned_on = models.DateField(_("date"))
    reverses = models.OneToOneField(
        "self", verbose_name=_("reverses"), null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    source_key = models.CharField(_("source"), max_length=80, unique=True)
    service_record = models.ForeignKey(
        ServiceRecord,
        verbose_name=_("service record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["account", "earned_on"])]

    def __str__(self) -> str:
        return f"{self.earned_on} {self.get_kind_display()} {self.points}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(APPEND_ONLY)


class GoodDeedKind(models.Model):
    """An office's list of good deeds and their points (调解纠纷 5, 帮助困难居民 10, …)."""

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    points = models.PositiveSmallIntegerField(_("points"), validators=[MinValueValidator(1)])
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("kind of good deed")
        verbose_name_plural = _("kinds of good deeds")
        ordering = ["points", "name"]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="good_deed_kind_name_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.points})"


class GoodDeed(DecidedRequest):
    """A good deed recorded by one member of staff; a second one confirms it and the points post."""

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(GoodDeedKind, verbose_name=_("good deed"), on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(_("points"))  # the kind's points when recorded
    done_on = models.DateField(_("date"))
    note = models.CharField(_("what happened"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("good deed")
        verbose_name_plural = _("good deeds")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["office", "state"])]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.kind.name}"


class ShopItem(models.Model):
    """Goods or a service in an office's love supermarket."""

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)
    price = models.PositiveIntegerField(_("price in points"), validators=[MinValueValidator(1)])
    stock = models.PositiveIntegerField(_("in stock"))
    is_active = models.BooleanField(_("on offer"), default=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["price", "name", "pk"]
        constraints = [models.CheckConstraint(condition=Q(price__gt=0), name="shop_item_price_positive")]

    def __str__(self) -> str:
        return self.name


def new_pickup_code() -> str:
    return f"{secrets.randbelow(10**8):08d}"


class Order(models.Model):
    """An order: its points are held while it is placed and spent when it is handed over."""

    class State(models.TextChoices):
        PLACED = "placed", _("Waiting for pickup")
        HANDED_OVER = "handed_over", _("Handed over")
        CANCELLED = "cancelled", _("Cancelled")

    account = models.ForeignKey(
        PointsAccount, verbose_name=_("points account"), on_delete=models.PROTECT, related_name="orders"
    )
    item = models.ForeignKey(ShopItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="orders")
    price = models.PositiveIntegerField(_("points"))  # the item's price when ordered
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PLACED)
    pickup_code = models.CharField(_("pickup code"), max_length=8, unique=True)
    placed_at = models.DateTimeField(_("ordered at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-pk"]
        indexes = [models.Index(fields=["account", "state"])]

    def __str__(self) -> str:
        return f"{self.item} · {self.pickup_code}"


# ---------------------------------------------------------------- 在职党员双报到


class UnitRegistration(DecidedRequest):
    """A unit registering itself with a community (共建单位自行登记), sent by its contact; the
    community's staff approve it (the partner unit is made, or the one of that name taken
    over) or refuse it with a reason."""

    office = models.ForeignKey(Office, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("unit's name"), max_length=100)
    party_branch = models.CharField(_("party branch"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    unit = models.ForeignKey(
        PartnerUnit,
        verbose_name=_("partner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
    )

    class Meta:
        verbose_name = _("unit's registration")
        verbose_name_plural = _("units' registrations")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "name"], condition=Q(state="pending"), name="one_pending_registration_per_unit_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.office}"

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def national_contact_phone(self) -> str:
        return national_phone(self.contact_phone)


class UnitProject(models.Model):
    """A project a partner unit takes on in the community (共建项目), added by the community's
    staff: what no record elsewhere shows. The shifts it runs as a partner and the wishes it
    claims come from their own records (teams.partners), and need no project."""

    unit = models.ForeignKey(
        PartnerUnit, verbose_name=_("partner unit"), on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    description = models.CharField(
        _("what the unit does"),
        max_length=200,
        blank=True,
        help_text=_("E.g. what it gives or organises, and where."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("partner unit's project")
        verbose_name_plural = _("partner units' projects")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="unit_project_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.title


class ServicePost(models.Model):
    """A kind of service a reporting party member may offer (政策宣传, 法律服务, 助老助残, …)."""

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=40)

    class Meta:
        verbose_name = _("service post")
        verbose_name_plural = _("service posts")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="service_post_name_unique")]

    def __str__(self) -> str:
        return self.name


class PartyReport(DecidedRequest):
    """A serving party member's reporting card (报到登记) at their residence community. Once
    confirmed it is their receipt (报到回执), numbered, to show their unit."""

    office = models.ForeignKey(Office, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        PartnerUnit, verbose_name=_("employer unit"), on_delete=models.PROTECT, related_name="reports"
    )
    grid = models.CharField(_("home address (grid)"), max_length=100)
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    posts = models.ManyToManyField(ServicePost, verbose_name=_("service offered"), related_name="+")

    class Meta:
        verbose_name = _("party member's report")
        verbose_name_plural = _("party members' reports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "volunteer"], condition=~Q(state="refused"), name="one_live_party_report_per_office"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.office}"

    @property
    def receipt_number(self) -> str:
        return f"BD{self.office_id:04d}{self.pk:06d}"


class QuarterComment(models.Model):
    """The community's short comment on a reported member's service in one quarter, printed
    in the quarterly feedback to their unit (服务社区登记卡)."""

    report = models.ForeignKey(
        PartyReport, verbose_name=_("party member's report"), on_delete=models.CASCADE, related_name="comments"
    )
    quarter = models.DateField(_("quarter"), help_text=_("The quarter's first day."))
    text = models.CharField(_("community's comment"), max_length=100)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("community's comment")
        verbose_name_plural = _("community's comments")
        constraints = [
            models.UniqueConstraint(fields=["report", "quarter"], name="one_comment_per_report_and_quarter"),
            models.CheckConstraint(
                condition=Q(quarter__day=1, quarter__month__in=[1, 4, 7, 10]), name="comment_quarter_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.quarter:%Y-%m}"


class ReportingTarget(models.Model):
    """What a reported party member is asked to serve in a year (typical local rules: at
    least 4 activities or 50 hours). An office without one uses those."""

    office = models.OneToOneField(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    activities = models.PositiveSmallIntegerField(_("activities a year"), default=4)
    hours = models.PositiveSmallIntegerField(_("or hours a year"), default=50)

    class Meta:
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")

    def __str__(self) -> str:
        return str(self.office)


# ---------------------------------------------------------------- 评议 / 评选


class Evaluation(models.Model):
    """A yearly evaluation an office runs (2026年度最美志愿者, 文明户): nominations in one
    window, votes in a later one, and results frozen when it is closed."""

    class Kind(models.TextChoices):
        PERSON = "person", pgettext_lazy("evaluated", "Person")
        HOUSEHOLD = "household", pgettext_lazy("evaluated", "Household")

    class Voters(models.TextChoices):
        RESIDENTS = "residents", _("Residents with an account")
        VOLUNTEERS = "volunteers", _("Volunteers of the office")
        PANEL = "panel", _("A panel of named staff")

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    nominations_from = models.DateField(_("nominations from"))
    nominations_to = models.DateField(_("nominations to"))
    voting_from = models.DateField(_("voting from"))
    voting_to = models.DateField(_("voting to"))
    seats = models.PositiveSmallIntegerField(_("number to be named"), validators=[MinValueValidator(1)])
    votes_per_voter = models.PositiveSmallIntegerField(_("votes per voter"), validators=[MinValueValidator(1)])
    voters = models.CharField(_("who may vote"), max_length=10, choices=Voters.choices, default=Voters.VOLUNTEERS)
    panel = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("panel"), blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-voting_to", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nominations_to__gte=models.F("nominations_from"))
                & Q(voting_from__gt=models.F("nominations_to"))
                & Q(voting_to__gte=models.F("voting_from")),
                name="evaluation_windows_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Nomination(models.Model):
    """Someone put forward in an evaluation; for a household, its member who stands for it."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.PROTECT, related_name="nominations"
    )
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("nominee"), on_delete=models.PROTECT, related_name="+")
    # A household (文明户): its label (who and where, for staff only) and its other members
    # with an account, whose hours and points count as its evidence too.
    household = models.CharField(_("household"), max_length=60, blank=True)
    members = models.ManyToManyField(
        Volunteer, verbose_name=_("other members of the household"), blank=True, related_name="+"
    )
    reason = models.CharField(_("why"), max_length=300)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("nominated by"), on_delete=models.PROTECT, related_name="+"
    )
    nominated_at = models.DateTimeField(_("nominated at"), default=timezone.now)
    # Frozen at close: the votes counted and whether the nominee was named.
    final_votes = models.PositiveIntegerField(_("votes"), null=True, blank=True)
    named = models.BooleanField(_("named"), default=False)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "volunteer"], name="one_nomination_per_nominee"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.volunteer}"


class Vote(models.Model):
    """One voter's vote for one nominee; a voter has at most the evaluation's votes per voter."""

    evaluation = models.ForeignKey(Evaluation, verbose_name=_("evaluation"), on_delete=models.PROTECT, related_name="+")
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.PROTECT, related_name="votes"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("voter"), on_delete=models.PROTECT, related_name="+"
    )
    cast_at = models.DateTimeField(_("cast at"), default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["nomination", "voter"], name="one_vote_per_voter_and_nominee")]
        indexes = [models.Index(fields=["evaluation", "voter"])]

    def __str__(self) -> str:
        return f"{self.nomination} · {self.voter_id}"
