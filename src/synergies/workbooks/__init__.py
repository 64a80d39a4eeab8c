"""Tracker workbooks in and out: the template, the export and the import share one layout."""
