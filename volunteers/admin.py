from django.contrib import admin

from volunteers.models import ServiceRecord, Volunteer


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
