"""A round's results: computed from its responses by survey.analysis, frozen when the round closes."""
