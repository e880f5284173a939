"""Signal wiring for the app (roles; search index updates live in articles/search/signals.py)."""
