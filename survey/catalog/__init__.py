"""The questionnaire catalog: versioned questionnaire definitions, how they are validated, compared and published."""
