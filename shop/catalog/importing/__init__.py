"""The listing import: a cooperative's spreadsheet of listings read (reading), checked column by column
(columns) and row by row (planning), previewed and saved in one transaction (saving), from the pages through
services; the downloadable template (template)."""
