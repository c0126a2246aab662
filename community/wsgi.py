"""WSGI entry point: ``gunicorn community.wsgi`` (see README, Deployment)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")

application = get_wsgi_application()
