"""The inbox producers (hộp thư), run every `inbox_seconds` by one process at a time.

Every run calls each producer of db/inbox_producers.py in one transaction under an advisory lock: a second process
that finds the lock taken skips the run, and even without the lock the unique key of `inbox_messages` keeps each
message single. Registration decisions and access-log notices are read by the scheduler from a watermark (not
written by the transaction of the decision or the read), so every writer of those tables, present or future, is
covered without knowing of the inbox; the cost is a delay of up to one interval.

The first run comes one interval after start, as housekeeping's (tests read the database as they wrote it); the
demo start runs `produce_all` once after loading the demo data (service/runtime.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import asyncpg

from core.settings import Settings
from db import inbox_producers as produce
from db.inbox_producers import Texts
from db.pool import ConnectionSource
from jobs.periodic import DATABASE_ERRORS, PeriodicJob

log = logging.getLogger("vssid.inbox")
VIETNAM = dt.timezone(dt.timedelta(hours=7))

ARREARS = Texts(
    "Đơn vị chưa đóng BHXH cho bạn",
    "Đơn vị %s chưa đóng bảo hiểm xã hội cho bạn %s tháng (từ %s đến %s). "
    "Bạn có thể liên hệ đơn vị hoặc cơ quan BHXH để được hỗ trợ.",
)
CARD_EXPIRING = Texts(
    "Thẻ BHYT sắp hết hạn",
    "Thẻ BHYT của bạn sẽ hết hạn vào ngày %s. Hãy gia hạn để tiếp tục được hưởng quyền lợi khám chữa bệnh BHYT.",
)
PASSWORD_EXPIRING = Texts(
    "Mật khẩu sắp hết hạn",
    "Mật khẩu của bạn sẽ hết hạn vào ngày %s. Hãy đổi mật khẩu trước ngày này để tiếp tục sử dụng VssID.",
)
REGISTRATION_APPROVED = Texts(
    "Tài khoản giao dịch điện tử đã được cấp",
    "Đăng ký của bạn đã được chấp thuận. Hãy đăng nhập bằng mã số BHXH và mật khẩu tạm thời được gửi qua SMS.",
)
REGISTRATION_REJECTED = Texts(
    "Đăng ký chưa được chấp thuận",
    "Đăng ký giao dịch điện tử của bạn chưa được chấp thuận. Lý do: %s. Bạn có thể sửa thông tin và đăng ký lại.",
)
ACCESS_BODY = "%s đã xem thông tin của bạn lúc %s. Mục đích: %s."
PARTNER_ACCESS = Texts("Cơ sở đối tác đã xem thông tin của bạn", ACCESS_BODY)
OFFICER_ACCESS = Texts("Cán bộ BHXH đã xem thông tin của bạn", ACCESS_BODY)


@dataclass(frozen=True, slots=True)
class ProduceReport:
    arrears: int
    cards: int
    passwords: int
    registrations: int
    accesses: int

    @property
    def total(self) -> int:
        return self.arrears + self.cards + self.passwords + self.registrations + self.accesses


async def produce_all(
    conn: asyncpg.Connection, settings: Settings, now: dt.datetime | None = None
) -> ProduceReport | None:
    """Every producer in one transaction; None when another process is producing right now."""
    now = now or dt.datetime.now(dt.UTC)
    today = now.astimezone(VIETNAM).date()
    async with conn.transaction():
        if not await produce.try_lock(conn):
            return None
        return ProduceReport(
            arrears=await produce.arrears(conn, today, ARREARS),
            cards=await produce.cards_expiring(conn, today, CARD_EXPIRING),
            passwords=await produce.passwords_expiring(conn, now, settings.password_max_age_days, PASSWORD_EXPIRING),
            registrations=await produce.registration_decisions(
                conn, now, REGISTRATION_APPROVED, REGISTRATION_REJECTED
            ),
            accesses=await produce.access_notices(conn, now, PARTNER_ACCESS, OFFICER_ACCESS),
        )


class InboxProducers(PeriodicJob):
    name = "inbox-producers"

    def __init__(self, database: ConnectionSource, settings: Settings) -> None:
        super().__init__(settings.inbox_seconds)
        self.database = database
        self.settings = settings

    async def run_once(self) -> ProduceReport | None:
        try:
            async with self.database.acquire() as conn:
                report = await produce_all(conn, self.settings)
        except DATABASE_ERRORS as exc:
            log.warning("inbox producers failed: %s", exc)
            return None
        if report is not None and report.total:
            log.info(
                "inbox: %d arrears, %d card, %d password, %d registration, %d access messages",
                report.arrears, report.cards, report.passwords, report.registrations, report.accesses,
            )
        return report


def start_inbox_producers(database: ConnectionSource, settings: Settings) -> InboxProducers:
    producers = InboxProducers(database, settings)
    if settings.inbox_seconds > 0:
        producers.start()
    return producers
