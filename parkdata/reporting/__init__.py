"""Reporting: report data computed once, the zh/en text table, formatting, narrative, style, fonts, charts, park and overview pages, the index page. May import assessment and below."""
