"""Index tasks from model signals, written in the transaction of the change (see indexing.py).

Connected when this module is imported (articles/apps.py ready()). Every change that alters what
an article's search document contains queues that article: the article itself (save, delete,
publish, unpublish), its paragraphs, its related links, ``QuerySet.update()``/``bulk_create()``
of those (``articles_changed``), articles whose related links pointed at a deleted article. A
renamed section or publication queues one task for the rename, not one per article: the writer
re-indexes its articles in batches. A VariantSet change raises the sets' revision, which every
process compares before using its cached map (variants.py).
"""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from articles.models import (
    Article,
    IndexTask,
    Paragraph,
    Publication,
    RelatedLink,
    Section,
    VariantSet,
    articles_changed,
    variant_sets_changed,
)
from articles.search import indexing, variants


@receiver(post_save, sender=Article, dispatch_uid="search_article_saved")
@receiver(post_delete, sender=Article, dispatch_uid="search_article_deleted")
def article_changed(sender, instance, using, **kwargs):
    indexing.schedule(instance.pk, using=using)


@receiver(pre_delete, sender=Article, dispatch_uid="search_article_link_targets")
def article_deleting(sender, instance, using, **kwargs):
    # Their related links lose this target (SET_NULL, no signal): their documents' digests change.
    indexing.schedule(*instance.related_from.values_list("source_id", flat=True), using=using)


@receiver(post_save, sender=Paragraph, dispatch_uid="search_paragraph_saved")
@receiver(post_delete, sender=Paragraph, dispatch_uid="search_paragraph_deleted")
def paragraph_changed(sender, instance, using, **kwargs):
    indexing.schedule(instance.article_id, using=using)


@receiver(post_save, sender=RelatedLink, dispatch_uid="search_related_saved")
@receiver(post_delete, sender=RelatedLink, dispatch_uid="search_related_deleted")
def related_changed(sender, instance, using, **kwargs):
    indexing.schedule(instance.source_id, using=using)


@receiver(articles_changed, dispatch_uid="search_articles_changed")
def rows_changed(sender, article_ids, using, **kwargs):
    indexing.schedule(*article_ids, using=using)


@receiver(pre_save, sender=Section, dispatch_uid="search_section_saving")
@receiver(pre_save, sender=Publication, dispatch_uid="search_publication_saving")
def names_saving(sender, instance, using, **kwargs):
    # Only the name and slug are in the documents: a changed position re-indexes nothing.
    if instance.pk is not None:
        instance._indexed_names = sender.objects.using(using).filter(pk=instance.pk).values_list("name", "slug").first()


@receiver(post_save, sender=Section, dispatch_uid="search_section_saved")
@receiver(post_save, sender=Publication, dispatch_uid="search_publication_saved")
def names_changed(sender, instance, created, using, **kwargs):
    before = getattr(instance, "_indexed_names", None)
    if not created and before is not None and before != (instance.name, instance.slug):
        kind = IndexTask.Kind.SECTION if sender is Section else IndexTask.Kind.PUBLICATION
        indexing.schedule_rename(kind, instance.pk, using=using)


@receiver(post_save, sender=VariantSet, dispatch_uid="search_variants_saved")
@receiver(post_delete, sender=VariantSet, dispatch_uid="search_variants_deleted")
@receiver(variant_sets_changed, dispatch_uid="search_variants_changed")
def variants_changed(sender, using, **kwargs):
    variants.bump_revision(using=using)
