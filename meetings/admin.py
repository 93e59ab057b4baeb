"""Read-only: meetings change through meetings.services, which keep the audit log."""

from __future__ import annotations

from django.contrib import admin

from meetings.models import AgendaItem, Attendance, FollowUpTask, Meeting, MeetingDecision


class ReadOnly(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AgendaItemInline(ReadOnly):
    model = AgendaItem
    fields = ("order", "title", "status", "proposed_by", "minutes")


class AttendanceInline(ReadOnly):
    model = Attendance
    fields = ("membership", "person", "answer", "attended")


class DecisionInline(ReadOnly):
    model = MeetingDecision
    fields = ("decision",)


class TaskInline(ReadOnly):
    model = FollowUpTask
    fields = ("what", "membership", "due_on", "done_at")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "cluster", "starts_at", "status", "minutes_approved_at")
    list_filter = ("status", "cluster")
    search_fields = ("title",)
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline, AttendanceInline, DecisionInline, TaskInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
