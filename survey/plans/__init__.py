"""Action plans: a school's focus dimensions after a round, a goal for the next comparable round, actions with
owner, deadline and status, the practice cards it adopts and the partner it learns from; and, once the next
round is in, what it set out to do beside what changed."""
