from django.contrib import admin

from civic.models import GoodDeed, GoodDeedKind, Order, PointEntry, PointsPolicy, ShopItem
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
