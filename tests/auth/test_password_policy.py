"""Password rules, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from auth.password_policy import PasswordOwner, common_passwords, password_problem

OWNER = PasswordOwner("0123456789", "Đặng Thị Ánh", dt.date(1990, 3, 12))


@pytest.mark.parametrize(
    "password",
    [
        "short",
        "x" * 129,
        "123456789",
        "matkhau123",
        "anhyeuem",
        "Password1",
        "x0123456789x",
        "Anh12031990",
        "Sinh-1990-03-12",
        "12/03/1990ab",
        "DangThiAnh",
        "dang thi anh!",
        "thianh2024",
    ],
)
def test_refused(password: str) -> None:
    assert password_problem(password, OWNER) is not None


@pytest.mark.parametrize("password", ["Cay-Lua-Xanh-2024", "tram nam trong coi nguoi ta", "x" * 128])
def test_accepted(password: str) -> None:
    assert password_problem(password, OWNER) is None


def test_the_common_list_is_a_few_thousand_entries() -> None:
    assert 3000 < len(common_passwords()) < 20000
    assert {"123456789", "matkhau123", "anhyeuem"} <= common_passwords()
