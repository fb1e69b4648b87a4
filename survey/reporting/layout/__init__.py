"""Report view models: what each report prints, where, in which table and column group, as formatted
strings. Pure Python on the report inputs; the PDF (`survey.reporting.pdf`) and the dashboards read them."""
from survey.reporting.layout.network import anonymised_labels, network_context
from survey.reporting.layout.school import school_context

__all__ = ["anonymised_labels", "network_context", "school_context"]
