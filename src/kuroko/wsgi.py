"""WSGI entry point (gunicorn kuroko.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuroko.settings")
application = get_wsgi_application()
