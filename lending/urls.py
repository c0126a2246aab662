from django.urls import path

from lending import views

app_name = "lending"

urlpatterns = [
    path("", views.LendingBoxView.as_view(), name="box"),
    path("<int:pk>/", views.ItemDetailView.as_view(), name="item"),
    path("<int:pk>/borrow/", views.RequestLoanView.as_view(), name="request"),
    path("mine/", views.MyLoansView.as_view(), name="mine"),
    path("desk/", views.DeskView.as_view(), name="desk"),
    path("loans/<int:pk>/", views.LoanDetailView.as_view(), name="loan"),
    path("loans/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("loans/<int:pk>/hand-over/", views.HandOverView.as_view(), name="hand_over"),
    path("loans/<int:pk>/decline/", views.DeclineView.as_view(), name="decline"),
    path("loans/<int:pk>/return/", views.ReturnView.as_view(), name="record_return"),
]
