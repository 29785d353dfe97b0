from django.contrib import admin

from volunteers.models import Volunteer


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ("real_name", "masked_phone", "gender", "grid", "is_party_member", "created_at")
    list_filter = ("gender", "is_party_member", "id_type")
    search_fields = ("real_name", "user__phone")
    autocomplete_fields = ["user"]
    readonly_fields = ("card_version", "created_at", "updated_at")
