"""WSGI entry point for gunicorn and the built-in server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")
application = get_wsgi_application()
