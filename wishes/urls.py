from django.urls import path

from wishes import views

app_name = "wishes"

urlpatterns = [
    path("", views.WishWallView.as_view(), name="wall"),
    path("new/", views.SubmitWishView.as_view(), name="submit"),
    path("on-behalf/", views.SubmitOnBehalfView.as_view(), name="on_behalf"),
    path("mine/", views.MyWishesView.as_view(), name="mine"),
    path("claimed/", views.MyClaimsView.as_view(), name="claimed"),
    path("review/", views.ReviewQueueView.as_view(), name="review"),
    path("<int:pk>/", views.WishDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EditWishView.as_view(), name="edit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/claim/", views.claim, name="claim"),
    path("<int:pk>/release/", views.release, name="release"),
    path("<int:pk>/fulfil/", views.fulfil, name="fulfil"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/not-resolved/", views.not_resolved, name="not_resolved"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/attach/", views.attach, name="attach"),
    path("<int:pk>/hide-thanks/", views.hide, {"part": "thanks"}, name="hide_thanks"),
    path("<int:pk>/hide-fulfilment/", views.hide, {"part": "fulfilment"}, name="hide_fulfilment"),
]
