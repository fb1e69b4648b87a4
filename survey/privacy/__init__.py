"""Privacy operations of a network: its retention schedule (settings page, `benchlearn privacy apply`, the
periodic `privacy.apply` job), its records of processing (GDPR art. 30) and the public accessibility statement."""
