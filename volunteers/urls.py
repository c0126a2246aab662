from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.VolunteerIndexView.as_view(), name="index"),
    path("apply/", views.ApplyView.as_view(), name="apply"),
    path("terms/", views.TermsView.as_view(), name="terms"),
    path("applications/", views.ApplicationsView.as_view(), name="applications"),
    path("applications/<int:pk>/approve/", views.decide_application, {"approve": True}, name="approve"),
    path("applications/<int:pk>/reject/", views.decide_application, {"approve": False}, name="reject"),
    path("honour-roll/", views.HonourRollView.as_view(), name="honour_roll"),
    path("calendar.ics", views.calendar_feed, name="calendar"),
    path("teams/<int:pk>/", views.TeamView.as_view(), name="team"),
    path("teams/<int:pk>/join/", views.join_team, name="join"),
    path("teams/<int:pk>/calendar.ics", views.calendar_feed, name="team_calendar"),
    path("memberships/<int:pk>/accept/", views.decide_membership, {"accept": True}, name="accept_member"),
    path("memberships/<int:pk>/decline/", views.decide_membership, {"accept": False}, name="decline_member"),
    path("workstations/<int:pk>/", views.WorkstationView.as_view(), name="workstation"),
    path("workstations/<int:pk>/appointment/", views.RequestAppointmentView.as_view(), name="request_appointment"),
    path("workstations/<int:pk>/appointments/", views.AppointmentsView.as_view(), name="appointments"),
    path("appointments/<int:pk>/confirm/", views.answer_appointment, {"answer": "confirm"}, name="confirm_appointment"),
    path("appointments/<int:pk>/propose/", views.answer_appointment, {"answer": "propose"}, name="propose_appointment"),
    path("appointments/<int:pk>/decline/", views.answer_appointment, {"answer": "decline"}, name="decline_appointment"),
    path("appointments/<int:pk>/accept/", views.resident_appointment, {"answer": "accept"}, name="accept_appointment"),
    path("appointments/<int:pk>/cancel/", views.resident_appointment, {"answer": "cancel"}, name="cancel_appointment"),
    path("events/", views.EventListView.as_view(), name="events"),
    path("activities/<int:pk>/", views.ActivityView.as_view(), name="activity"),
    path("activities/<int:pk>/rate/", views.rate_activity, name="rate"),
    path("activities/<int:pk>/check-in/code/", views.check_in_by_code, name="check_in_code"),
    path("activities/<int:pk>/sign-up-by-phone/", views.PhoneSignUpView.as_view(), name="phone_sign_up"),
    path("activities/<int:pk>/sign-ups/<int:signup_pk>/cancel/", views.cancel_for_resident, name="cancel_for_resident"),
    path("sign-ups/<int:pk>/phoned/", views.signup_phoned, name="signup_phoned"),
    path("activities/<int:pk>/sign-up/", views.sign_up, name="sign_up"),
    path("activities/<int:pk>/cancel/", views.cancel_sign_up, name="cancel_sign_up"),
    path("activities/<int:pk>/check-in/", views.CheckInView.as_view(), name="check_in"),
    path("activities/<int:pk>/check-in/<int:signup_pk>/", views.check_in, {"present": True}, name="mark_present"),
    path(
        "activities/<int:pk>/check-in/<int:signup_pk>/undo/", views.check_in, {"present": False}, name="unmark_present"
    ),
    path("activities/<int:pk>/close/", views.close_check_in, name="close_check_in"),
    path("activities/<int:pk>/hours/<int:volunteer_pk>/", views.adjust_hours, name="adjust_hours"),
    path("record/", views.ServiceRecordView.as_view(), name="my_record"),
    path("record/<int:pk>/", views.ServiceRecordView.as_view(), name="record"),
    path("units/", views.PartnerUnitListView.as_view(), name="units"),
    path("units/<int:pk>/", views.PartnerUnitView.as_view(), name="unit"),
]
