from django.urls import path

from shifts import views, views_attendance, views_calendar, views_leader, views_scan, views_series

app_name = "shifts"

urlpatterns = [
    path("shifts/", views.ShiftListView.as_view(), name="list"),
    path("me/shifts/", views.MyShiftsView.as_view(), name="mine"),
    path("shifts/<int:pk>/", views.ShiftDetailView.as_view(), name="detail"),
    path("shifts/<int:pk>/signup/", views.SignUpView.as_view(), name="signup"),
    path("shifts/<int:pk>/cancel-signup/", views.CancelSignupView.as_view(), name="cancel_signup"),
    path("shifts/<int:pk>/edit/", views.ShiftUpdateView.as_view(), name="edit"),
    path("shifts/<int:pk>/cancel/", views.ShiftCancelView.as_view(), name="cancel"),
    path("shifts/<int:pk>/members/", views.MemberSearchView.as_view(), name="member_search"),
    path("shifts/<int:pk>/roster/add/", views.RosterAddView.as_view(), name="roster_add"),
    path("shifts/<int:pk>/roster/<int:signup_pk>/remove/", views.RosterRemoveView.as_view(), name="roster_remove"),
    path("teams/<int:team_pk>/shifts/new/", views.ShiftCreateView.as_view(), name="create"),
    path("scan/", views_scan.ScanStartView.as_view(), name="scan_start"),
    path("shifts/<int:pk>/scan/", views_scan.ScanView.as_view(), name="scan"),
    path("shifts/<int:pk>/scanner/", views_scan.ScannerPageView.as_view(), name="scanner"),
    path("shifts/scanner-sw.js", views_scan.service_worker, name="scanner_sw"),
    path("shifts/<int:pk>/attendance/", views_attendance.AttendanceSheetView.as_view(), name="attendance"),
    path("shifts/<int:pk>/attendance/mark/", views_attendance.AttendanceMarkView.as_view(), name="attendance_mark"),
    path(
        "shifts/<int:pk>/attendance/walk-in/",
        views_attendance.AttendanceWalkInView.as_view(),
        name="attendance_walk_in",
    ),
    path(
        "shifts/<int:pk>/attendance/confirm/",
        views_attendance.AttendanceConfirmView.as_view(),
        name="attendance_confirm",
    ),
    path("shifts/<int:pk>/self-code/", views_attendance.SelfCodeView.as_view(), name="self_code"),
    path("shifts/<int:pk>/self/<str:code>/", views_attendance.SelfCheckView.as_view(), name="self_check"),
    path("shifts/<int:pk>/sheet.xlsx", views_leader.SignInSheetView.as_view(), name="sign_in_sheet"),
    path("teams/<int:team_pk>/calendar/", views_leader.TeamCalendarView.as_view(), name="team_calendar"),
    path("teams/<int:team_pk>/series/new/", views_series.SeriesCreateView.as_view(), name="series_create"),
    path("series/<int:pk>/edit/", views_series.SeriesUpdateView.as_view(), name="series_edit"),
    path("me/calendar/", views_calendar.CalendarFeedView.as_view(), name="calendar_feed"),
    path("calendar/<slug:token>.ics", views_calendar.IcalFeedView.as_view(), name="ical"),
]
