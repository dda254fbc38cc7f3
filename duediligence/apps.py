from django.apps import AppConfig, apps


class DueDiligenceConfig(AppConfig):
    """The project package as an app, for one thing: importing every app's tasks.py
    when Django loads. Celery's autodiscovery is lazy and fires only in a worker, so a
    web process (runserver, gunicorn, seed_demo) looking a task up by name in
    ``current_app.tasks`` would otherwise find it missing (NotRegistered)."""

    name = "duediligence"
    label = "duediligence"
    verbose_name = "DueDiligence"

    def ready(self):
        from .celery import app

        app.autodiscover_tasks(lambda: [c.name for c in apps.get_app_configs()], force=True)
