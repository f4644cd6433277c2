"""Campaigns: the campaign-file format, importing and exporting, and their commands."""
