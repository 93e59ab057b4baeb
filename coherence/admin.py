from django.contrib import admin

from coherence.models import Score, ScoreQuestion, ScoreRevision, Strategy


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    fields = ["objective", "value", "reason", "scored_by", "scored_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        # Scores are their entity's: written through the pages, each with its revision.
        return False


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["title", "membership", "cluster", "kind", "status", "starts_on", "ends_on"]
    list_filter = ["kind", "status", "cluster"]
    search_fields = ["title", "territory", "membership__actor__name"]
    raw_id_fields = ["cluster", "membership", "created_by"]
    filter_horizontal = ["sdg_targets", "rights"]
    inlines = [ScoreInline]

    # Read only, as the scores: a change here would bypass the checks and the audit log.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RevisionInline(admin.TabularInline):
    model = ScoreRevision
    extra = 0
    fields = ["value", "reason", "by", "at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class QuestionInline(admin.TabularInline):
    model = ScoreQuestion
    extra = 0
    fields = ["membership", "comment", "value_questioned", "by", "at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    # Read only: a change here would bypass the revisions and the audit log.
    list_display = ["strategy", "objective", "value", "scored_at"]
    list_filter = ["value"]
    search_fields = ["strategy__title", "objective__code"]
    readonly_fields = ["strategy", "objective", "value", "reason", "scored_by", "scored_at"]
    inlines = [RevisionInline, QuestionInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
