from django.urls import path

from needs import views

app_name = "needs"

urlpatterns = [
    path("needs/", views.MyNeedsView.as_view(), name="mine"),
    path("needs/new/", views.NeedRaiseView.as_view(), name="raise"),
    path("needs/board/", views.BoardView.as_view(), name="board"),
    path("needs/<int:pk>/", views.NeedDetailView.as_view(), name="detail"),
    path("needs/<int:pk>/photos/<int:photo_pk>/", views.NeedPhotoView.as_view(), name="photo"),
    path("needs/<int:pk>/photos/<int:photo_pk>/hide/", views.HidePhotoView.as_view(), name="photo_hide"),
    path("needs/<int:pk>/accept/", views.AcceptView.as_view(), name="accept"),
    path("needs/<int:pk>/refuse/", views.RefuseView.as_view(), name="refuse"),
    path("needs/<int:pk>/dispatch/", views.DispatchView.as_view(), name="dispatch"),
    path("needs/<int:pk>/hide/", views.HideView.as_view(), name="hide"),
    path("needs/<int:pk>/cancel/", views.CancelView.as_view(), name="cancel"),
    path("needs/<int:pk>/take/", views.TakeView.as_view(), name="take"),
    path("needs/<int:pk>/finish/", views.FinishView.as_view(), name="finish"),
    path("needs/<int:pk>/confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("needs/<int:pk>/takers/<int:taker_pk>/credit/", views.CreditView.as_view(), name="credit"),
    path("me/needs/", views.TakenView.as_view(), name="taken"),
    path("office/needs/", views.QueueView.as_view(), name="queue"),
    path("office/needs/categories/", views.CategoryListView.as_view(), name="categories"),
    path("office/needs/categories/<int:pk>/", views.CategoryEditView.as_view(), name="category_edit"),
]
