"""haystack's Solr backend, able to take editors' saves (indexing.sync_articles) like the other engines.

Solr gets haystack's own schema (``manage.py build_solr_schema``): the Arabic folding, stop words and
spelling sets are generated for Elasticsearch/OpenSearch only (elasticsearch.py), so on Solr the
search page works but matches Arabic spellings only as well as that schema's analyzers do.
"""

from haystack.backends.solr_backend import SolrEngine, SolrSearchBackend

from articles.search.haystack_writes import HaystackWritesMixin


class ArchiveSolrBackend(HaystackWritesMixin, SolrSearchBackend):
    pass


class ArchiveSolrEngine(SolrEngine):
    backend = ArchiveSolrBackend
