"""Django's own form messages that our pages show, in our catalogue so that they speak
as the platform does: "tu" in Catalan and Spanish (Django's own Catalan and Spanish say
"vós" and "usted": "Introduïu", "Introduzca"). Our catalogue comes first (LOCALE_PATHS).
Nothing imports this module: it is here for makemessages."""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = [
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a valid time."),
    gettext_noop("Enter a valid value."),
    gettext_noop("Enter a list of values."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("No file was submitted. Check the encoding type on the form."),
    # The admin's buttons and links (Django's Catalan has infinitives: "Afegir").
    gettext_noop("Add"),
    gettext_noop("Change"),
    gettext_noop("View"),
    gettext_noop("Change password"),
    gettext_noop("View site"),
    gettext_noop("Save and add another"),
    gettext_noop("Save and continue editing"),
    gettext_noop("Save as new"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Go"),
    gettext_noop("Show all"),
    gettext_noop("Delete?"),
    gettext_noop("Run the selected action"),
    gettext_noop("Welcome,"),
]
