"""Named moments at which a test can kill journalgen (`SIGKILL`, as a power cut or the
system's out-of-memory killer would), to check that nothing is ever left half-done.

`JOURNALGEN_KILL_AT=write:40` kills the process when the writer is about to write its
40th file; `JOURNALGEN_KILL_AT=exchange` just before the new output is put in place. The
names are the `point` calls in the code. Unset (always, outside tests), a point costs one
dictionary lookup.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "JOURNALGEN_KILL_AT"
WITHOUT = "JOURNALGEN_WITHOUT"
"""`JOURNALGEN_WITHOUT=renameat2` makes the writer use the way it has on systems without
it (macOS, Windows), so that way is tested too."""


def point(name: str, number: int | None = None) -> None:
    wanted = os.environ.get(VARIABLE)
    if wanted is None:
        return
    here = name if number is None else f"{name}:{number}"
    if wanted == here:
        os.kill(os.getpid(), signal.SIGKILL)


def without(feature: str) -> bool:
    """True when a test asked journalgen to do without `feature` (see WITHOUT)."""
    return feature in os.environ.get(WITHOUT, "").split(",")
