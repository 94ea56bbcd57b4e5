"""A local fake Fulu gateway on 127.0.0.1 for tests: checks request signs on the raw
body, keeps orders and a balance, encrypts cards like Fulu, and has fault knobs."""

from __future__ import annotations

import base64
import copy
import json
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from kameng_tui.suppliers.fulu.sign import sign_text

SECRET = "0a091b3aa4324435aab703142518a8f7"
APP_KEY = "i4esv1l+76l/7NQCL3QudG90Fq+YgVfFGJAWgT+7qO1Bm9o/adG/1iwO2qXsAXNB"
PRODUCTS = [
    {"product_id": 10000587, "product_name": "测试卡密10元", "product_type": "卡密", "face_value": 10,
     "purchase_price": 9.8, "sales_status": "上架", "stock_status": "充足", "template_id": ""},
    {"product_id": 10000586, "product_name": "测试直充1元", "product_type": "直充", "face_value": 1,
     "purchase_price": 0.98, "sales_status": "上架", "stock_status": "警报",
     "template_id": "e1dac0ea-dc86-4c9d-a778-c9e19203ecb8"},
    {"product_id": 10000600, "product_name": "断货直充", "product_type": "直充", "face_value": 5,
     "purchase_price": 4.9, "sales_status": "上架", "stock_status": "断货", "template_id": ""},
]
FAILING_PHONE = "13971553804"
TEMPLATE_ID = "e1dac0ea-dc86-4c9d-a778-c9e19203ecb8"
TEMPLATE = {
    "AddressId": TEMPLATE_ID, "AddressName": "测试游戏", "IsServiceArea": True,
    "ElementInfo": {"Inputs": [{"Type": 1, "Id": "ChargeAccount", "Name": "游戏账号", "SortId": 1},
                               {"Type": 2, "Id": "ChargeRegion", "Name": "区", "SortId": 2},
                               {"Type": 2, "Id": "ChargeServer", "Name": "服", "SortId": 3}],
                    "ChargeNum": {"Id": "ChargeNum", "Name": "购买数量", "Value": "1", "Type": 1, "SortId": 4}},
    "GameTempaltePreviewList": [{"ChargeGame": "测试游戏", "gameList": {"ChargeRegion": [
        {"name": "电信区", "code": "1", "ChargeServer": [{"code": "11", "name": "一服", "ChargeType": []},
                                                        {"code": "12", "name": "二服", "ChargeType": []}]},
        {"name": "网通区", "code": "2", "ChargeServer": [{"code": "21", "name": "三服", "ChargeType": []}]}]}}],
}


def encrypt(text: str) -> str:
    padder = padding.PKCS7(128).padder()
    data = padder.update(text.encode()) + padder.finalize()
    enc = Cipher(algorithms.AES(SECRET.encode()), modes.ECB()).encryptor()
    return base64.b64encode(enc.update(data) + enc.finalize()).decode()


@dataclass
class Knobs:
    drop_after_accept: bool = False   # create the order, then close the connection without a reply
    unknown_code: bool = False        # create the order, answer code 9999
    garbage: bool = False             # answer HTML
    bad_reply_sign: bool = False
    slow_s: float = 0.0
    processing_queries: int = 1       # queries answered `processing` before the final state
    evil: bool = False                # reasons and card fields carry terminal control sequences
    pad_kib: int = 0                  # replies padded by this many KiB (a field the client ignores)
    gzip: bool = False                # replies sent with Content-Encoding: gzip


@dataclass
class State:
    balance: Decimal = Decimal("100.0000")
    orders: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)     # (method, biz) of every well-signed request
    timestamps: list = field(default_factory=list)
    knobs: Knobs = field(default_factory=Knobs)


