"""Sales tallies: the read side over the order ledger (queries, exports, the staff page, the impact board).

Nothing here writes to the database.
"""
