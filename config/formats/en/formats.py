"""English: the formats the pages always showed ("Thu 03 Dec 2026, 10:00 UTC")."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "D d M Y, H:i T"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "D d M Y, H:i"
