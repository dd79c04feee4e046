"""The programme in exchange formats: iCalendar, Frab schedule.xml and its JSON twin."""
