from django.contrib import admin

from teams.models import GridWorker, Membership, Office, OfficeStaff, PartnerUnit, Team, TeamKind


class OfficeStaffInline(admin.TabularInline):
    model = OfficeStaff
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name",)
    inlines = [OfficeStaffInline]


@admin.register(TeamKind)
class TeamKindAdmin(admin.ModelAdmin):
    list_display = ("name", "position")
    list_editable = ("position",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "office", "kind", "join_policy", "is_active")
    list_filter = ("is_active", "join_policy", "kind", "office")
    search_fields = ("name", "code")
    readonly_fields = ("invite_code", "created_at")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("team", "user", "role", "status", "joined_on", "left_on")
    list_filter = ("status", "role", "team__office")
    search_fields = ("team__name", "user__phone", "user__volunteer__real_name")
    autocomplete_fields = ["user", "team"]
    readonly_fields = ("requested_at", "decided_by")


@admin.register(GridWorker)
class GridWorkerAdmin(admin.ModelAdmin):
    """Looked at only: staff name and remove grid workers on the site, which tells the person
    and writes the audit log."""

    list_display = ("grid", "office", "user", "appointed_at")
    list_filter = ("office",)
    search_fields = ("grid", "user__phone", "user__volunteer__real_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PartnerUnit)
class PartnerUnitAdmin(admin.ModelAdmin):
    """Units join through their registration, decided on the site; here their details are kept
    up. A unit never changes office: its shifts, requests and wishes would follow it there."""

    list_display = ("name", "office", "party_branch", "contact_name")
    list_filter = ("office",)
    search_fields = ("name", "party_branch")
    autocomplete_fields = ["contact_user"]
    readonly_fields = ("office",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
