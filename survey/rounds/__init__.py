"""Survey rounds: a questionnaire version run over a period at a set of schools."""
