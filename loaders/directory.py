"""Loaders of public rows: facilities, provinces, wards, employers, FAQ, news, beneficiary groups, ICD-10 codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from db import cards, employers, facilities, provinces, support, visits
from loaders.base import BaseLoader, Row


class ProvinceByCodeLoader(BaseLoader):
    fetch = provinces.provinces_by_code
    shared = True
    key = "code"


class WardByCodeLoader(BaseLoader):
    fetch = provinces.wards_by_code
    shared = True
    key = "code"


class WardsByProvinceCodeLoader(BaseLoader):
    fetch = provinces.wards_by_province
    key = "province_code"
    many = True


class FacilityByIdLoader(BaseLoader):
    fetch = facilities.facilities_by_id
    shared = True

    def arrange(self, keys: Sequence[Any], rows: Sequence[Row]) -> list[Any]:
        # The statement joins the province's name: the province then costs no statement of its own.
        for row in rows:
            if row["province_name"] is not None:
                province = {"code": row["province_code"], "name": row["province_name"]}
                self.prime_other(ProvinceByCodeLoader, row["province_code"], province)
        return super().arrange(keys, rows)


class FacilityByCodeLoader(BaseLoader):
    fetch = facilities.facilities_by_code
    key = "code"


class EmployerByIdLoader(BaseLoader):
    fetch = employers.employers_by_id


class FaqByIdLoader(BaseLoader):
    fetch = support.FAQS.by_id


class NewsItemByIdLoader(BaseLoader):
    fetch = support.NEWS.by_id


class BeneficiaryGroupByCodeLoader(BaseLoader):
    fetch = cards.beneficiary_groups_by_code
    shared = True
    key = "code"


class DiagnosisByCodeLoader(BaseLoader):
    fetch = visits.diagnoses_by_code
    shared = True
    key = "code"


