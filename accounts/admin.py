from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Notification, User


class PhoneUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("phone",)
        field_classes = {}


class PhoneUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes = {}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = PhoneUserCreationForm
    form = PhoneUserChangeForm
    ordering = ("phone",)
    list_display = ("phone", "phone_verified", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "phone_verified")
    search_fields = ("phone",)
    fieldsets = (
        (None, {"fields": ("phone", "phone_verified", "password")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("phone", "password1", "password2")}),)
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None):
        # People who appear in the ledger or in logs stay: they are deactivated, never deleted.
        return False

    @admin.action(description=_("Deactivate the selected people (they can no longer sign in)"))
    def deactivate(self, request, queryset):
        changed = queryset.filter(is_active=True).update(is_active=False)
        self.message_user(request, _("%(count)d people deactivated.") % {"count": changed})


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "message", "created_at", "read_at")
    search_fields = ("user__phone", "message")
    readonly_fields = ("user", "message", "link", "created_at", "read_at")
