# "1 de desembre de 2026", "1 d'abril de 2026": Django's "E" is the month with its
# preposition, elided before a vowel.
DATE_FORMAT = r"j E \d\e Y"
DATETIME_FORMAT = r"j E \d\e Y, G:i"
MONTH_DAY_FORMAT = r"j E"
YEAR_MONTH_FORMAT = r"F \d\e Y"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
