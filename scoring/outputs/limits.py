"""How much of a run the report lays out in full: here, not in report.data, so that `scoring report --help`
cites it without importing the report's writers (issue 17: every command's startup)."""

# Up to this many units the HTML lays out every scorecard and every rectification item, as the
# report always did: a district's 33 departments or a city's 67 plus counties and institutions
# make one 通报 to read through. A scorecard is 12 KB of HTML (the demo's 95 units: 1.1 MB) to
# 75 KB (the benchmark province's, ≈120 lines and items a unit), so 200 make at most ≈15 MB, about
# what a phone still opens; a province's 10,000 made a 756 MB page. Above it the HTML is a summary.
FULL_REPORT_UNITS = 200

# The 通报 lists the open rectification items up to this many; more (a province) are in the workbook and CSV files.
ITEMS_IN_DOCUMENT = 500
