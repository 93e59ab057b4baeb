from __future__ import annotations

from django.contrib import admin

from rights.models import (
    CapacityGap,
    Cause,
    Consequence,
    DutyBearer,
    Evidence,
    GeneralComment,
    Instrument,
    OutsideReference,
    Participation,
    Right,
    RightsHolderCount,
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


@admin.register(GeneralComment)
class GeneralCommentAdmin(admin.ModelAdmin):
    list_display = ["body", "number", "kind", "year", "symbol", "title_en"]
    list_filter = ["body", "kind"]
    search_fields = ["symbol", "title_ca", "title_es", "title_en"]
    filter_horizontal = ["articles"]


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
    # The chains are edited on the causes page, which keeps them within the issue and to
    # the level above (rights.chains) and records them in the issue's history.
    fields = ["level", "description", "leads_to", "consequences", "responsible"]
    readonly_fields = ["leads_to", "consequences", "responsible"]


class HolderGroupInline(admin.StackedInline):
    model = RightsHolderGroup
    extra = 0
    show_change_link = True  # its counts are edited on the group's own page


class HolderCountInline(admin.TabularInline):
    model = RightsHolderCount
    extra = 0


@admin.register(RightsHolderGroup)
class RightsHolderGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "issue"]
    search_fields = ["name"]
    raw_id_fields = ["issue"]
    inlines = [HolderCountInline]


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


class OutsideReferenceInline(admin.TabularInline):
    model = OutsideReference
    extra = 0


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "added_by", "added_at"]


@admin.register(RightsIssue)
class RightsIssueAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cluster", "status", "updated_at"]
    list_filter = ["status", "cluster"]
    search_fields = ["title", "description"]
    filter_horizontal = ["rights", "sdg_targets", "general_comments"]
    readonly_fields = ["validated_at", "validated_by", "created_by", "previous_version"]
    inlines = [
        ConsequenceInline,
        CauseInline,
        HolderGroupInline,
        DutyBearerInline,
        CapacityGapInline,
        OutsideReferenceInline,
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
