from django.urls import path

from shifts import views

app_name = "shifts"

urlpatterns = [
    path("shifts/", views.ShiftListView.as_view(), name="list"),
    path("me/shifts/", views.MyShiftsView.as_view(), name="mine"),
    path("shifts/<int:pk>/", views.ShiftDetailView.as_view(), name="detail"),
    path("shifts/<int:pk>/signup/", views.SignUpView.as_view(), name="signup"),
    path("shifts/<int:pk>/cancel-signup/", views.CancelSignupView.as_view(), name="cancel_signup"),
    path("shifts/<int:pk>/edit/", views.ShiftUpdateView.as_view(), name="edit"),
    path("shifts/<int:pk>/cancel/", views.ShiftCancelView.as_view(), name="cancel"),
    path("shifts/<int:pk>/roster/add/", views.RosterAddView.as_view(), name="roster_add"),
    path("shifts/<int:pk>/roster/<int:signup_pk>/remove/", views.RosterRemoveView.as_view(), name="roster_remove"),
    path("teams/<int:team_pk>/shifts/new/", views.ShiftCreateView.as_view(), name="create"),
]
