from __future__ import annotations

from django.contrib import admin

from rights.models import (
    CapacityGap,
    Cause,
    Consequence,
    DutyBearer,
    Evidence,
    Instrument,
    Participation,
    Right,
    RightsHolderGroup,
    RightsIssue,
    RightsIssueChange,
    SDGGoal,
    SDGIndicator,
    SDGTarget,
)


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["code", "year", "kind", "name_en"]


@admin.register(Right)
class RightAdmin(admin.ModelAdmin):
    list_display = ["code", "instrument", "title_en"]
    list_filter = ["instrument"]
    search_fields = ["code", "title_ca", "title_es", "title_en"]
    filter_horizontal = ["sdg_targets"]


@admin.register(SDGGoal)
class SDGGoalAdmin(admin.ModelAdmin):
    list_display = ["number", "title_en", "ca_source"]


@admin.register(SDGTarget)
class SDGTargetAdmin(admin.ModelAdmin):
    list_display = ["code", "goal", "ca_source"]
    list_filter = ["goal", "ca_source"]
    search_fields = ["code", "title_ca", "title_es", "title_en"]


@admin.register(SDGIndicator)
class SDGIndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "target", "ca_source"]
    list_filter = ["ca_source"]
    search_fields = ["code", "title_ca", "title_es", "title_en"]


class ConsequenceInline(admin.TabularInline):
    model = Consequence
    extra = 0


class CauseInline(admin.TabularInline):
    model = Cause
    extra = 0


class HolderGroupInline(admin.StackedInline):
    model = RightsHolderGroup
    extra = 0


class DutyBearerInline(admin.TabularInline):
    model = DutyBearer
    extra = 0


class CapacityGapInline(admin.TabularInline):
    model = CapacityGap
    extra = 0
    fields = ["side", "type", "holder_group", "duty_bearer", "description"]
    # By id: a list of every group and duty-bearer of every cluster says nothing.
    raw_id_fields = ["holder_group", "duty_bearer"]


class ParticipationInline(admin.StackedInline):
    model = Participation
    extra = 0
    raw_id_fields = ["holder_groups", "memberships"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "added_by", "added_at"]


@admin.register(RightsIssue)
class RightsIssueAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cluster", "status", "updated_at"]
    list_filter = ["status", "cluster"]
    search_fields = ["title", "description"]
    filter_horizontal = ["rights", "sdg_targets"]
    readonly_fields = ["validated_at", "validated_by", "created_by", "previous_version"]
    inlines = [
        ConsequenceInline,
        CauseInline,
        HolderGroupInline,
        DutyBearerInline,
        CapacityGapInline,
        ParticipationInline,
        EvidenceInline,
    ]


@admin.register(RightsIssueChange)
class RightsIssueChangeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "issue", "user", "action", "part"]
    list_filter = ["action"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
