"""Test data built through the real services, so grants, groups and history are what production would write."""

from __future__ import annotations

import factory

from accounts import services
from accounts.choices import OrganisationKind, Role, ServiceType
from accounts.models import Organisation, User

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.Factory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisasi Uji {n} (fiktif)")
    code = factory.Sequence(lambda n: "T" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))
    kind = OrganisationKind.NGO
    province = "34"
    services = factory.LazyFunction(lambda: [ServiceType.SHELTER, ServiceType.LEGAL_AID])

    @classmethod
    def _create(cls, model_class: type[Organisation], *args: object, **kwargs: object) -> Organisation:
        return services.organisation_create(actor=None, **kwargs)  # type: ignore[arg-type]


class UserFactory(factory.Factory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"pengguna{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@test.jejaring.invalid")
    first_name = factory.Sequence(lambda n: f"Uji{n}")
    role = Role.CASEWORKER
    organisation = factory.SubFactory(OrganisationFactory)
    language = "id"

    @classmethod
    def _create(cls, model_class: type[User], *args: object, **kwargs: object) -> User:
        return services.user_create(actor=None, password=PASSWORD, **kwargs)  # type: ignore[arg-type]
