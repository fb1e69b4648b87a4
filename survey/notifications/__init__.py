"""Notifications in the portal: what a user should see next time they sign in (a request received, answered,
a note added), beside the e-mail sent for the same event."""
