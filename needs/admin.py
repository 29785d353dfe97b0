from django.contrib import admin

from needs.models import Category, Need, NeedEvent, NeedTaker


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "office", "max_minutes", "is_active")
    list_filter = ("office",)


class NeedEventInline(admin.TabularInline):
    model = NeedEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "by", "at", "note")

    def has_add_permission(self, request, obj=None):
        return False


class NeedTakerInline(admin.TabularInline):
    model = NeedTaker
    extra = 0
    can_delete = False
    readonly_fields = ("volunteer", "taken_at", "started_at", "minutes", "note", "finished_at", "posted_record")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    """Read-only: every change goes through needs.services, which keeps the history."""

    list_display = ("category", "office", "grid", "state", "created_at")
    list_filter = ("state", "office")
    inlines = [NeedTakerInline, NeedEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