class FakeFulu:
    def __init__(self) -> None:
        self.state = State()
        state = self.state
        self.products = products = copy.deepcopy(PRODUCTS)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def do_POST(self):  # noqa: N802
                raw = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
                doc = json.loads(raw)
                given = doc.get("sign", "")
                unsigned = raw.replace(f',"sign":"{given}"', "", 1)
                if sign_text(unsigned, SECRET) != given or doc.get("app_key") != APP_KEY:
                    return self.reply(1002, "签名错误", None)
                state.timestamps.append(doc["timestamp"])
                biz = json.loads(doc["biz_content"])
                state.requests.append((doc["method"], biz))
                if state.knobs.slow_s:
                    time.sleep(state.knobs.slow_s)
                if state.knobs.garbage:
                    return self.send_raw(b"<html>502 Bad Gateway</html>")
                getattr(self, "m_" + doc["method"].replace(".", "_"))(biz)

            def send_raw(self, body: bytes):
                if state.knobs.pad_kib:
                    body = body[:-1] + b',"padding":"' + b"x" * (state.knobs.pad_kib * 1024) + b'"}'
                self.send_response(200)
                if state.knobs.gzip:
                    import gzip

                    body = gzip.compress(body)
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def reply(self, code, message, result):
                text = json.dumps(result, ensure_ascii=False) if result is not None else ""
                sig = sign_text(text, SECRET) if text else ""
                if state.knobs.bad_reply_sign and text:
                    sig = "0" * 32
                self.send_raw(json.dumps({"code": code, "message": message, "result": text, "sign": sig},
                                         ensure_ascii=False).encode())

            def m_fulu_user_info_get(self, biz):
                self.reply(0, "接口调用成功", {"name": "test", "balance": str(state.balance), "is_open": 1})

            def m_fulu_goods_list_get(self, biz):
                self.reply(0, "接口调用成功", products)

            def m_fulu_goods_info_get(self, biz):
                p = next((p for p in products if str(p["product_id"]) == str(biz["product_id"])), None)
                if p is None:
                    return self.reply(3003, "商品不存在", None)
                self.reply(0, "接口调用成功", p)

            def add(self, biz, price: Decimal, kind: str):
                no = biz["customer_order_no"]
                if no in state.orders:
                    return self.reply(2004, "订单号重复", None)
                if price > state.balance:
                    return self.reply(2100, "余额不足", None)
                state.balance -= price
                state.orders[no] = {"biz": biz, "price": price, "kind": kind, "queries": 0}
                if state.knobs.drop_after_accept:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return None
                if state.knobs.unknown_code:
                    return self.reply(9999, "系统繁忙", None)
                self.reply(0, "接口调用成功", {"order_id": "F" + no[-10:], "customer_order_no": no,
                                                "order_price": float(price), "buy_num": biz.get("buy_num", 1)})

            def m_fulu_goods_stock_check(self, biz):
                p = next(p for p in products if p["product_id"] == biz["product_id"])
                self.reply(0, "接口调用成功", {"product_id": p["product_id"], "stock_status": p["stock_status"]})

            def m_fulu_goods_template_get(self, biz):
                if biz["template_id"] != TEMPLATE_ID:
                    return self.reply(3010, "模板不存在", None)
                self.reply(0, "接口调用成功", TEMPLATE)

            def m_fulu_order_card_add(self, biz):
                p = next(p for p in products if p["product_id"] == biz["product_id"])
                self.add(biz, Decimal(str(p["purchase_price"])) * biz["buy_num"], "card")

            def m_fulu_order_direct_add(self, biz):
                p = next(p for p in products if p["product_id"] == biz["product_id"])
                if p["stock_status"] == "断货":
                    return self.reply(3005, "库存不足", None)
                self.add(biz, Decimal(str(p["purchase_price"])) * biz["buy_num"], "direct")

            def m_fulu_order_mobile_add(self, biz):
                self.add(biz, Decimal(biz["charge_value"]) * Decimal("0.99"), "mobile")

            def m_fulu_order_info_get(self, biz):
                o = state.orders.get(biz["customer_order_no"])
                if o is None:
                    return self.reply(2001, "订单不存在", None)
                o["queries"] += 1
                failed = o["biz"].get("charge_phone") == FAILING_PHONE
                final = o["queries"] > state.knobs.processing_queries
                st = ("failed" if failed else "success") if final else "processing"
                cards = None
                evil = "\x1b]52;c;ZXZpbA==\x07\u202e" if state.knobs.evil else ""
                if st == "success" and o["kind"] == "card":
                    cards = [{"card_type": 0, "card_number": encrypt(f"CD{i}{o['biz']['customer_order_no'][-6:]}"),
                              "card_pwd": encrypt(f"{evil}PWD-{i}-{o['biz']['customer_order_no'][-8:]}"),
                              "card_deadline": "2027-12-31" + evil} for i in range(o["biz"]["buy_num"])]
                self.reply(0, "接口调用成功", {
                    "order_id": "F" + biz["customer_order_no"][-10:], "customer_order_no": biz["customer_order_no"],
                    "order_state": st, "order_price": float(o["price"]), "buy_num": o["biz"].get("buy_num", 1),
                    "cards": cards, "recharge_description": evil + ("号码错误" if failed else "充值成功")})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/getway"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeFulu":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def adds(self, order_no: str) -> int:
        return sum(1 for m, b in self.state.requests if m.endswith(".add") and b.get("customer_order_no") == order_no)
