from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: no models of the domain. Provinces and regencies, keyset pagination, request and form
    helpers, the navigation registry and the registries other apps fill."""

    name = "core"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import history

        history.install()
