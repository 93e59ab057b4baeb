from __future__ import annotations

from django.contrib import admin

from actors.models import Actor, ActorUser, Capacity, ThematicArea


class CapacityInline(admin.TabularInline):
    model = Capacity
    extra = 0


class ActorUserInline(admin.TabularInline):
    model = ActorUser
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "territory", "tax_id", "iati_identifier"]
    list_filter = ["kind", "thematic_areas"]
    search_fields = ["name", "tax_id", "iati_identifier", "territory"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["thematic_areas"]
    inlines = [ActorUserInline, CapacityInline]


@admin.register(ThematicArea)
class ThematicAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__"]

    def has_add_permission(self, request: object) -> bool:
        # The list is fixed by ThematicArea.Code and created by a migration.
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
