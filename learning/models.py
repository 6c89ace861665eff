"""Models of learning (issue 11 / 12 fills this app)."""
