"""Supplier API: sites, resources and capacity offers; buyer partnerships."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import requires
from api.rest.schemas import (
    OfferOut,
    PageOut,
    PartnershipOut,
    ResourceOut,
    SiteOut,
    WithdrawOut,
    out,
    page_out,
)
from capool.tenancy.actor import Actor, Permission
from marketplace import capacity
from marketplace.models import OfferStatus
from marketplace.schemas import (
    OfferChange,
    OfferIn,
    PartnershipIn,
    ResourceIn,
    SiteIn,
    WithdrawIn,
)

Cursor = QueryParameter(name="cursor", required=False, description="next_cursor of the previous page")
Limit = QueryParameter(name="limit", ge=1, le=200, description="Items per page; the page's next_cursor, sent as cursor, gives the next one")


class SiteController(Controller):
    path = "/v1/sites"
    tags = ["capacity"]

    @post("/", **requires(Permission.CAPACITY_WRITE), status_code=201, summary="Register a site")
    async def create(self, data: JSONBody[SiteIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> SiteOut:
        return out(SiteOut, await capacity.create_site(db_session, actor, data))

    @get("/", **requires(Permission.CAPACITY_READ), summary="List own sites")
    async def list(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], cursor: Annotated[str | None, Cursor] = None, limit: Annotated[int, Limit] = 50) -> PageOut[SiteOut]:
        return page_out(SiteOut, await capacity.list_sites(db_session, actor, cursor, limit))


class ResourceController(Controller):
    path = "/v1/resources"
    tags = ["capacity"]

    @post("/", **requires(Permission.CAPACITY_WRITE), status_code=201, summary="Register a machine, work centre or crew")
    async def create(self, data: JSONBody[ResourceIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> ResourceOut:
        return out(ResourceOut, await capacity.create_resource(db_session, actor, data))

    @get("/", **requires(Permission.CAPACITY_READ), summary="List own resources")
    async def list(
        self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], site_id: FromQuery[uuid.UUID | None] = None, cursor: Annotated[str | None, Cursor] = None, limit: Annotated[int, Limit] = 50
    ) -> PageOut[ResourceOut]:
        return page_out(ResourceOut, await capacity.list_resources(db_session, actor, site_id, cursor, limit))


class OfferController(Controller):
    path = "/v1/offers"
    tags = ["capacity"]

    @post("/", **requires(Permission.CAPACITY_WRITE), status_code=201, summary="Publish a capacity offer")
    async def publish(self, data: JSONBody[OfferIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> OfferOut:
        return out(OfferOut, await capacity.publish_offer(db_session, actor, data))

    @get("/", **requires(Permission.CAPACITY_READ), summary="Search capacity offers visible to the caller")
    async def list(
        self,
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        process: FromQuery[str | None] = None,
        organisation_id: FromQuery[uuid.UUID | None] = None,
        status: FromQuery[OfferStatus | None] = None,
        available_on: FromQuery[date | None] = None,
        min_remaining: Annotated[int | None, QueryParameter(name="min_remaining", ge=0, required=False)] = None,
        cursor: Annotated[str | None, Cursor] = None,
        limit: Annotated[int, Limit] = 50,
    ) -> PageOut[OfferOut]:
        page = await capacity.list_offers(
            db_session, actor, process=process, organisation_id=organisation_id, status=status,
            available_on=available_on, min_remaining=min_remaining, cursor=cursor, limit=limit,
        )
        return page_out(OfferOut, page)

    @get("/{offer_id:uuid}", **requires(Permission.CAPACITY_READ), summary="Read one offer")
    async def read(self, offer_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> OfferOut:
        return out(OfferOut, await capacity.get_offer(db_session, actor, offer_id))

    @patch("/{offer_id:uuid}", **requires(Permission.CAPACITY_WRITE), summary="Change an offer (never below what is reserved)")
    async def change(self, offer_id: FromPath[uuid.UUID], data: JSONBody[OfferChange], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> OfferOut:
        return out(OfferOut, await capacity.change_offer(db_session, actor, offer_id, data))

    @post("/{offer_id:uuid}/withdraw", **requires(Permission.CAPACITY_WRITE), status_code=200, summary="Withdraw an offer; its allocations are listed for repair")
    async def withdraw(self, offer_id: FromPath[uuid.UUID], data: JSONBody[WithdrawIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> WithdrawOut:
        offer, affected = await capacity.withdraw_offer(db_session, actor, offer_id, data.reason)
        return WithdrawOut(offer=out(OfferOut, offer), affected_allocations=affected)


class PartnershipController(Controller):
    path = "/v1/partnerships"
    tags = ["partnerships"]

    @post("/", **requires(Permission.PARTNERSHIPS_WRITE), status_code=201, summary="Contract a partner factory")
    async def create(self, data: JSONBody[PartnershipIn], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> PartnershipOut:
        return out(PartnershipOut, await capacity.create_partnership(db_session, actor, data))

    @get("/", **requires(Permission.CAPACITY_READ), summary="Partnerships the caller is party to")
    async def list(self, db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor], cursor: Annotated[str | None, Cursor] = None, limit: Annotated[int, Limit] = 50) -> PageOut[PartnershipOut]:
        return page_out(PartnershipOut, await capacity.list_partnerships(db_session, actor, cursor, limit))

    @post("/{partnership_id:uuid}/end", **requires(Permission.PARTNERSHIPS_WRITE), status_code=200, summary="End a partnership")
    async def end(self, partnership_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], actor: NamedDependency[Actor]) -> PartnershipOut:
        return out(PartnershipOut, await capacity.end_partnership(db_session, actor, partnership_id))
