from django.contrib import admin

from volunteers.models import (
    BackfillRequest,
    Certificate,
    CorrectionRequest,
    Honour,
    MonthClose,
    ServiceRecord,
    Volunteer,
)


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ("real_name", "masked_phone", "gender", "grid", "is_party_member", "created_at")
    list_filter = ("gender", "is_party_member", "id_type")
    search_fields = ("real_name", "user__phone")
    autocomplete_fields = ["user"]
    readonly_fields = ("card_version", "created_at", "updated_at")


@admin.register(ServiceRecord)
class ServiceRecordAdmin(admin.ModelAdmin):
    """Read-only: the ledger is append-only; corrections go through the ledger service."""

    list_display = ("service_date", "volunteer", "activity", "team", "minutes", "kind", "recorded_at")
    list_filter = ("kind", "office")
    search_fields = ("volunteer__real_name", "activity", "source_key")
    date_hierarchy = "service_date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):
    """Decisions go through the site (they write the ledger); the admin only looks."""

    list_display = ("requested_at", "record", "requested_minutes", "state", "decided_by", "decided_at")
    list_filter = ("state",)
    raw_id_fields = ("record",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BackfillRequest)
class BackfillRequestAdmin(admin.ModelAdmin):
    list_display = ("requested_at", "volunteer", "service_date", "activity", "minutes", "state", "decided_by")
    list_filter = ("state", "office")
    search_fields = ("volunteer__real_name", "activity")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MonthClose)
class MonthCloseAdmin(admin.ModelAdmin):
    list_display = ("month", "office", "closed_by", "closed_at")
    list_filter = ("office",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: withdrawing goes through the site, which tells the holder."""

    list_display = ("number", "volunteer", "office", "period_from", "period_to", "issued_at", "withdrawn_at")
    list_filter = ("office",)
    search_fields = ("number", "volunteer__real_name")
    raw_id_fields = ("volunteer",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Honour)
class HonourAdmin(admin.ModelAdmin):
    """Read-only, revoked ones included: the site awards and revokes."""

    list_display = ("volunteer", "title", "period", "office", "awarded_at", "revoked_at")
    list_filter = ("title", "office")
    search_fields = ("volunteer__real_name",)
    raw_id_fields = ("volunteer",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
