from celery import shared_task

from .retention import purge_due


@shared_task(name="vendors.purge_offboarded")
def purge_offboarded() -> int:
    """Daily: delete offboarded vendors' files once their retention period is over."""
    return purge_due()
