"""The portal's gettext catalogues (api/portal/locale): every key the templates and the
portal's Python use is in both catalogues, every zh_CN entry is translated, placeholders
agree, and the keys built at run time cover the enums and code lists they are built from."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import msgspec
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from api.portal import i18n
from marketplace.models import AllocationStatus, CapacityUnit, CostSensitivity, OfferStatus, OrderStatus, ProgressStep, ResourceKind, Tier, Urgency, Visibility
from marketplace.orders import BUYER_MOVES, FACTORY_MOVES

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u4e00-\u9fff]")
# zh_CN entries that rightly hold no Chinese character.
NO_HAN = {"lang.switch": "English", "match.approvals_value": "{done} / {needed}"}


def extracted() -> set[str]:
    """The keys `pybabel extract -F babel.cfg -k t -k N_` finds in templates and Python."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map, keywords={"t": None, "N_": None}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def keys(lang: str) -> set[str]:
    return {m.id for m in i18n.catalogue(lang) if m.id}


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"{(\w+)[^}]*}", text))


def untranslated(catalogue: Catalog, english: Catalog) -> list[str]:
    """Keys of a Chinese catalogue that a reader would see untranslated: no msgstr, fuzzy,
    the English text or the key itself, no Chinese at all, or other placeholders."""
    bad = []
    for message in catalogue:
        if not message.id:
            continue
        source = english.get(message.id)
        text = message.string if isinstance(message.string, str) else ""
        if (not text.strip() or message.fuzzy or text == message.id or (source is not None and text == source.string and message.id not in NO_HAN)
                or (not HAN.search(text) and NO_HAN.get(message.id) != text)
                or source is None or placeholders(text) != placeholders(source.string)):
            bad.append(message.id)
    return bad


def test_every_key_used_is_in_both_catalogues_and_none_is_stale() -> None:
    used = extracted()
    assert len(used) > 250
    for lang in i18n.LANGUAGES:
        assert sorted(used - keys(lang)) == [], lang
    # A catalogue key that no template or module uses literally must be a run-time family's.
    assert sorted(k for k in keys("zh-CN") - used if not k.startswith(i18n.DYNAMIC)) == []
    assert keys("zh-CN") == keys("en")


def test_no_msgid_is_untranslated_in_zh_cn() -> None:
    zh, en = i18n.catalogue("zh-CN"), i18n.catalogue("en")
    assert untranslated(zh, en) == []
    for message in en:
        if message.id:
            assert isinstance(message.string, str) and message.string.strip() and not message.fuzzy, message.id


def test_the_untranslated_check_catches_each_kind_of_gap() -> None:
    en = Catalog(locale="en")
    zh = Catalog(locale="zh_CN")
    for key, english, chinese, fuzzy in [
        ("a.empty", "Save", "", False), ("a.fuzzy", "Save", "保存", True), ("a.copied", "Save", "Save", False),
        ("a.key", "Save", "a.key", False), ("a.placeholder", "Hello {name}", "你好", False), ("a.good", "Hello {name}", "你好 {name}", False),
    ]:
        en.add(key, english)
        zh.add(key, chinese, flags=("fuzzy",) if fuzzy else ())
    zh.add("a.english_only", "no english source")
    assert untranslated(zh, en) == ["a.empty", "a.fuzzy", "a.copied", "a.key", "a.placeholder", "a.english_only"]


def test_the_catalogues_are_what_the_pages_read() -> None:
    assert i18n.translate("zh-CN", "home.hello", name="王", org="厂") == "欢迎，王（厂）"
    assert i18n.translate("en", "home.hello", name="Wang", org="Works") == "Welcome, Wang (Works)"
    assert i18n.translate("fr", "nav.orders") == "我的订单"  # an unknown language reads the default
    assert i18n.translate("en", "no.such.key") == "no.such.key"
    assert i18n.catalogue_path("zh-CN") == ROOT / "api/portal/locale/zh_CN/LC_MESSAGES/messages.po"


def test_every_enum_value_shown_has_both_languages() -> None:
    families = {"kind": ResourceKind, "unit": CapacityUnit, "visibility": Visibility, "urgency": Urgency, "cost": CostSensitivity,
                "tier": Tier, "order_status": OrderStatus, "allocation_status": AllocationStatus, "step": ProgressStep, "offer_status": OfferStatus}
    wanted = [f"{prefix}.{member.value}" for prefix, enum in families.items() for member in enum]
    wanted += [f"move.{status.value}" for status in (*BUYER_MOVES, *FACTORY_MOVES)]
    for lang in i18n.LANGUAGES:
        assert [key for key in wanted if key not in keys(lang)] == [], lang


