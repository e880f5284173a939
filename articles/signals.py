"""Signal wiring for the app: roles after migrate (search index updates live in articles/search/signals.py).

Roles: superusers manage users and structure; everyone else who edits content belongs to one group,
``EDITORS_GROUP``, whose permissions are (re)written after every ``migrate`` from ``EDITOR_PERMISSIONS``.
Editors write and correct content but never delete it, never touch sections/publications (view only)
and never see users or groups. Permissions added to the group by hand are removed on the next
migrate: change ``EDITOR_PERMISSIONS`` instead, so the role stays reviewable in one place.
"""

from __future__ import annotations

import logging

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate

logger = logging.getLogger(__name__)

# Arabic like the rest of the admin, where operators pick the group by name.
EDITORS_GROUP = "محررون"

# model name -> actions. No "delete" anywhere: editors unpublish instead of deleting.
EDITOR_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "article": ("add", "change", "view"),
    "paragraph": ("add", "change", "view"),
    "relatedlink": ("add", "change", "view"),
    "brief": ("add", "change", "view"),
    "variantset": ("add", "change", "view"),
    "section": ("view",),
    "publication": ("view",),
}


def editor_codenames() -> set[str]:
    return {f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for action in actions}


def sync_editors_group(sender, using: str = DEFAULT_DB_ALIAS, apps=global_apps, verbosity: int = 1, **kwargs) -> None:
    """Create the editors group or reset its permissions to exactly ``EDITOR_PERMISSIONS`` (idempotent)."""
    # auth's own post_migrate handler normally ran already; calling it again is a no-op and makes the
    # order of receivers irrelevant.
    create_permissions(sender, verbosity=0, using=using, apps=apps)
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # auth not migrated (yet) on this database
        return
    wanted = editor_codenames()
    permissions = list(
        Permission.objects.using(using).filter(content_type__app_label=sender.label, codename__in=wanted)
    )
    if {p.codename for p in permissions} != wanted:
        # Models not migrated on this database (e.g. migrate to zero): leave the group alone.
        return
    group, created = Group.objects.using(using).get_or_create(name=EDITORS_GROUP)
    group.permissions.set(permissions)
    if verbosity >= 2:
        logger.info(
            "Editors group %r %s with %d permissions", EDITORS_GROUP, "created" if created else "synced", len(wanted)
        )


post_migrate.connect(
    sync_editors_group,
    sender=global_apps.get_app_config("articles"),
    dispatch_uid="articles.signals.sync_editors_group",
)
