"""Organisers' dashboards: live attendance, sales, programme, associations, comparison."""
