from django.urls import path

from accounts import views

urlpatterns = [
    path("preferences/elder-mode/", views.set_elder_mode, name="set_elder_mode"),
    path("me/notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("me/password/new/", views.NewPasswordView.as_view(), name="new_password"),
]
