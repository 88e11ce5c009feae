"""Members and credentials: alliances, organisations, users and API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from capool.clock import utcnow
from capool.config import get_settings
from capool.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from capool.tenancy.actor import (
    ALL_PERMISSIONS,
    Actor,
    Permission,
    user_actor,
)
from capool.tenancy.models import Alliance, ApiKey, Organisation, OrgKind, Role, User

KEY_PREFIX = "cpk"


def _hash_secret(secret: str) -> str:
    return hmac.new(get_settings().secret_bytes("api_key_pepper"), secret.encode(), hashlib.sha256).hexdigest()


async def create_alliance(session: AsyncSession, name: str, *, admins_see_prices: bool = False, admins_approve_runs: bool = True) -> Alliance:
    if (await session.execute(select(Alliance).where(Alliance.name == name))).scalar_one_or_none():
        raise Conflict(f"an alliance named {name!r} already exists")
    alliance = Alliance(name=name, admins_see_prices=admins_see_prices, admins_approve_runs=admins_approve_runs)
    session.add(alliance)
    await session.flush()
    return alliance


async def create_organisation(
    session: AsyncSession, alliance_id: uuid.UUID, name: str, kind: OrgKind, region: str | None = None
) -> Organisation:
    if await session.get(Alliance, alliance_id) is None:
        raise NotFound("alliance", alliance_id)
    existing = await session.execute(
        select(Organisation).where(Organisation.alliance_id == alliance_id, Organisation.name == name)
    )
    if existing.scalar_one_or_none():
        raise Conflict(f"an organisation named {name!r} already exists in this alliance")
    org = Organisation(alliance_id=alliance_id, name=name, kind=kind, region=region)
    session.add(org)
    await session.flush()
    return org


async def create_user(session: AsyncSession, organisation_id: uuid.UUID, email: str, name: str, role: Role) -> User:
    if await session.get(Organisation, organisation_id) is None:
        raise NotFound("organisation", organisation_id)
    if (await session.execute(select(User).where(User.email == email))).scalar_one_or_none():
        raise Conflict(f"a user with email {email!r} already exists")
    user = User(organisation_id=organisation_id, email=email, name=name, role=role)
    session.add(user)
    await session.flush()
    return user


@dataclass
class IssuedKey:
    key: ApiKey
    token: str  # shown once; only its hash is stored


async def issue_api_key(session: AsyncSession, user_id: uuid.UUID, name: str, scopes: list[str] | None = None) -> IssuedKey:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("user", user_id)
    scopes = scopes or ["*"]
    unknown = [s for s in scopes if s != "*" and s not in ALL_PERMISSIONS]
    if unknown:
        raise InvalidInput.at("/scopes", f"unknown scopes: {', '.join(unknown)}")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        organisation_id=user.organisation_id,
        user_id=user.id,
        name=name,
        prefix=prefix,
        secret_hash=_hash_secret(secret),
        scopes=scopes,
    )
    session.add(key)
    await session.flush()
    return IssuedKey(key=key, token=f"{KEY_PREFIX}_{prefix}_{secret}")


async def authenticate(session: AsyncSession, token: str) -> Actor:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        raise Unauthenticated()
    _, prefix, secret = parts
    row = (
        await session.execute(
            select(ApiKey, User, Organisation, Alliance)
            .join(User, User.id == ApiKey.user_id)
            .join(Organisation, Organisation.id == ApiKey.organisation_id)
            .join(Alliance, Alliance.id == Organisation.alliance_id)
            .where(ApiKey.prefix == prefix)
        )
    ).one_or_none()
    if row is None:
        raise Unauthenticated()
    key, user, org, alliance = row
    if not hmac.compare_digest(key.secret_hash, _hash_secret(secret)):
        raise Unauthenticated()
    if key.revoked_at is not None or not user.active:
        raise Unauthenticated("this API key has been revoked")
    return user_actor(user, org, alliance, api_key=key)


async def list_api_keys(session: AsyncSession, actor: Actor) -> list[ApiKey]:
    actor.require(Permission.MEMBERS_ADMIN)
    statement = select(ApiKey).where(ApiKey.organisation_id == actor.organisation_id).order_by(ApiKey.id)
    return list((await session.execute(statement)).scalars())


async def revoke_api_key(session: AsyncSession, actor: Actor, key_id: uuid.UUID) -> ApiKey:
    actor.require(Permission.MEMBERS_ADMIN)
    key = (
        await session.execute(select(ApiKey).where(ApiKey.id == key_id, ApiKey.organisation_id == actor.organisation_id))
    ).scalar_one_or_none()
    if key is None:
        raise NotFound("API key", key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return key


async def list_alliance_members(session: AsyncSession, actor: Actor) -> list[Organisation]:
    statement = select(Organisation).where(Organisation.alliance_id == actor.alliance_id).order_by(Organisation.name)
    return list((await session.execute(statement)).scalars())
