"""Administrative regions (GB/T 2260) and the pairings between helper regions and counties."""
