from django.urls import path

from teams import views

app_name = "teams"

urlpatterns = [
    path("", views.TeamListView.as_view(), name="list"),
    path("new/", views.TeamCreateView.as_view(), name="create"),
    path("invitations/", views.InvitationListView.as_view(), name="invitations"),
    path("audit/", views.AuditLogView.as_view(), name="audit"),
    path(
        "invitations/<int:membership_pk>/<str:answer>/",
        views.InvitationAnswerView.as_view(),
        name="invitation_answer",
    ),
    path("invite/<str:invite_code>/", views.TeamInviteView.as_view(), name="invite"),
    path("<int:team_pk>/", views.TeamDetailView.as_view(), name="detail"),
    path("<int:team_pk>/edit/", views.TeamUpdateView.as_view(), name="edit"),
    path("<int:team_pk>/join/", views.TeamJoinView.as_view(), name="join"),
    path("<int:team_pk>/leave/", views.TeamLeaveView.as_view(), name="leave"),
    path("<int:team_pk>/invite/renew/", views.InviteRenewView.as_view(), name="invite_renew"),
    path("<int:team_pk>/members/<int:membership_pk>/role/", views.MembershipRoleView.as_view(), name="set_role"),
    path(
        "<int:team_pk>/members/<int:membership_pk>/<str:decision>/",
        views.MembershipDecisionView.as_view(),
        name="decide",
    ),
]
