"""The WSGI entry point for production: `gunicorn wsgi:app`. Refuses to start without a real SECRET_KEY."""
import os

from survey import create_app

os.environ.setdefault("BENCHLEARN_ENV", "production")
app = create_app()
