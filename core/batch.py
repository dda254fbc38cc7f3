"""Work that many writes in a row would each trigger (a cache invalidation per saved
row), done once instead: inside ``coalesced()`` a callback passed to ``once`` runs a
single time, when the outermost block ends. Outside it, ``once`` calls at once."""

import contextlib
from contextvars import ContextVar

_pending: ContextVar[dict | None] = ContextVar("core_batch_pending", default=None)


@contextlib.contextmanager
def coalesced():
    if _pending.get() is not None:  # nested: the outer block runs the callbacks
        yield
        return
    token = _pending.set({})
    try:
        yield
    finally:
        callbacks = _pending.get()
        _pending.reset(token)
        for callback in callbacks.values():
            callback()


def once(key: str, callback) -> None:
    pending = _pending.get()
    if pending is None:
        callback()
    else:
        pending[key] = callback
