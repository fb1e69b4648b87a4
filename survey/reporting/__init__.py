"""Benchmark reports: plotly figures, their static SVG, the PDF built from the templates in reports/,
storage of built reports and background builds. Report builders take data and return bytes."""
