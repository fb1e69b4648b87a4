"""Benchlearning across features: the evidence beside a practice card, "Learn from" for a school's "Improve
first" dimensions, and the network learning view for admins."""
