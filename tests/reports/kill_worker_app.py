"""The Celery app for the SIGKILL test's worker processes: the project's app, with a
visibility timeout of seconds instead of an hour, so that the message of a killed
worker is redelivered while the test waits."""

from duediligence.celery import app

app.conf.broker_transport_options = {
    **(app.conf.broker_transport_options or {}),
    "visibility_timeout": 4,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
