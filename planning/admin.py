from __future__ import annotations

from django.contrib import admin

from planning.models import (
    ActionUpdate,
    Contribution,
    Decision,
    JointAction,
    Proposal,
    Stance,
    StanceChange,
)


class StanceInline(admin.TabularInline):
    model = Stance
    extra = 0
    readonly_fields = ["membership", "round", "position", "reason", "by", "updated_at"]

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "cluster", "proposer", "status", "round", "closes_at"]
    list_filter = ["status", "subject", "is_new_practice"]
    search_fields = ["title", "description"]
    filter_horizontal = ["rights_issues", "objectives"]
    inlines = [StanceInline]


@admin.register(StanceChange)
class StanceChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "stance", "position", "by"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = [
        "proposal",
        "round",
        "outcome",
        "agree",
        "abstain",
        "disagree",
        "block",
        "decided_at",
    ]
    list_filter = ["outcome", "rule"]

    # A decision is never edited once recorded.
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


class ContributionInline(admin.TabularInline):
    model = Contribution
    extra = 0
    raw_id_fields = ["membership"]


class ActionUpdateInline(admin.StackedInline):
    model = ActionUpdate
    extra = 0
    readonly_fields = ["author", "membership", "created_at"]


@admin.register(JointAction)
class JointActionAdmin(admin.ModelAdmin):
    list_display = ["title", "cluster", "objective", "lead", "territory", "start", "end", "status"]
    list_filter = ["status", "gender_marker", "is_new_practice", "cluster"]
    search_fields = ["title", "territory", "lead__actor__name"]
    date_hierarchy = "start"
    raw_id_fields = ["lead", "participants", "proposal"]
    filter_horizontal = ["indicators"]
    list_select_related = ["cluster", "objective", "lead__actor"]
    inlines = [ContributionInline, ActionUpdateInline]
