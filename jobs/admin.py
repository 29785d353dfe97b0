from django.contrib import admin

from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs change through their services (retry on the site, cleanup_jobs)."""

    list_display = ("created_at", "kind", "office", "state", "done", "total", "attempt")
    list_filter = ("state", "kind")
    search_fields = ("key",)
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