def test_every_health_matching_and_quality_value_shown_has_both_languages() -> None:
    from forecasting import health
    from forecasting.models import AlertKind
    from matching.models import RunStatus
    from quality.models import InspectionSeverity, LotDecision

    wanted = [f"alert.{kind.value}" for kind in AlertKind] + [f"run_status.{status.value}" for status in RunStatus]
    wanted += [f"kpi.{name}" for name in health.TARGETS] + [f"light.{colour}" for colour in (health.GREEN, health.YELLOW, health.RED)]
    wanted += [f"scope.{scope}" for scope in ("alliance", "factory", "process")]
    wanted += [f"check.{name}" for name in health.self_check(None, None, None, False).points]
    wanted += [f"verdict.{health.self_check(True, 0.3, 0.8, True).verdict.replace(' ', '_')}", f"verdict.{health.self_check(None, None, None, False).verdict.replace(' ', '_')}"]
    wanted += [f"decision.{d.value}" for d in LotDecision] + [f"severity_mode.{s.value}" for s in InspectionSeverity]
    wanted += [f"severity.{s}" for s in ("critical", "major", "minor")]
    wanted += [f"review.{r}" for r in ("counted", "proposed", "confirmed", "dismissed", "flagged")]
    wanted += [f"dcm.status.{s}" for s in ("zero_deviation", "surplus", "bottleneck_actual", "bottleneck_maximum")]
    wanted += [f"dcm.volatility.{v}" for v in ("increase", "decrease")]
    for lang in i18n.LANGUAGES:
        assert [key for key in wanted if key not in keys(lang)] == [], lang


def test_every_code_the_services_hand_over_has_both_languages() -> None:
    from capool.errors import ErrorCode

    wanted = [f"error_code.{code.value}" for code in ErrorCode]
    wanted += [f"risk.{code}" for code in ("low_utilisation", "high_utilisation", "few_suppliers", "warning_line", "equipment_alert")]
    wanted += [f"why.{code}" for code in ("lowest_cost", "cheaper_with_room", "cheaper_with_room_unproven", "cheaper_no_room", "cheaper_break_share", "cheaper_no_room_or_share")]
    wanted += [f"binding.{code}" for code in ("offer_full", "shared_resource_full", "cheaper_no_room", "share_band", "late_none_sooner", "late_sooner_full", "late_accepted", "late_unproven")]
    wanted += ["match_risk.few_alternatives", "next_best.none_can_take", "next_best.none_eligible"]
    wanted += [f"alert_message.{kind}" for kind in ("forecast_warning", "equipment", "traffic_light", "traffic_light_plain")]
    wanted += [f"field.{code}" for code in ("required", "number", "decimal", "text", "min", "max", "min_length", "max_length", "choice", "date", "pattern", "invalid", "entry")]
    for lang in i18n.LANGUAGES:
        assert [key for key in wanted if key not in keys(lang)] == [], lang
    # Every statement code the engine writes is translated (a new one fails here).
    written = set(re.findall(r'\{"code": "(\w+)"', (ROOT / "matching/engine/explain.py").read_text()))
    assert len(written) >= 8
    assert sorted(c for c in written if f"binding.{c}" not in keys("zh-CN") and f"match_risk.{c}" not in keys("zh-CN")) == []


def test_errors_read_by_their_codes() -> None:
    from capool.errors import Conflict, FieldError, InvalidInput

    coded = FieldError("/quantity", "Expected `int` >= 1", "min", {"limit": "1"})
    uncoded = FieldError("/due_at", "the due date lies in the past")
    assert i18n.field_text("zh-CN", coded) == "不能小于 1。" and i18n.field_text("en", coded) == "Expected `int` >= 1"
    assert i18n.field_text("zh-CN", uncoded) == "此项无效。" and i18n.field_text("en", uncoded) == "the due date lies in the past"
    assert i18n.error_text("zh-CN", Conflict("reference PO-1 is taken", "duplicate_reference")) == "该订单号已存在。"
    assert i18n.error_text("en", Conflict("reference PO-1 is taken", "duplicate_reference")) == "reference PO-1 is taken"
    assert i18n.error_text("zh-CN", InvalidInput("bad", [coded, uncoded])) == "不能小于 1。；此项无效。"
    assert i18n.error_text("zh-CN", Conflict("odd", "no_such_code")) == "请求无法完成。"


def test_form_problems_get_codes_with_their_limits() -> None:
    import pytest

    from api.portal.forms import convert
    from capool.errors import InvalidInput

    class Form(msgspec.Struct):
        quantity: Annotated[int, msgspec.Meta(ge=1)]
        reference: Annotated[str, msgspec.Meta(max_length=5)]

    for data, path, code, params in [
        ({"quantity": 1}, "/reference", "required", {}),
        ({"quantity": "many", "reference": "r"}, "/quantity", "number", {}),
        ({"quantity": 0, "reference": "r"}, "/quantity", "min", {"limit": "1"}),
        ({"quantity": 1, "reference": "too long"}, "/reference", "max_length", {"limit": "5"}),
    ]:
        with pytest.raises(InvalidInput) as caught:
            convert(Form, data)
        [error] = caught.value.errors
        assert (error.path, error.code, error.params) == (path, code, params), error
        assert i18n.field_text("zh-CN", error) != i18n.translate("zh-CN", "field.invalid")
