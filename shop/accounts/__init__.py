"""People: users, their login sessions, memberships of organizations and cooperatives, and roles."""
