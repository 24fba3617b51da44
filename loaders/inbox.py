"""Loaders of the inbox: messages and devices by id, bound to the viewer like every personal loader."""

from __future__ import annotations

from db import inbox
from loaders.base import PersonalLoader


class InboxMessageByIdLoader(PersonalLoader):
    fetch = inbox.INBOX.by_id


class DeviceByIdLoader(PersonalLoader):
    fetch = inbox.devices_by_id
