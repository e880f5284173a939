"""Placeholder: the Arabic Whoosh backend (articles/search) replaces this module."""

from haystack.backends.whoosh_backend import WhooshEngine


class ArabicWhooshEngine(WhooshEngine):
    pass
