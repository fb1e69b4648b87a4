"""Benchmark reports. `inputs` (plain data, filled from the database by `loader`) -> `layout` (the view models:
what each table, column group and page holds, as formatted strings) and `figures` (the plotly charts) ->
`pdf` (Jinja2 templates of reports/, SVG charts, WeasyPrint). Storage of built reports, parallel and background
builds. The dashboards read `layout` and `figures`, never `pdf`. Report builders take data and return bytes."""
