from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("me/", views.HomeView.as_view(), name="home"),
    path("me/more/", views.MeView.as_view(), name="me"),
    path("me/profile/", views.ProfileView.as_view(), name="profile"),
    path("me/card/", views.CardView.as_view(), name="card"),
    path("me/card/reissue/", views.CardReissueView.as_view(), name="card_reissue"),
    path("volunteers/<int:pk>/", views.VolunteerDetailView.as_view(), name="detail"),
    path("teams/<int:team_pk>/cards/", views.TeamCardSheetView.as_view(), name="card_sheet"),
    path("teams/<int:team_pk>/cards/prepare/", views.CardSheetPrepareView.as_view(), name="card_sheet_prepare"),
    path("teams/<int:team_pk>/roster/template.xlsx", views.RosterTemplateView.as_view(), name="roster_template"),
    path("teams/<int:team_pk>/roster/import/", views.RosterImportView.as_view(), name="roster_import"),
    path("teams/<int:team_pk>/roster/checked/<uuid:job_pk>/", views.RosterCheckedView.as_view(), name="roster_checked"),
    path("teams/<int:team_pk>/roster/confirm/", views.RosterConfirmView.as_view(), name="roster_confirm"),
]
