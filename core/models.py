"""core has no models of the domain."""
