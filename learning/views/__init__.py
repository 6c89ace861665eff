"""The learning space's pages, one module per kind of item."""
