from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "الأرشيف"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from articles.search import numpy_compat

        numpy_compat.apply()
        # Signal handlers: roles after migrate, search index updates after commit.
        from articles import revisions, signals  # noqa: F401  (revisions: models registered with reversion)
        from articles.cache import connect_signals
        from articles.search import signals as search_signals  # noqa: F401

        # Page-cache invalidation must also follow edits made by management commands.
        connect_signals()
