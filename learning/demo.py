"""Demo data (placeholder, filled below)."""


def seed(out: object) -> None:
    return None
