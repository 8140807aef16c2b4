"""Input files to validated rows: readers (CSV, XLSX, JSON), row models, staging and the importers.

The first stage of the pipeline: whatever people hand in is read, bounded, validated row by
row (every problem with its row, column and a fix) and written to the store in one transaction.
"""
