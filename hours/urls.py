from django.urls import path

from hours import views_dashboard, views_exports, views_ledger, views_recognition

app_name = "hours"

# The addresses are those the ledger had when it lived in volunteers/: bookmarks, printed
# certificates and their /verify/ codes are in people's hands.
urlpatterns = [
    path("me/hours/", views_ledger.MyHoursView.as_view(), name="my_hours"),
    path("me/certificate/", views_recognition.MyCertificateView.as_view(), name="my_certificate"),
    path("certificates/<int:pk>/", views_recognition.CertificateDetailView.as_view(), name="certificate_detail"),
    path(
        "certificates/<int:pk>/withdraw/",
        views_recognition.CertificateWithdrawView.as_view(),
        name="certificate_withdraw",
    ),
    path("office/certificates/", views_recognition.CertificateListView.as_view(), name="certificate_list"),
    path("office/certificates/print/", views_recognition.CertificateBatchView.as_view(), name="certificate_batch"),
    path("verify/<str:code>/", views_recognition.VerifyView.as_view(), name="verify"),
    path("recognition/<int:office_pk>/", views_recognition.RecognitionView.as_view(), name="recognition"),
    path("recognition/<int:office_pk>/honours/", views_recognition.HonourAwardView.as_view(), name="honour_award"),
    path("honours/<int:pk>/revoke/", views_recognition.HonourRevokeView.as_view(), name="honour_revoke"),
    path(
        "volunteers/<int:pk>/certificate/", views_recognition.CertificateIssueView.as_view(), name="certificate_issue"
    ),
    path("me/hours/<int:pk>/correction/", views_ledger.CorrectionRequestView.as_view(), name="correction_request"),
    path("office/corrections/", views_ledger.CorrectionQueueView.as_view(), name="correction_queue"),
    path("office/corrections/<int:pk>/decide/", views_ledger.CorrectionDecideView.as_view(), name="correction_decide"),
    path("office/backfills/", views_ledger.BackfillQueueView.as_view(), name="backfill_queue"),
    path("office/backfills/<int:pk>/decide/", views_ledger.BackfillDecideView.as_view(), name="backfill_decide"),
    path("office/months/", views_ledger.MonthListView.as_view(), name="months"),
    path("office/months/close/", views_ledger.MonthCloseView.as_view(), name="month_close"),
    path("office/dashboard/", views_dashboard.DashboardView.as_view(), name="dashboard"),
    path("office/exports/", views_exports.ExportPageView.as_view(), name="exports"),
    path("office/exports/prepare/", views_exports.PrepareWorkbookView.as_view(), name="export_prepare"),
    path(
        "office/<int:office_pk>/export/<str:month>.xlsx",
        views_exports.ExportDownloadView.as_view(kind="xlsx"),
        name="export_xlsx",
    ),
    path(
        "office/<int:office_pk>/export/<str:month>.csv",
        views_exports.ExportDownloadView.as_view(kind="csv"),
        name="export_csv",
    ),
    path("teams/<int:team_pk>/backfills/", views_ledger.BackfillRequestView.as_view(), name="backfill_request"),
    path(
        "teams/<int:team_pk>/backfills/members/",
        views_ledger.BackfillMemberSearchView.as_view(),
        name="backfill_member_search",
    ),
    path("volunteers/<int:pk>/records/", views_ledger.VolunteerRecordsView.as_view(), name="volunteer_records"),
    path("records/<int:pk>/correct/", views_ledger.RecordCorrectView.as_view(), name="record_correct"),
    path(
        "records/<int:pk>/ask-correction/",
        views_ledger.RecordCorrectionAskView.as_view(),
        name="record_correction_ask",
    ),
]
