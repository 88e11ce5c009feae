"""The message catalogue covers every page string in both languages; passwords use scrypt."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.portal import i18n
from capool.errors import InvalidInput
from capool.tenancy.models import Role, User
from capool.tenancy.passwords import check_password_hash, hash_password, set_password, verify_password
from marketplace.models import AllocationStatus, CapacityUnit, CostSensitivity, OfferStatus, OrderStatus, ProgressStep, ResourceKind, Tier, Urgency, Visibility
from marketplace.orders import BUYER_MOVES, FACTORY_MOVES

TEMPLATES = Path(i18n.__file__).parent / "templates"
SOURCES = [*TEMPLATES.rglob("*.html"), *Path(i18n.__file__).parent.glob("*.py")]


def test_every_literal_key_used_is_in_the_catalogue() -> None:
    used = set()
    for path in SOURCES:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_0-9]+)["']""", path.read_text()))
    used |= {f"error.{code}" for code in ("404", "403", "409", "csrf", "other")}
    assert len(used) > 100
    assert sorted(used - set(i18n.MESSAGES)) == []


def test_every_enum_value_shown_has_both_languages() -> None:
    families = {"kind": ResourceKind, "unit": CapacityUnit, "visibility": Visibility, "urgency": Urgency, "cost": CostSensitivity,
                "tier": Tier, "order_status": OrderStatus, "allocation_status": AllocationStatus, "step": ProgressStep, "offer_status": OfferStatus}
    missing = [f"{prefix}.{member.value}" for prefix, enum in families.items() for member in enum if f"{prefix}.{member.value}" not in i18n.MESSAGES]
    missing += [f"move.{status.value}" for status in (*BUYER_MOVES, *FACTORY_MOVES) if f"move.{status.value}" not in i18n.MESSAGES]
    assert missing == []


def test_every_health_matching_and_quality_value_shown_has_both_languages() -> None:
    from forecasting import health
    from forecasting.models import AlertKind
    from matching.models import RunStatus
    from quality.models import InspectionSeverity, LotDecision

    keys = [f"alert.{kind.value}" for kind in AlertKind] + [f"run_status.{status.value}" for status in RunStatus]
    keys += [f"kpi.{name}" for name in health.TARGETS] + [f"light.{colour}" for colour in (health.GREEN, health.YELLOW, health.RED)]
    keys += [f"scope.{scope}" for scope in ("alliance", "factory", "process")]
    keys += [f"check.{name}" for name in health.self_check(None, None, None, False).points]
    keys += [f"verdict.{health.self_check(True, 0.3, 0.8, True).verdict.replace(' ', '_')}", f"verdict.{health.self_check(None, None, None, False).verdict.replace(' ', '_')}"]
    keys += [f"decision.{d.value}" for d in LotDecision] + [f"severity_mode.{s.value}" for s in InspectionSeverity]
    keys += [f"severity.{s}" for s in ("critical", "major", "minor")]
    assert [key for key in keys if key not in i18n.MESSAGES] == []
    for key, (english, chinese) in i18n.MESSAGES.items():
        assert english.strip() and chinese.strip(), key
        assert set(re.findall(r"{(\w+)}", english)) == set(re.findall(r"{(\w+)}", chinese)), key


def test_accept_language_picks_the_best_supported() -> None:
    assert i18n.from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8") == "en"
    assert i18n.from_accept_language("fr, zh-TW;q=0.5, en;q=0.4") == "zh-CN"
    assert i18n.from_accept_language("de, fr") == i18n.DEFAULT
    assert i18n.from_accept_language("zh;q=0.1, en;q=0.9") == "en"
    assert i18n.from_accept_language("en;q=bad") == "en"
    assert i18n.translate("zh-CN", "home.hello", name="王", org="厂") == "欢迎，王（厂）"


def test_passwords_are_salted_scrypt_and_checked() -> None:
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first.startswith("scrypt$32768$8$1$") and first != second  # per-user salt
    assert check_password_hash(first, "correct horse battery")
    assert not check_password_hash(first, "correct horse batterY")
    assert not check_password_hash("garbage", "x") and not check_password_hash(None, "x")
    user = User(email="a@b.test", name="A", role=Role.BUYER)
    assert not verify_password(user, "anything at all")  # no password set: cannot sign in
    set_password(user, "a long enough one")
    assert verify_password(user, "a long enough one") and not verify_password(None, "a long enough one")
    with pytest.raises(InvalidInput):
        set_password(user, "short")


async def test_set_password_command_lets_a_person_sign_in(db, world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from click.testing import CliRunner

    from capool.config import get_settings
    from capool.db import create_session_factory
    from capool.tenancy.cli import set_password_command

    monkeypatch.setenv("DATABASE_URL", db.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        async with create_session_factory(db)() as session:
            email = (await session.get(User, world.partner.user_id)).email  # type: ignore[union-attr]
        result = await asyncio.to_thread(CliRunner().invoke, set_password_command, [email.upper(), "--password", "a brand new password"])
        assert result.exit_code == 0, result.output
        missing = await asyncio.to_thread(CliRunner().invoke, set_password_command, ["nobody@x.test", "--password", "a brand new password"])
        assert missing.exit_code != 0 and "no user" in missing.output
    finally:
        get_settings.cache_clear()
    async with create_session_factory(db)() as session:
        assert verify_password(await session.get(User, world.partner.user_id), "a brand new password")
