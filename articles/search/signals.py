"""Index updates from model signals, deferred to transaction.on_commit (see indexing.py).

Connected when this module is imported (articles/apps.py ready()). Every change that alters what
an article's search document contains schedules that article: the article itself, its paragraphs,
its related links; a renamed section or publication schedules its articles; a VariantSet change
drops the cached variant map.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.models import Article, Paragraph, Publication, RelatedLink, Section, VariantSet
from articles.search import indexing, variants


@receiver(post_save, sender=Article, dispatch_uid="search_article_saved")
@receiver(post_delete, sender=Article, dispatch_uid="search_article_deleted")
def article_changed(sender, instance, **kwargs):
    indexing.schedule(instance.pk)


@receiver(post_save, sender=Paragraph, dispatch_uid="search_paragraph_saved")
@receiver(post_delete, sender=Paragraph, dispatch_uid="search_paragraph_deleted")
def paragraph_changed(sender, instance, **kwargs):
    indexing.schedule(instance.article_id)


@receiver(post_save, sender=RelatedLink, dispatch_uid="search_related_saved")
@receiver(post_delete, sender=RelatedLink, dispatch_uid="search_related_deleted")
def related_changed(sender, instance, **kwargs):
    indexing.schedule(instance.source_id)


@receiver(post_save, sender=Section, dispatch_uid="search_section_saved")
@receiver(post_save, sender=Publication, dispatch_uid="search_publication_saved")
def names_changed(sender, instance, created, **kwargs):
    # Stored names and slugs on the documents; a new section has no articles yet.
    if not created and indexing.realtime_enabled():
        indexing.schedule(*instance.articles.values_list("pk", flat=True))


@receiver(post_save, sender=VariantSet, dispatch_uid="search_variants_saved")
@receiver(post_delete, sender=VariantSet, dispatch_uid="search_variants_deleted")
def variants_changed(sender, **kwargs):
    variants.invalidate()
