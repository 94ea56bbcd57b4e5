"""The team terminal's mirror and the server going away (issue 20)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "err.mirror.diverged": ("团队账本服务器上的事件链没有接续本机副本（副本到第 {held} 条，服务器到第 {server} 条）："
                            "副本已停止同步，保留原样；请店主核对服务器（恢复过备份？）后删除 mirror 目录重新同步",
                            "the team ledger server's chain does not extend this terminal's mirror (the mirror holds "
                            "{held} events, the server {server}): the mirror stopped syncing and is kept as it is; have "
                            "the owner check the server (a restored backup?), then delete the mirror folder to sync "
                            "it again"),
    "err.team.offline": ("无法连接团队账本 {where}（{reason}）：本机副本最后同步于 {synced}，查询照常；"
                         "下单已拒绝，未记下任何内容，也没有排队待发",
                         "the team ledger {where} is unreachable ({reason}): this terminal's mirror last synced "
                         "{synced}; reading works; ordering is refused, nothing was recorded and nothing is queued"),
    "warn.team.offline": ("团队账本 {where} 暂时无法连接（{reason}）：以下是本机副本的内容，最后同步于 {synced}；"
                          "下单会被拒绝",
                          "the team ledger {where} is unreachable ({reason}): showing this terminal's mirror, last "
                          "synced {synced}; ordering is refused"),
    "team.synced_never": ("从未", "never"),
    "team.status.offline": ("团队账本离线 副本同步于 {synced}", "team ledger offline, synced {synced}"),
    "team.status.diverged": ("团队账本副本已停止：事件链不接续", "team mirror stopped: the chain does not extend it"),
}
