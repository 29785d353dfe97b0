from django.urls import path

from civic import views

app_name = "civic"

urlpatterns = [
    path("me/points/", views.MyPointsView.as_view(), name="my_points"),
    path("me/points/shop/<int:office_pk>/", views.ShopView.as_view(), name="shop"),
    path("me/points/items/<int:pk>/order/", views.OrderView.as_view(), name="order"),
    path("points/orders/<int:pk>/cancel/", views.OrderCancelView.as_view(), name="order_cancel"),
    path("office/points/", views.OfficePointsView.as_view(), name="office"),
    path("office/<int:office_pk>/points/rules/", views.PolicyView.as_view(), name="policy"),
    path("office/<int:office_pk>/points/ranking/", views.RankingView.as_view(), name="ranking"),
    path("office/<int:office_pk>/shop/", views.CatalogueView.as_view(), name="catalogue"),
    path("office/shop/items/<int:pk>/", views.ItemEditView.as_view(), name="item_edit"),
    path("office/<int:office_pk>/shop/hand-over/", views.HandOverView.as_view(), name="hand_over"),
    path("office/<int:office_pk>/deeds/", views.DeedsView.as_view(), name="deeds"),
    path("office/<int:office_pk>/deeds/kinds/", views.DeedKindAddView.as_view(), name="deed_kind_add"),
    path("office/deeds/<int:pk>/decide/", views.DeedDecideView.as_view(), name="deed_decide"),
    path("me/party-report/", views.PartyReportView.as_view(), name="party_report"),
    path("office/<int:office_pk>/party/", views.PartyMembersView.as_view(), name="party_members"),
    path("office/<int:office_pk>/party/units/", views.PartnerUnitAddView.as_view(), name="unit_add"),
    path(
        "office/<int:office_pk>/party/units/<int:unit_pk>/feedback.xlsx",
        views.UnitFeedbackView.as_view(),
        name="unit_feedback",
    ),
    path("office/<int:office_pk>/party/posts/", views.ServicePostAddView.as_view(), name="post_add"),
    path("office/party/reports/<int:pk>/decide/", views.PartyReportDecideView.as_view(), name="party_report_decide"),
    path("office/party/reports/<int:pk>/comment/", views.QuarterCommentView.as_view(), name="party_comment"),
    path("office/<int:office_pk>/party/target/", views.ReportingTargetView.as_view(), name="party_target"),
    path("me/units/", views.UnitRegistrationView.as_view(), name="unit_registration"),
    path(
        "office/party/registrations/<int:pk>/decide/",
        views.UnitRegistrationDecideView.as_view(),
        name="unit_registration_decide",
    ),
    path("units/<int:pk>/", views.UnitView.as_view(), name="unit"),
    path("units/<int:pk>/projects/", views.UnitProjectAddView.as_view(), name="unit_project_add"),
    path("office/<int:office_pk>/evaluations/", views.EvaluationListView.as_view(), name="evaluations"),
    path("evaluations/<int:pk>/", views.EvaluationView.as_view(), name="evaluation"),
    path("evaluations/<int:pk>/nominate/", views.NominateView.as_view(), name="nominate"),
    path("evaluations/<int:pk>/panel/", views.EvaluationPanelView.as_view(), name="evaluation_panel"),
    path("evaluations/<int:pk>/close/", views.EvaluationCloseView.as_view(), name="evaluation_close"),
    path("evaluations/<int:pk>/results/", views.EvaluationResultsView.as_view(), name="evaluation_results"),
    path("evaluations/nominations/<int:pk>/vote/", views.VoteView.as_view(), name="vote"),
]
