"""Everything below the domains with no request in sight: database, money, time, caching, credit codes,
spreadsheets, images, mail and its outbox."""
