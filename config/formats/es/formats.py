# "1 de diciembre de 2026"; figures grouped with a point, as in Catalan ("150.000 €"),
# where Django's Spanish uses a space.
DATE_FORMAT = r"j \d\e F \d\e Y"
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
