-- The parameters of what a renewal costs (household BHYT, voluntary BHXH), each with the day it takes effect and its
-- legal basis: a change of the law is a new row, never a change of code. Loaded as reference data
-- (db/reference.py: db/data/contribution_parameters.csv, and the base salary from db/data/wage_history.csv).
create table contribution_parameters (
    name text not null check (name ~ '^[A-Z][A-Z0-9_]*$'),
    effective_from date not null,
    value numeric not null check (value >= 0),
    legal_basis text not null check (length(legal_basis) between 1 and 500),
    primary key (name, effective_from)
);
