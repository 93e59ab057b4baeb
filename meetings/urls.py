from django.urls import path

from meetings import calendar_views, views

app_name = "meetings"

M = "c/<slug:slug>/meetings/<int:pk>/"

urlpatterns = [
    path("c/<slug:slug>/meetings/", views.meeting_list, name="list"),
    path("c/<slug:slug>/meetings/new/", views.meeting_schedule, name="schedule"),
    path(M, views.meeting_detail, name="detail"),
    path(M + "edit/", views.meeting_edit, name="edit"),
    path(M + "cancel/", views.meeting_cancel, name="cancel"),
    path(M + "items/new/", views.item_add, name="item-add"),
    path(M + "items/<int:item>/answer/", views.item_answer, name="item-answer"),
    path(M + "attendance/", views.attendance, name="attendance"),
    path(M + "close/", views.meeting_close, name="close"),
    path(M + "objection/", views.minutes_object, name="object"),
    path(M + "tasks/<int:task>/done/", views.task_done, name="task-done"),
    path(M + "meeting.ics", views.meeting_ics, name="ics"),
    path("c/<slug:slug>/calendar/", calendar_views.cluster_calendar, name="cluster-calendar"),
    path("calendar/", calendar_views.my_calendar, name="my-calendar"),
    path("calendar/feed/renew/", calendar_views.feed_renew, name="feed-renew"),
    path("calendar/feed/revoke/", calendar_views.feed_revoke, name="feed-revoke"),
    path("calendar/<str:token>.ics", calendar_views.feed, name="feed"),
]
