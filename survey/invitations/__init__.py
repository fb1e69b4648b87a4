"""Personal invitations in bulk: paced sending through the job runner, bounces, reminders, re-sending a lost
invitation and one-click unsubscribe (RFC 8058). The invitation rows themselves live in `survey.rounds`."""
