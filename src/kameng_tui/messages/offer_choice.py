"""Issue 18: choosing among a product's offers. Why an offer was skipped (its reason
code, domain/offer_values.py Skip), why the chosen one wins, a supplier's health, the
delivery figures of the detail pane, a batch's split per supplier, and `[offers]`
config errors. The `offer.skip.*` keys are held by creating events once the wiring
lands (as codes and parameters): reword freely, but a renamed key keeps an alias."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # why an offer was skipped (Skip.msg), one line each (Choice.skip_lines)
    "offer.skip_line": ("{sku}（{cost} 元）：{reason}", "{sku} ({cost} yuan): {reason}"),
    "offer.skip.excluded": ("{supplier} 已被 [offers] exclude 排除", "{supplier} is excluded by [offers] exclude"),
    "offer.skip.pinned_elsewhere": ("本商品固定从 {pin} 下单", "this product is pinned to {pin}"),
    "offer.skip.no_supplier": ("供应商 {supplier} 未配置或已停用", "supplier {supplier} is not configured or is disabled"),
    "offer.skip.off_shelf": ("{supplier} 已下架", "off shelf at {supplier}"),
    "offer.skip.out_of_stock": ("{supplier} 缺货：剩 {stock}，需要 {need}",
                                "out of stock at {supplier}: {stock} left, {need} needed"),
    "offer.skip.balance_short": ("{supplier} 余额不足：可用 {have} 元，需要 {need} 元",
                                 "balance short at {supplier}: {have} yuan available, {need} needed"),
    "offer.skip.unhealthy": ("{supplier} 暂不可用：{why}", "{supplier} is unhealthy: {why}"),
    "offer.skip.pricier_than_confirmed": ("{supplier} 成本 {cost} 元，高于可接受的 {limit} 元（确认的成本加 max_price_rise）",
                                          "{supplier} costs {cost} yuan, above {limit} (the confirmed cost plus "
                                          "max_price_rise)"),
    "offer.skip.refused": ("下单前被拒：{reason}", "refused before ordering: {reason}"),
    # an order's recorded choice, read back for history (domain/offer_record.py)
    "offer.recorded_skip": ("{sku}：{reason}", "{sku}: {reason}"),
    "offer.order_line": ("报价：{why}", "Offer: {why}"),
    "offer.order_skip": ("  跳过 {line}", "  skipped {line}"),
    # a supplier's health (Health.msg)
    "offer.health.ok": ("正常", "healthy"),
    "offer.health.auth": ("上次成功调用后我们的密钥被拒", "our key was refused since the last successful call"),
    "offer.health.clock": ("上次成功调用后我们的时钟被拒", "our clock was refused since the last successful call"),
    "offer.health.unknowns": ("10 分钟内连续 3 次结果未知", "3 unknown outcomes in a row within 10 minutes"),
    # why the chosen offer wins (Choice.why)
    "offer.win.pinned": ("选 {sku}（{cost} 元）：本商品固定从 {pin} 下单", "{sku} at {cost} yuan: this product is pinned to {pin}"),
    "offer.win.after_skip": ("选 {sku}（{cost} 元）：更便宜的 {skipped}（{skipped_cost} 元）已跳过，{reason}",
                             "{sku} at {cost} yuan: the cheaper {skipped} ({skipped_cost} yuan) was skipped, {reason}"),
    "offer.win.only": ("选 {sku}（{cost} 元）：唯一可下单的报价", "{sku} at {cost} yuan: the only offer that can be ordered"),
    "offer.win.cheapest": ("选 {sku}（{cost} 元）：最便宜，其次是 {next}（{next_cost} 元）",
                           "{sku} at {cost} yuan: the cheapest; next is {next} at {next_cost} yuan"),
    "offer.win.tie_stock": ("选 {sku}（{cost} 元）：与 {next} 同价，库存更多", "{sku} at {cost} yuan: same cost as {next}, more stock"),
    "offer.win.tie_name": ("选 {sku}（{cost} 元）：与 {next} 同价同库存，按供应商名先后",
                           "{sku} at {cost} yuan: same cost and stock as {next}, first by supplier name"),
    # why nothing was chosen (Choice.why)
    "offer.none.over_cap": ("{product}：下一个报价 {sku} 成本 {cost} 元，高于可接受的 {limit} 元（确认的成本加 max_price_rise），"
                            "需要重新确认",
                            "{product}: the next offer {sku} costs {cost} yuan, above {limit} (the confirmed cost plus "
                            "max_price_rise); confirm again"),
    "offer.none.pin_missing": ("{product} 固定从 {pin} 下单，但 {pin} 没有该商品的报价",
                               "{product} is pinned to {pin}, which has no offer of it"),
    "offer.none.pinned_refused": ("{product} 固定从 {pin} 下单，不改用其他供应商：{reason}",
                                  "{product} is pinned to {pin} and not ordered elsewhere: {reason}"),
    "offer.none.no_offers": ("{product} 没有任何报价", "{product} has no offers"),
    "offer.none.none_eligible": ("{product} 没有可下单的报价（{n} 个都已跳过）",
                                 "no offer of {product} can be ordered ({n} skipped)"),
    # delivery figures from our own orders (OfferStats.msg)
    "offer.stats": ("送达中位 {median} 秒，p95 {p95} 秒，成功率 {rate}%（{n} 单）",
                    "delivery median {median} s, p95 {p95} s, success {rate}% ({n} {n:order|orders})"),
    "offer.stats.insufficient": ("样本不足（{n} 单）", "too few samples ({n} {n:order|orders})"),
    # a batch's split per supplier (Share.msg)
    "offer.share": ("{supplier}：{lines} 行，成本 {cost} 元，余额剩 {left} 元",
                    "{supplier}: {lines} {lines:line|lines}, cost {cost} yuan, {left} yuan left"),
    "offer.share.unknown": ("{supplier}：{lines} 行，成本 {cost} 元（余额未知）",
                            "{supplier}: {lines} {lines:line|lines}, cost {cost} yuan (balance unknown)"),
    # [offers] in config.toml (config_offers.py)
    "err.config.offers.rank": ("[offers] rank 只能是 {ranks}，收到 {value}", "[offers] rank must be one of: {ranks}; got {value}"),
    "err.config.offers.exclude": ("[offers] exclude 应是供应商名的列表，例如 [\"fulu\"]",
                                  "[offers] exclude must be a list of supplier names, e.g. [\"fulu\"]"),
    "err.config.offers.unknown_supplier": ("{where}：没有名为 {name} 的供应商（已配置：{known}）",
                                           "{where}: no supplier named {name} (configured: {known})"),
    "err.config.offers.all_excluded": ("[offers] exclude 排除了所有供应商，没有可下单的报价",
                                       "[offers] exclude excludes every supplier: nothing left to order from"),
    "err.config.offers.pin_table": ("[offers.pin] 应是 \"商品ID\" = \"供应商名\" 的表",
                                    "[offers.pin] must be a table of \"product id\" = \"supplier name\""),
    "err.config.offers.pin_value": ("[offers.pin] \"{product}\" 的值应是供应商名（字符串）",
                                    "[offers.pin] \"{product}\": the value must be a supplier name (a string)"),
    "err.config.offers.pin_excluded": ("[offers.pin] \"{product}\" 固定从 {name} 下单，但 {name} 已被 [offers] exclude 排除",
                                       "[offers.pin] \"{product}\" pins {name}, which [offers] exclude has excluded"),
    "err.config.offers.product_id": ("[offers.pin] {product} 不是商品 ID（形如 \"@WZRY-60-ZC\"：大写字母、数字和 -，"
                                     "@ 可省略；见 kameng-tui catalog --by-product）",
                                     "[offers.pin] {product} is not a product id (like \"@WZRY-60-ZC\": capitals, digits "
                                     "and -, the @ optional; see kameng-tui catalog --by-product)"),
}
