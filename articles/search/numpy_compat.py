"""numpy 2 removed ``np.float_``, which the elasticsearch 7.x client (pinned for OpenSearch, see
requirements.txt) still names when it builds its serializer: importing that client with numpy 2
installed raises AttributeError. The alias restores the one name, before any engine is loaded."""

from __future__ import annotations

import numpy


def apply() -> None:
    if "float_" not in numpy.__dict__:
        numpy.float_ = numpy.float64  # type: ignore[attr-defined]
