"""The root types: each domain module contributes its root fields; this module only merges them."""

from __future__ import annotations

from strawberry.tools import merge_types

from resolvers.accounts import AccountMutation, AccountQuery
from resolvers.applications.citizen import ApplicationCitizenMutation
from resolvers.applications.officer import ApplicationOfficerMutation, ApplicationOfficerQuery
from resolvers.card_check import CardCheckQuery
from resolvers.card_keys import CardKeyQuery
from resolvers.directory import DirectoryQuery
from resolvers.employers import EmployerQuery
from resolvers.family import FamilyMutation
from resolvers.inbox import InboxMutation, InboxSubscription
from resolvers.lookup import LookupQuery
from resolvers.persons import PersonQuery
from resolvers.provinces import ProvinceQuery
from resolvers.registrations import RegistrationMutation, RegistrationQuery
from resolvers.renewals import RenewalQuery
from resolvers.support import SupportQuery

Query = merge_types(
    "Query",
    (
        ProvinceQuery,
        AccountQuery, RegistrationQuery,
        PersonQuery,
        DirectoryQuery, EmployerQuery, LookupQuery, CardCheckQuery, SupportQuery,
        CardKeyQuery,
        RenewalQuery,
        ApplicationOfficerQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AccountMutation, RegistrationMutation, InboxMutation, FamilyMutation,
        ApplicationCitizenMutation, ApplicationOfficerMutation,
    ),
)
Subscription = merge_types("Subscription", (InboxSubscription,))
