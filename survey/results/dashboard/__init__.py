"""The results dashboards: one school's results of a round on screen, for its staff (`views_staff`) and for the
network's admins (`views_admin`).

The page shows the numbers the school's PDF prints (the same frozen `RoundResults.for_school` slice, written by
the same `survey.reporting.format` functions), in the reader's locale, with a breakdown filter, the school's
comments where METHOD.md allows them, interactive charts and a table for every chart. It never imports the PDF
builder (`survey.reporting.pdf`) nor WeasyPrint: a page must not pay for a PDF renderer it does not use.
"""
