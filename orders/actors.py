"""Who changes an order: a person, a payment gateway, an integration or the system."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from .models import ActorKind
from .permissions import can_override


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    user: AbstractBaseUser | None = None
    label: str = ""

    @classmethod
    def person(cls, user: AbstractBaseUser) -> Actor:
        kind = ActorKind.SUPPORT if can_override(user) else ActorKind.STAFF
        label = user.get_full_name() or user.get_username()
        return cls(kind=kind, user=user, label=label)

    @classmethod
    def gateway(cls, name: str) -> Actor:
        return cls(kind=ActorKind.GATEWAY, label=name)

    @classmethod
    def integration(cls, name: str) -> Actor:
        return cls(kind=ActorKind.INTEGRATION, label=name)

    @classmethod
    def system(cls) -> Actor:
        return cls(kind=ActorKind.SYSTEM)

    @property
    def is_person(self) -> bool:
        return self.user is not None
