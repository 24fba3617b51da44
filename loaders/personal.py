"""Loaders of personal rows: each statement is bound to the viewer's own person id (db/ writes it so)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from db import benefits, cards, contributions, pensions, persons, visits
from loaders.base import PersonalLoader, Row
from loaders.directory import BeneficiaryGroupByCodeLoader


class PersonByIdLoader(PersonalLoader):
    fetch = persons.persons_by_id


class InsuranceCardByIdLoader(PersonalLoader):
    fetch = cards.cards_by_id


class CurrentInsuranceCardByPersonIdLoader(PersonalLoader):
    """The card valid today (in Vietnam) per person; its statement joins the beneficiary group's name."""

    fetch = cards.cards_valid_today
    key = "person_id"

    def arrange(self, keys: Sequence[Any], rows: Sequence[Row]) -> list[Any]:
        for row in rows:
            if row["group_name"] is not None:
                group = {"code": row["group_code"], "name": row["group_name"]}
                self.prime_other(BeneficiaryGroupByCodeLoader, row["group_code"], group)
        return super().arrange(keys, rows)


class ContributionPeriodByIdLoader(PersonalLoader):
    fetch = contributions.PERIODS.by_id


class ContributionSummaryRowsByPersonIdLoader(PersonalLoader):
    """Per person: one row per scheme and one with scheme null (the pension total)."""

    fetch = contributions.summaries
    key = "person_id"
    many = True


class BenefitByIdLoader(PersonalLoader):
    fetch = benefits.BENEFITS.by_id


class MedicalVisitByIdLoader(PersonalLoader):
    fetch = visits.VISITS.by_id


class MedicalVisitYearsByPersonIdLoader(PersonalLoader):
    fetch = visits.visit_years
    key = "person_id"
    many = True



class PensionByPersonIdLoader(PersonalLoader):
    """The pension decision of each person, with the adjustments since its start."""

    fetch = pensions.pensions_by_person
    key = "person_id"
