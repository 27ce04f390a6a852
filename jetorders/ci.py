"""Whether we run under CI, where a missing service is a failure, never a skip."""

from __future__ import annotations

import os
from collections.abc import Mapping

TRUE_VALUES = {"1", "true", "yes", "on"}


def in_ci(environ: Mapping[str, str] = os.environ) -> bool:
    # CI services set CI=true; people running .ci/run by hand write CI=1 or CI=yes.
    return environ.get("CI", "").strip().lower() in TRUE_VALUES
