import itertools
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.phones import mask_phone, national_phone


class Office(models.Model):
    """A street office (街道) or a community / village office below it."""

    class Kind(models.TextChoices):
        STREET = "street", _("Street office")
        COMMUNITY = "community", _("Community")
        VILLAGE = "village", _("Village")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    star_thresholds = models.JSONField(
        _("star thresholds (hours)"),
        default=list,
        blank=True,
        help_text=_(
            "Cumulative hours for 1★, 2★, … in increasing order, e.g. [100, 300, 600, 1000, 1500]. "
            "Empty: the parent office's, or the national default."
        ),
    )

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="office_name_unique_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.STREET and self.parent_id:
            raise ValidationError({"parent": _("A street office has no parent office.")})
        if self.kind != self.Kind.STREET and self.parent and self.parent.kind != self.Kind.STREET:
            raise ValidationError({"parent": _("A community or village belongs to a street office.")})
        thresholds = self.star_thresholds
        if thresholds and not (
            isinstance(thresholds, list)
            and all(isinstance(h, int) and not isinstance(h, bool) and h > 0 for h in thresholds)
            and all(a < b for a, b in itertools.pairwise(thresholds))
        ):
            raise ValidationError({"star_thresholds": _("Give whole hours, each larger than the one before.")})


class OfficeStaff(models.Model):
    """A user who works for an office; staff of an office also act for the offices below it."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        STAFF = "staff", _("Staff")

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="office_roles"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.STAFF)
    can_view_pii = models.BooleanField(
        _("may see full phone and ID numbers"),
        default=False,
        help_text=_("Full numbers are otherwise masked."),
    )

    class Meta:
        verbose_name = _("office staff")
        verbose_name_plural = _("office staff")
        constraints = [models.UniqueConstraint(fields=["office", "user"], name="one_staff_role_per_office")]

    def __str__(self) -> str:
        return f"{self.office} · {self.get_role_display()}"


class TeamKind(models.Model):
    """The editable list of association kinds (银龄, 环保, 便民, ...)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("team kind")
        verbose_name_plural = _("team kinds")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


def new_invite_code() -> str:
    return secrets.token_urlsafe(9)


class Team(models.Model):
    """A volunteer team or association (志愿服务队 / 协会) of an office."""

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Anyone may join")
        APPROVAL = "approval", _("A leader approves each request")
        INVITE = "invite", _("By invitation link or QR code only")

    class Rounding(models.IntegerChoices):
        MIN_15 = 15, _("15 minutes")
        MIN_30 = 30, _("30 minutes")
        MIN_60 = 60, _("1 hour")

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Short identifier used by commands, e.g. silver-age.")
    )
    kind = models.ForeignKey(TeamKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="teams")
    description = models.TextField(_("description"), blank=True)
    join_policy = models.CharField(
        _("who may join"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.APPROVAL
    )
    invite_code = models.CharField(_("invitation code"), max_length=16, unique=True, default=new_invite_code)
    rounding_minutes = models.PositiveSmallIntegerField(
        _("round service time down to"), choices=Rounding.choices, default=Rounding.MIN_30
    )
    checkin_opens_minutes = models.PositiveSmallIntegerField(_("check-in opens (minutes before the start)"), default=30)
    checkout_closes_minutes = models.PositiveSmallIntegerField(
        _("check-out closes (minutes after the end)"), default=60
    )
    repeat_window_minutes = models.PositiveSmallIntegerField(
        _("a second read within this many minutes is the same scan"),
        default=5,
        validators=[MaxValueValidator(30)],
        help_text=_("An older volunteer may show the card twice: the second read is not a check-out."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["office__name", "name"]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="team_name_unique_in_office")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("teams:detail", args=[self.pk])

    def get_invite_url(self) -> str:
        return reverse("teams:invite", args=[self.invite_code])


class MembershipQuerySet(models.QuerySet):
    def live(self):
        """Invited, pending or active: the rows that block a second request."""
        return self.filter(status__in=Membership.LIVE)

    def invitations(self):
        return self.filter(status=Membership.Status.INVITED)

    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)

    def leaders(self):
        return self.active().filter(role=Membership.Role.LEADER)


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        LEADER = "leader", _("Leader")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        # Put forward by the team (a roster import): joins only when the person says yes.
        INVITED = "invited", _("Invited: waiting for their answer")
        ACTIVE = "active", _("Active")
        REFUSED = "refused", _("Refused")
        LEFT = "left", _("Left")

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    joined_on = models.DateField(_("joined"), null=True, blank=True)
    left_on = models.DateField(_("left"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    LIVE = ("pending", "invited", "active")

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=Q(status__in=["pending", "invited", "active"]),
                name="one_live_membership_per_team",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.team} · {self.get_role_display()} · {self.get_status_display()}"


class AuditEntry(models.Model):
    """Who did what to whom, for the office's admins: memberships, roles, invitations,
    roster imports (DESIGN: every change of who belongs where is on record)."""

    class Action(models.TextChoices):
        ROSTER_IMPORT = "roster_import", _("Roster imported")
        INVITED = "invited", _("Invited to a team")
        ACCEPTED = "accepted", _("Accepted an invitation")
        DECLINED = "declined", _("Declined an invitation")
        APPROVED = "approved", _("Request to join approved")
        REFUSED = "refused", _("Request to join refused")
        ROLE = "role", _("Role changed")
        PII_VIEWED = "pii_viewed", _("Full phone and ID number seen")
        GRID_APPOINTED = "grid_appointed", _("Made a grid worker")
        GRID_REMOVED = "grid_removed", _("No longer a grid worker")

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["office", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class GridWorker(models.Model):
    """A grid worker (网格员) of an office: raises residents' requests for their grid and
    follows them, and nothing else of the office. A grid is named as the office names it on
    requests and profiles (e.g. 第三网格); one person may look after several."""

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="grid_workers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="grid_posts"
    )
    grid = models.CharField(_("grid"), max_length=100)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appointed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    appointed_at = models.DateTimeField(_("appointed"), auto_now_add=True)

    class Meta:
        verbose_name = _("grid worker")
        verbose_name_plural = _("grid workers")
        ordering = ["grid", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["office", "user", "grid"], name="one_grid_post_per_person"),
            models.CheckConstraint(condition=~Q(grid=""), name="grid_post_names_a_grid"),
        ]

    def __str__(self) -> str:
        return f"{self.office} · {self.grid}"

    def clean(self) -> None:
        self.grid = self.grid.strip()
        if self.office_id and self.office.kind == Office.Kind.STREET:
            raise ValidationError({"office": _("Grids belong to a community or village, not to the street office.")})


class PartnerUnit(models.Model):
    """An employer or organisation paired with an office (共建单位). It lives here, beside the
    teams, so that shifts, needs and civic may all name it: a shift run with a unit, a wish a
    unit claimed, the unit's reported members (civic)."""

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    party_branch = models.CharField(_("party branch"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    # The unit's contact with an account (from its approved registration): they see the unit's page.
    contact_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("partner unit")
        verbose_name_plural = _("partner units")
        ordering = ["name", "pk"]
        # Made by civic, moved here without moving the rows: the table keeps civic's name.
        db_table = "civic_partnerunit"
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="partner_unit_name_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # The unit's page is civic's: a URL name, not an import, so teams still imports nothing above it.
        return reverse("civic:unit", args=[self.pk])

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone) if self.contact_phone else ""

    @property
    def national_contact_phone(self) -> str:
        """13912345678, as people read it; only for those who may see it in full."""
        return national_phone(self.contact_phone)
