from __future__ import annotations

from django.contrib import admin

from clusters.models import AuditEntry, Cluster, ClusterRole, Invitation, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["actor"]


class ClusterRoleInline(admin.TabularInline):
    model = ClusterRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "decision_rule", "reporting_period", "dac_sector"]
    list_filter = ["kind", "status", "decision_rule", "country"]
    # Published and withdrawn by the coordinator (api.services), with its audit entry.
    readonly_fields = ["iati_published_at"]
    search_fields = ["name", "territory"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["thematic_areas"]
    inlines = [ClusterRoleInline, MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "cluster", "actor", "role", "status", "sent_at", "expires_at"]
    list_filter = ["kind", "status", "role"]
    search_fields = ["email", "actor_name", "actor__name", "cluster__name"]
    readonly_fields = ["nonce", "created_at", "closed_at", "accepted_by"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "cluster", "by", "action", "target"]
    list_filter = ["action"]
    search_fields = ["target", "cluster__name"]

    # The audit trail is evidence: nobody edits or deletes it.
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
