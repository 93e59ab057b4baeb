"""The DAC 5-digit sectors a cluster may choose for its IATI file: those of the OECD's
purpose codes where the work of cooperation and social clusters falls (social
infrastructure, governance and human rights, housing, employment, environment). The
names are the OECD's, in the platform's languages; the IATI file gives only the code
(vocabulary 1, "OECD DAC CRS Purpose Codes (5 digit)")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DacSector(models.TextChoices):
    EDUCATION_POLICY = "11110", _("Education policy and administrative management")
    VOCATIONAL_TRAINING = "11330", _("Vocational training")
    HEALTH_POLICY = "12110", _("Health policy and administrative management")
    BASIC_HEALTH_CARE = "12220", _("Basic health care")
    POPULATION_POLICY = "13010", _("Population policy and administrative management")
    REPRODUCTIVE_HEALTH = "13020", _("Reproductive health care")
    BASIC_WATER_SANITATION = "14030", _("Basic drinking water supply and basic sanitation")
    PUBLIC_SECTOR_POLICY = "15110", _("Public sector policy and administrative management")
    DECENTRALISATION = "15112", _("Decentralisation and support to subnational government")
    DEMOCRATIC_PARTICIPATION = "15150", _("Democratic participation and civil society")
    HUMAN_RIGHTS = "15160", _("Human rights")
    WOMENS_RIGHTS = (
        "15170",
        _("Women's rights organisations and movements, and government institutions"),
    )
    VIOLENCE_AGAINST_WOMEN = "15180", _("Ending violence against women and girls")
    MIGRATION = (
        "15190",
        _("Facilitation of orderly, safe, regular and responsible migration and mobility"),
    )
    PEACE_BUILDING = "15220", _("Civilian peace-building, conflict prevention and resolution")
    SOCIAL_PROTECTION = "16010", _("Social protection")
    EMPLOYMENT_CREATION = "16020", _("Employment creation")
    HOUSING_POLICY = "16030", _("Housing policy and administrative management")
    LOW_COST_HOUSING = "16040", _("Low-cost housing")
    BASIC_SOCIAL_SERVICES = "16050", _("Multisector aid for basic social services")
    CULTURE = "16061", _("Culture and recreation")
    LABOUR_RIGHTS = "16070", _("Labour rights")
    SOCIAL_DIALOGUE = "16080", _("Social dialogue")
    AGRICULTURAL_POLICY = "31110", _("Agricultural policy and administrative management")
    ENVIRONMENTAL_POLICY = "41010", _("Environmental policy and administrative management")
    URBAN_DEVELOPMENT = "43030", _("Urban development and management")
    RURAL_DEVELOPMENT = "43040", _("Rural development")
    DISASTER_RISK_REDUCTION = "43060", _("Disaster risk reduction")
    MATERIAL_RELIEF = "72010", _("Material relief assistance and services")
    NOT_SPECIFIED = "99810", _("Sectors not specified")
