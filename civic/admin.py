from django.contrib import admin

from civic.models import (
    Evaluation,
    GoodDeed,
    GoodDeedKind,
    Nomination,
    Order,
    PartyReport,
    PointEntry,
    PointsPolicy,
    QuarterComment,
    ReportingTarget,
    ServicePost,
    ShopItem,
    UnitProject,
    UnitRegistration,
    Vote,
)
from hours.admin import NoAddOrChangeAdmin, ReadOnlyAdmin


@admin.register(PointEntry)
class PointEntryAdmin(ReadOnlyAdmin):
    """Read-only: the points ledger is append-only; reversals go through the services."""

    list_display = ("earned_on", "account", "kind", "points", "note", "recorded_at")
    list_filter = ("kind", "account__office")
    search_fields = ("account__volunteer__real_name", "source_key")


@admin.register(PointsPolicy)
class PointsPolicyAdmin(admin.ModelAdmin):
    list_display = ("office", "points_per_hour", "expires_yearly")


@admin.register(GoodDeedKind)
class GoodDeedKindAdmin(admin.ModelAdmin):
    list_display = ("name", "office", "points", "is_active")
    list_filter = ("office", "is_active")


@admin.register(GoodDeed)
class GoodDeedAdmin(NoAddOrChangeAdmin):
    """Confirmation by a second person goes through the site (it writes the ledger)."""

    list_display = ("done_on", "volunteer", "kind", "points", "state", "requested_by", "decided_by")
    list_filter = ("state", "office")


@admin.register(ShopItem)
class ShopItemAdmin(admin.ModelAdmin):
    """Stock is set when an item is added; afterwards only orders and the catalogue page
    change it (under the item's lock), so a stale form never writes back an old count."""

    list_display = ("name", "office", "price", "stock", "is_active")
    list_filter = ("office", "is_active")

    def get_readonly_fields(self, request, obj=None):
        return ("stock",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=[field for field in form.changed_data if field != "stock"])
        else:
            super().save_model(request, obj, form, change)


@admin.register(Order)
class OrderAdmin(NoAddOrChangeAdmin):
    list_display = ("placed_at", "account", "item", "price", "state", "closed_by")
    list_filter = ("state",)


@admin.register(ServicePost)
class ServicePostAdmin(ReadOnlyAdmin):
    """Looked at only: confirmed cards name their posts, which an edit here would rewrite."""

    list_display = ("name", "office")
    list_filter = ("office",)


@admin.register(ReportingTarget)
class ReportingTargetAdmin(admin.ModelAdmin):
    list_display = ("office", "activities", "hours")


@admin.register(PartyReport)
class PartyReportAdmin(NoAddOrChangeAdmin):
    """Confirming a card and issuing its receipt go through the site."""

    list_display = ("volunteer", "office", "unit", "state", "decided_by")
    list_filter = ("state", "office")


@admin.register(QuarterComment)
class QuarterCommentAdmin(NoAddOrChangeAdmin):
    list_display = ("report", "quarter", "text", "written_by", "written_at")


@admin.register(UnitRegistration)
class UnitRegistrationAdmin(NoAddOrChangeAdmin):
    """Approving a unit makes it a partner of the office: the site does it, with a reason when refused."""

    list_display = ("name", "office", "state", "requested_by", "decided_by")
    list_filter = ("state", "office")


@admin.register(UnitProject)
class UnitProjectAdmin(NoAddOrChangeAdmin):
    list_display = ("title", "unit", "starts_on", "ends_on", "added_by")


@admin.register(Evaluation)
class EvaluationAdmin(NoAddOrChangeAdmin):
    """Opening, closing and the frozen results go through the site: an edit here could move a closed result."""

    list_display = ("title", "office", "kind", "voting_from", "voting_to", "closed_at")
    list_filter = ("kind", "office")


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ("evaluation", "volunteer", "household", "nominated_by", "nominated_at")
    list_filter = ("evaluation",)


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    """Votes are counted into frozen results: they are never changed or removed here."""

    list_display = ("evaluation", "nomination", "cast_at")
    list_filter = ("evaluation",)
