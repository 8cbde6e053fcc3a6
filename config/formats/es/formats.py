"""Spanish: day before month, the words Django's Spanish catalog gives ("jue 3 de dic de 2026,
10:00 UTC")."""

DATE_FORMAT = r"j \d\e F \d\e Y"
DATETIME_FORMAT = r"D j \d\e b \d\e Y, H:i T"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "D d/m/Y, H:i"
