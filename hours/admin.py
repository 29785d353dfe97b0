from django.contrib import admin

from hours.models import BackfillRequest, Certificate, CorrectionRequest, Honour, MonthClose, ServiceRecord


class NoAddOrChangeAdmin(admin.ModelAdmin):
    """Rows the site writes through its services; the admin may look (and delete, where allowed)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoAddOrChangeAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdmin):
    """Read-only: the ledger is append-only; corrections go through the ledger service."""

    list_display = ("service_date", "volunteer", "activity", "team", "minutes", "kind", "recorded_at")
    list_filter = ("kind", "office")
    search_fields = ("volunteer__real_name", "activity", "source_key")
    date_hierarchy = "service_date"


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(NoAddOrChangeAdmin):
    """Decisions go through the site (they write the ledger); the admin only looks."""

    list_display = ("requested_at", "record", "requested_minutes", "state", "decided_by", "decided_at")
    list_filter = ("state",)
    raw_id_fields = ("record",)


@admin.register(BackfillRequest)
class BackfillRequestAdmin(NoAddOrChangeAdmin):
    list_display = ("requested_at", "volunteer", "service_date", "activity", "minutes", "state", "decided_by")
    list_filter = ("state", "office")
    search_fields = ("volunteer__real_name", "activity")


@admin.register(MonthClose)
class MonthCloseAdmin(ReadOnlyAdmin):
    """Read-only: a deleted close would reopen its month (rule 10); months are closed on the site."""

    list_display = ("month", "office", "closed_by", "closed_at")
    list_filter = ("office",)


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    """Read-only: withdrawing goes through the site, which tells the holder."""

    list_display = ("number", "volunteer", "office", "period_from", "period_to", "issued_at", "withdrawn_at")
    list_filter = ("office",)
    search_fields = ("number", "volunteer__real_name")
    raw_id_fields = ("volunteer",)


@admin.register(Honour)
class HonourAdmin(ReadOnlyAdmin):
    """Read-only, revoked ones included: the site awards and revokes."""

    list_display = ("volunteer", "title", "period", "office", "awarded_at", "revoked_at")
    list_filter = ("title", "office")
    search_fields = ("volunteer__real_name",)
    raw_id_fields = ("volunteer",)
