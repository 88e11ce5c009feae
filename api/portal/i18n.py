"""The portal's message catalogue: every visible string in English and Simplified Chinese.

Keys are stable names; values are format strings (`{name}` placeholders). A key missing in
one language is a bug that tests/portal/test_i18n.py catches.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("zh-CN", "en")
DEFAULT = "zh-CN"

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (English, 简体中文)
    "app.title": ("capool capacity pool", "capool 产能共享池"),
    "lang.switch": ("中文", "English"),
    "nav.home": ("Home", "首页"),
    "nav.sites": ("Sites & resources", "工厂与资源"),
    "nav.offers": ("Capacity", "产能发布"),
    "nav.incoming": ("Incoming allocations", "待接分配"),
    "nav.orders": ("My orders", "我的订单"),
    "nav.new_order": ("Place an order", "下单"),
    "nav.allocations": ("Allocations", "分配结果"),
    "nav.dashboard": ("Alliance dashboard", "联盟看板"),
    "nav.signout": ("Sign out", "退出登录"),
    "login.title": ("Sign in", "登录"),
    "login.email": ("Email", "邮箱"),
    "login.password": ("Password", "密码"),
    "login.submit": ("Sign in", "登录"),
    "login.failed": ("Email or password is wrong.", "邮箱或密码错误。"),
    "home.hello": ("Welcome, {name} ({org})", "欢迎，{name}（{org}）"),
    "home.pick": ("Where do you want to go?", "请选择要进入的页面："),
    "error.title": ("Something went wrong", "出错了"),
    "error.404": ("Not found: this page does not exist or is not yours to see.", "未找到：该页面不存在，或您无权查看。"),
    "error.403": ("You are not allowed to do this.", "您没有执行此操作的权限。"),
    "error.409": ("This could not be done now: {detail}", "当前无法执行：{detail}"),
    "error.csrf": ("The form has expired. Please go back, reload the page and try again.", "表单已失效，请返回并刷新页面后重试。"),
    "error.other": ("The request could not be handled: {detail}", "请求无法处理：{detail}"),
    "error.back": ("Back to the start page", "返回首页"),
    "form.errors": ("Please correct the marked fields.", "请修改标出的字段。"),
    "form.save": ("Save", "保存"),
    "common.none": ("Nothing yet.", "暂无数据。"),
    "common.status": ("Status", "状态"),
    "common.quantity": ("Quantity", "数量"),
    "common.process": ("Process", "工序"),
    "common.factory": ("Factory", "工厂"),
    "common.tier": ("Tier", "层级"),
    "common.price": ("Unit price", "单价"),
    "common.slot": ("Slot", "生产时段"),
    "common.order": ("Order", "订单"),
    "common.actions": ("Actions", "操作"),
    "common.explanation": ("Why this allocation", "分配理由"),
    "common.no_explanation": ("No explanation recorded (matching engine not connected yet).", "暂无分配理由（匹配引擎尚未接入）。"),
    "sites.title": ("Sites and resources", "工厂与资源"),
    "sites.name": ("Site name", "工厂名称"),
    "sites.region": ("Region", "地区"),
    "sites.address": ("Address", "地址"),
    "sites.add": ("Add a site", "新增工厂"),
    "resources.title": ("Resources", "设备 / 班组"),
    "resources.add": ("Add a resource", "新增资源"),
    "resources.site": ("Site", "所属工厂"),
    "resources.name": ("Name", "名称"),
    "resources.kind": ("Kind", "类型"),
    "resources.processes": ("Processes (comma-separated codes)", "工序（逗号分隔的代码）"),
    "resources.materials": ("Materials (comma-separated codes)", "材料（逗号分隔的代码）"),
    "resources.certifications": ("Certifications", "认证"),
    "resources.skills": ("Skills (name=level 1-5, comma-separated)", "技能（名称=等级1-5，逗号分隔）"),
    "resources.carbon": ("g CO2e per unit", "单件碳排放 (g CO2e)"),
    "kind.machine": ("machine", "设备"),
    "kind.work_centre": ("work centre", "工作中心"),
    "kind.crew": ("crew", "班组"),
    "offers.title": ("Capacity offers", "产能发布"),
    "offers.publish": ("Publish capacity", "发布产能"),
    "offers.resource": ("Resource", "资源"),
    "offers.window_start": ("From", "开始日期"),
    "offers.window_end": ("Until", "结束日期"),
    "offers.per_day": ("Capacity per day", "日产能"),
    "offers.unit": ("Unit", "单位"),
    "offers.price": ("Unit price (minor units, e.g. fen)", "单价（最小货币单位，如分）"),
    "offers.currency": ("Currency", "币种"),
    "offers.min_batch": ("Minimum batch", "最小批量"),
    "offers.lead_time": ("Lead time (days)", "准备期（天）"),
    "offers.visibility": ("Visible to", "可见范围"),
    "offers.calendar": ("Calendar: reserved of total, per week", "日历：每周已预订 / 总产能"),
    "offers.reserved": ("{reserved} of {total} reserved", "已预订 {reserved} / 共 {total}"),
    "offers.published": ("Capacity published.", "产能已发布。"),
    "unit.piece": ("pieces", "件"),
    "unit.hour": ("hours", "小时"),
    "visibility.private": ("only us", "仅本企业"),
    "visibility.partners": ("partners", "合作伙伴"),
    "visibility.alliance": ("whole alliance", "全联盟"),
    "incoming.title": ("Incoming allocations", "待接分配"),
    "incoming.accept": ("Accept", "接受"),
    "incoming.decline": ("Decline", "拒绝"),
    "incoming.reason": ("Reason for declining", "拒绝原因"),
    "incoming.shopfloor": ("Shop-floor QR codes", "车间扫码"),
    "qr.title": ("Shop-floor QR code: {operation}", "车间二维码：{operation}"),
    "qr.hint": ("Print this code and put it at the work station; scanning it opens the reporting page on a phone.", "打印此二维码贴在工位上；用手机扫码即可打开报工页面。"),
    "floor.title": ("Report: {operation}", "报工：{operation}"),
    "floor.order": ("Order {reference}, {product}", "订单 {reference}，{product}"),
    "floor.confirmed": ("Confirmed so far: {done} of {total}", "已确认：{done} / {total}"),
    "floor.next": ("Next step", "下一步"),
    "floor.operator": ("Operator", "操作员"),
    "floor.batch": ("Batch quantity", "本批数量"),
    "floor.history": ("Recent reports", "最近报工"),
    "floor.recorded": ("Recorded: {step} {quantity}", "已记录：{step} {quantity}"),
    "step.scan": ("Scan (start batch)", "扫码开工"),
    "step.done": ("Done", "完工"),
    "step.confirm": ("Confirm", "确认"),
    "orders.title": ("My orders", "我的订单"),
    "orders.new": ("Place an order", "下单"),
    "orders.reference": ("Reference", "订单号"),
    "orders.product": ("Product", "产品"),
    "orders.material": ("Material", "材料"),
    "orders.operations": ("Operations (comma-separated, default: the process)", "工序流程（逗号分隔，默认同工序）"),
    "orders.due": ("Due date", "交期"),
    "orders.urgency": ("Urgency", "紧急程度"),
    "orders.cost_sensitivity": ("Cost sensitivity", "成本敏感度"),
    "orders.max_price": ("Max unit price (minor units)", "最高单价（最小货币单位）"),
    "orders.split": ("May be split across factories", "允许拆单"),
    "orders.aql": ("AQL", "AQL 抽检水平"),
    "orders.submit": ("Place the order", "提交订单"),
    "orders.placed": ("Order placed.", "订单已提交。"),
    "track.title": ("Where is my order {reference}", "订单 {reference} 在哪里"),
    "track.stage": ("Stage", "当前阶段"),
    "track.eta": ("Expected finish", "预计完成"),
    "track.eta_unknown": ("not known until the order is allocated", "分配后才能确定"),
    "track.produced": ("Produced", "生产进度"),
    "track.factories": ("Factories", "生产工厂"),
    "track.history": ("History", "状态历史"),
    "track.progress": ("Shop-floor progress", "车间进度"),
    "track.operation": ("Operation", "工序"),
    "track.confirmed": ("Confirmed", "已确认"),
    "track.when": ("When", "时间"),
    "track.operator": ("Operator", "操作员"),
    "track.step": ("Step", "步骤"),
    "track.reason": ("Reason", "原因"),
    "move.submitted": ("Submit for matching", "提交匹配"),
    "move.cancelled": ("Cancel the order", "取消订单"),
    "move.delivered": ("Mark as delivered", "确认收货"),
    "move.disputed": ("Open a dispute", "提出争议"),
    "move.inspected": ("Record QC passed", "记录质检通过"),
    "offer_status.active": ("active", "有效"),
    "offer_status.withdrawn": ("withdrawn", "已撤回"),
    "offers.withdraw": ("Withdraw", "撤回"),
    "offers.withdraw_reason": ("Reason for withdrawing", "撤回原因"),
    "urgency.low": ("low", "低"),
    "urgency.normal": ("normal", "普通"),
    "urgency.high": ("high", "高"),
    "urgency.urgent": ("urgent", "加急"),
    "cost.low": ("low", "低"),
    "cost.medium": ("medium", "中"),
    "cost.high": ("high", "高"),
    "tier.core": ("core (own)", "核心（自有）"),
    "tier.partner": ("partner", "协作伙伴"),
    "tier.floating": ("floating", "浮动"),
    "order_status.draft": ("draft", "草稿"),
    "order_status.submitted": ("submitted", "已提交"),
    "order_status.matching": ("matching", "匹配中"),
    "order_status.allocated": ("allocated", "已分配"),
    "order_status.confirmed": ("confirmed", "已确认"),
    "order_status.in_production": ("in production", "生产中"),
    "order_status.inspected": ("inspected", "已检验"),
    "order_status.delivered": ("delivered", "已交付"),
    "order_status.settled": ("settled", "已结算"),
    "order_status.cancelled": ("cancelled", "已取消"),
    "order_status.disputed": ("disputed", "有争议"),
    "allocation_status.proposed": ("proposed", "待确认"),
    "allocation_status.accepted": ("accepted", "已接受"),
    "allocation_status.declined": ("declined", "已拒绝"),
    "allocation_status.cancelled": ("cancelled", "已取消"),
    "dash.title": ("Alliance dashboard", "联盟看板"),
    "dash.heatmap": ("Utilisation heat map: factory x week", "产能利用率热力图：工厂 × 周"),
    "dash.process_heatmap": ("Bottlenecks: process x week", "瓶颈工序：工序 × 周"),
    "dash.heatmap_hint": ("Allocated / published capacity in the week starting on the date shown; a grey cell: nothing published.", "自所示日期起一周内的已分配 / 已发布产能；灰色表示该周未发布产能。"),
    "dash.by_tier": ("Where work went, by tier", "按层级的工作分布"),
    "dash.by_process": ("Utilisation by process", "按工序的利用率"),
    "dash.on_time": ("On-time delivery (last 90 days)", "准时交付率（近90天）"),
    "dash.on_time_value": ("{on_time} of {delivered} delivered orders on time", "已交付 {delivered} 单，其中准时 {on_time} 单"),
    "dash.no_deliveries": ("No deliveries in this period.", "此期间无交付订单。"),
    "dash.published": ("Published", "已发布"),
    "dash.allocated": ("Allocated", "已分配"),
    "dash.utilisation": ("Utilisation", "利用率"),
    "dash.share": ("Share", "占比"),
    "dash.week_of": ("week of {date}", "{date} 当周"),
    "dash.window": ("Window: {start} to {end}", "统计区间：{start} 至 {end}"),
}


def translate(lang: str, key: str, **values: Any) -> str:
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "zh-CN" else pair[0]
    return text.format(**values) if values else text


def from_accept_language(header: str) -> str:
    """The first supported language in an Accept-Language header, by quality."""
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag:
            choices.append((-quality, index, tag))
    for _, _, tag in sorted(choices):
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return DEFAULT
