"""The listing import: a cooperative's spreadsheet of listings read, checked row by row, previewed and saved."""
