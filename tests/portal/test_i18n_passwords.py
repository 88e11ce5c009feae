"""The visitor's language from Accept-Language; passwords use scrypt (the catalogues: test_i18n.py)."""

from __future__ import annotations

import pytest

from api.portal import i18n
from capool.errors import InvalidInput
from capool.tenancy.models import Role, User
from capool.tenancy.passwords import check_password_hash, hash_password, set_password, verify_password


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
