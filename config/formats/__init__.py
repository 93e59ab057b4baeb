"""Dates and numbers as each language of the platform writes them (FORMAT_MODULE_PATH).

Only what differs from Django's own formats for the language is here; the rest falls
through to Django's. Figures go through core.words.number (grouped, no ",00")."""
