"""Every job kind, imported in one place (as `survey.models` does for tables) so that the web app, the Celery
worker and beat all know the same kinds and the same periodic schedule."""
from survey.reporting import jobs as _reporting  # noqa: F401  (report.build)
from survey.results import jobs as _results  # noqa: F401  (results.freeze_due, periodic)
from survey.invitations import jobs as _invitations  # noqa: F401  (invitations.dispatch, invitations.remind_due)
from survey.privacy import jobs as _privacy  # noqa: F401  (privacy.apply, periodic)
from survey.notifications import jobs as _notifications  # noqa: F401  (notifications.mail)
