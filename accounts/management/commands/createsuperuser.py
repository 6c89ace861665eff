"""Django's `createsuperuser` is refused (accounts/management/refused.py)."""

from accounts.management.refused import refused

Command = refused("createsuperuser")
