"""All SQL of the inspection area; tenant reads go through capool.tenancy.policy.scoped."""

from __future__ import annotations

import uuid

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from capool.pagination import Page, paginate
from capool.tenancy.actor import Actor, user_actor
from capool.tenancy.models import Alliance, Organisation, User
from capool.tenancy.policy import scoped
from inspection.models import ImageStatus, InspectionImage, ModelActivation, ModelActivationRecord, ModelVersion, ReviewState


async def model_version_exists(session: AsyncSession, organisation_id: uuid.UUID, name: str, version: str) -> bool:
    # Always called with the actor's own organisation.
    statement = select(ModelVersion.id).where(
        ModelVersion.organisation_id == organisation_id, ModelVersion.name == name, ModelVersion.version == version
    )
    return (await session.execute(statement)).first() is not None


async def list_model_versions(session: AsyncSession, actor: Actor, cursor: str | None, limit: int) -> Page[ModelVersion]:
    return await paginate(session, scoped(select(ModelVersion), actor, ModelVersion), ModelVersion.id, cursor, limit)


async def activation_for(session: AsyncSession, organisation_id: uuid.UUID, product: str, *, for_update: bool = False) -> ModelActivation | None:
    # Called for the actor's own organisation, or by the job for the image's owner.
    statement = select(ModelActivation).where(ModelActivation.organisation_id == organisation_id, ModelActivation.product == product)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def activations_of(session: AsyncSession, actor: Actor) -> list[ModelActivation]:
    statement = scoped(select(ModelActivation), actor, ModelActivation).order_by(ModelActivation.product)
    return list((await session.execute(statement)).scalars())


async def images_of_lot(session: AsyncSession, actor: Actor, lot_id: uuid.UUID, limit: int) -> list[InspectionImage]:
    statement = scoped(select(InspectionImage), actor, InspectionImage).where(InspectionImage.lot_id == lot_id)
    return list((await session.execute(statement.order_by(InspectionImage.id).limit(limit))).scalars())


async def image_count_of_lot(session: AsyncSession, lot_id: uuid.UUID) -> int:
    # Called with a lot the actor may write (service checked it).
    return int((await session.execute(select(func.count()).where(InspectionImage.lot_id == lot_id))).scalar_one())


async def pending_images_of_lot(session: AsyncSession, lot_id: uuid.UUID) -> int:
    # Called by quality's decision on a lot the actor may write.
    statement = select(func.count()).where(InspectionImage.lot_id == lot_id, InspectionImage.status == ImageStatus.PENDING)
    return int((await session.execute(statement)).scalar_one())


async def unfinished_images_of_lot(session: AsyncSession, lot_id: uuid.UUID) -> tuple[int, int]:
    """(images still pending, images with proposed detections not yet reviewed) of a lot;
    called by quality's decision on a lot the actor may write."""
    pending = func.sum(case((InspectionImage.status == ImageStatus.PENDING, 1), else_=0))
    proposed = func.sum(case((InspectionImage.review == ReviewState.PROPOSED, 1), else_=0))
    row = (await session.execute(select(pending, proposed).where(InspectionImage.lot_id == lot_id))).one()
    return int(row[0] or 0), int(row[1] or 0)


async def image_for_update(session: AsyncSession, image_id: uuid.UUID) -> InspectionImage | None:
    """The job's read: no actor, by id, locked so two deliveries of one message do not both run."""
    return await session.get(InspectionImage, image_id, with_for_update=True)


async def actor_of_user(session: AsyncSession, user_id: uuid.UUID) -> Actor:
    """The uploader as an actor, for work a job does on the uploader's behalf."""
    user, org, alliance = (
        await session.execute(
            select(User, Organisation, Alliance)
            .join(Organisation, Organisation.id == User.organisation_id)
            .join(Alliance, Alliance.id == Organisation.alliance_id)
            .where(User.id == user_id)
        )
    ).one()
    return user_actor(user, org, alliance)


async def organisation_in_alliance(session: AsyncSession, organisation_id: uuid.UUID, alliance_id: uuid.UUID) -> bool:
    statement = select(Organisation.id).where(Organisation.id == organisation_id, Organisation.alliance_id == alliance_id)
    return (await session.execute(statement)).first() is not None


async def activations_of_factory(session: AsyncSession, organisation_id: uuid.UUID) -> list[ModelActivation]:
    # Called for a factory the service checked the actor may manage or is.
    statement = select(ModelActivation).where(ModelActivation.organisation_id == organisation_id).order_by(ModelActivation.product)
    return list((await session.execute(statement)).scalars())


async def activation_records(session: AsyncSession, organisation_id: uuid.UUID, product: str | None, limit: int) -> list[ModelActivationRecord]:
    """A factory's activation history, newest first (the service checked the actor may read it)."""
    statement = select(ModelActivationRecord).where(ModelActivationRecord.organisation_id == organisation_id)
    if product is not None:
        statement = statement.where(ModelActivationRecord.product == product)
    statement = statement.order_by(ModelActivationRecord.at.desc(), ModelActivationRecord.id.desc()).limit(limit)
    return list((await session.execute(statement)).scalars())


async def version_activated_for(session: AsyncSession, organisation_id: uuid.UUID, model_id: uuid.UUID) -> bool:
    """Was this version ever activated for the organisation's images (now or in its history)?"""
    current = select(ModelActivation.id).where(ModelActivation.organisation_id == organisation_id, ModelActivation.model_version_id == model_id)
    if (await session.execute(current)).first() is not None:
        return True
    past = select(ModelActivationRecord.id).where(ModelActivationRecord.organisation_id == organisation_id,
                                                  ModelActivationRecord.model_version_id == model_id)
    return (await session.execute(past)).first() is not None
