"""Models of network (issue 11 / 12 fills this app)."""
