"""Editions of the festival: their days, venues, organisers and exhibitors, and the programme
(rooms, sessions, speakers) with its public pages, exports and API."""
