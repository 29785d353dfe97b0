from django.contrib import admin

from shifts.models import Attendance, ScanEvent, Shift, ShiftSeries, Signup


@admin.register(ShiftSeries)
class ShiftSeriesAdmin(admin.ModelAdmin):
    list_display = ("title", "team", "weekdays", "start_time", "end_time", "first_date", "last_date")
    list_filter = ("team__office",)
    search_fields = ("title", "team__name")


class SignupInline(admin.TabularInline):
    model = Signup
    extra = 0
    autocomplete_fields = ["volunteer"]
    readonly_fields = ("created_at", "changed_at")


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("title", "team", "starts_at", "ends_at", "capacity", "is_cancelled")
    list_filter = ("is_cancelled", "is_public", "team__office")
    search_fields = ("title", "place", "team__name")
    date_hierarchy = "starts_at"
    inlines = [SignupInline]


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    list_display = ("shift", "volunteer", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("volunteer__real_name", "shift__title")
    autocomplete_fields = ["shift", "volunteer"]


class ScanEventInline(admin.TabularInline):
    model = ScanEvent
    extra = 0
    can_delete = False
    readonly_fields = ("client_event_id", "kind", "at", "received_at", "method", "by", "device", "outcome")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ("shift", "volunteer", "status", "credited_minutes", "review_state")
    list_filter = ("status", "review_state")
    search_fields = ("volunteer__real_name", "shift__title")
    readonly_fields = ("posted_record",)
    inlines = [ScanEventInline]
