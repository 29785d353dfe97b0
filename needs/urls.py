from django.urls import path

from needs import views, views_grid, views_wishes

app_name = "needs"

urlpatterns = [
    path("needs/", views.MyNeedsView.as_view(), name="mine"),
    path("needs/new/", views.NeedRaiseView.as_view(), name="raise"),
    path("needs/board/", views.BoardView.as_view(), name="board"),
    path("needs/grid/", views_grid.GridView.as_view(), name="grid"),
    path("needs/<int:pk>/", views.NeedDetailView.as_view(), name="detail"),
    path("needs/<int:pk>/photos/<int:photo_pk>/", views.NeedPhotoView.as_view(), name="photo"),
    path("needs/<int:pk>/photos/<int:photo_pk>/hide/", views.HidePhotoView.as_view(), name="photo_hide"),
    path("needs/<int:pk>/accept/", views.AcceptView.as_view(), name="accept"),
    path("needs/<int:pk>/refuse/", views.RefuseView.as_view(), name="refuse"),
    path("needs/<int:pk>/dispatch/", views.DispatchView.as_view(), name="dispatch"),
    path("needs/<int:pk>/volunteers/", views.VolunteerSearchView.as_view(), name="volunteer_search"),
    path("needs/<int:pk>/hide/", views.HideView.as_view(), name="hide"),
    path("needs/<int:pk>/cancel/", views.CancelView.as_view(), name="cancel"),
    path("needs/<int:pk>/take/", views.TakeView.as_view(), name="take"),
    path("needs/<int:pk>/finish/", views.FinishView.as_view(), name="finish"),
    path("needs/<int:pk>/confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("needs/<int:pk>/takers/<int:taker_pk>/credit/", views.CreditView.as_view(), name="credit"),
    path("me/needs/", views.TakenView.as_view(), name="taken"),
    path("office/needs/", views.QueueView.as_view(), name="queue"),
    path("office/needs/figures/", views.FiguresView.as_view(), name="figures"),
    path("office/needs/grid-workers/", views_grid.GridWorkersView.as_view(), name="grid_workers"),
    path(
        "office/needs/grid-workers/<int:pk>/remove/",
        views_grid.GridWorkerRemoveView.as_view(),
        name="grid_worker_remove",
    ),
    path("office/needs/categories/", views.CategoryListView.as_view(), name="categories"),
    path("office/needs/categories/<int:pk>/", views.CategoryEditView.as_view(), name="category_edit"),
    path("wishes/", views_wishes.WishWallView.as_view(), name="wishes"),
    path("wishes/<int:pk>/", views_wishes.WishDetailView.as_view(), name="wish"),
    path("wishes/<int:pk>/photo/", views_wishes.WishPhotoView.as_view(), name="wish_photo"),
    path("wishes/<int:pk>/claim/", views_wishes.WishClaimView.as_view(), name="wish_claim"),
    path("wishes/<int:pk>/unit-claim/", views_wishes.WishUnitClaimView.as_view(), name="wish_unit_claim"),
    path("wishes/<int:pk>/fulfil/", views_wishes.WishFulfilView.as_view(), name="wish_fulfil"),
    path("wishes/<int:pk>/confirm/", views_wishes.WishConfirmView.as_view(), name="wish_confirm"),
    path("wishes/<int:pk>/withdraw/", views_wishes.WishWithdrawView.as_view(), name="wish_withdraw"),
    path("me/wishes/", views_wishes.MyWishesView.as_view(), name="my_wishes"),
    path("office/wishes/", views_wishes.OfficeWishesView.as_view(), name="office_wishes"),
]
