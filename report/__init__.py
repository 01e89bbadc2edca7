"""The annual report: ``innonet report --year 2023`` writes one self-contained HTML file (and a
PDF through Chromium) with the year's figures, charts, ranked tables, maps as images and the
method, from the query layer (:mod:`queries.changes` and the analyses as of the year's end)."""
