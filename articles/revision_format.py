"""The serialization format of revisions: Django's JSON, with datetimes to the microsecond.

Django's JSON encoder cuts datetimes to milliseconds (ECMAScript's precision), so a restored article's
``created`` stamp would come back 0.1 ms off; this encoder writes the full ISO form, which the JSON
deserializer reads back unchanged. Registered as ``SERIALIZATION_MODULES["revision_json"]``.
"""

from __future__ import annotations

import datetime

from django.core.serializers import json
from django.core.serializers.json import DjangoJSONEncoder


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(json.Serializer):
    def _init_options(self) -> None:
        self.options.setdefault("cls", ExactEncoder)
        super()._init_options()


Deserializer = json.Deserializer
