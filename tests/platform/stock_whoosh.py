"""haystack's own Whoosh backend as "another engine": real, on disk, runs here.

The search page and the editors' saves reach every engine other than the Arabic Whoosh index through
haystack's public API (portable.run_search, HaystackWritesMixin). No Elasticsearch server can run on
this machine, so that path is exercised end to end on haystack's stock Whoosh backend, with its own
schema and English analysis: what it proves is the engine-independent plumbing, not Arabic matching.
"""

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend

from articles.search.haystack_writes import HaystackWritesMixin


class StockWhooshBackend(HaystackWritesMixin, WhooshSearchBackend):
    pass


class StockWhooshEngine(WhooshEngine):
    backend = StockWhooshBackend
