-- Online payment of an application (issue 14): the orders sent to the payment gateway, keyed by person like the
-- applications they pay. Only the gateway's signed notification (IPN) marks an order PAID.

create table payment_orders (
    person_id bigint not null references people (id),
    id bigint generated always as identity,
    application_id bigint not null,
    -- vnp_TxnRef: "<person_id>V<id>" (letters and digits only), so the notification finds the row by its key.
    order_ref text not null check (order_ref ~ '^[0-9]+V[0-9]+$'),
    -- Fixed when the order is made, from the application's amount (itself fixed at submission); never a client's.
    amount_dong bigint not null check (amount_dong > 0),
    -- OPEN: the payment URL is live; FAILED: the gateway said not paid; EXPIRED: a newer order replaced it;
    -- CANCELLED: the application was cancelled; PAID: the gateway confirmed it (the only way to PAID).
    status text not null default 'OPEN' check (status in ('OPEN', 'PAID', 'FAILED', 'EXPIRED', 'CANCELLED')),
    payment_url text not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    -- What the gateway said: its transaction number, bank, time and response code.
    transaction_no text,
    bank_code text,
    response_code text,
    paid_at timestamptz,
    closed_at timestamptz,
    primary key (person_id, id),
    unique (person_id, order_ref),
    foreign key (person_id, application_id) references applications (person_id, id),
    check ((status = 'PAID') = (paid_at is not null))
);
-- One live order per application: asking to pay again returns it (a paid one is never replaced).
create unique index payment_orders_one_live_idx on payment_orders (person_id, application_id)
    where status in ('OPEN', 'PAID');
create index payment_orders_application_idx on payment_orders (person_id, application_id, id desc);
-- The daily reconciliation reads one day's orders.
create index payment_orders_created_idx on payment_orders (created_at);
create index payment_orders_paid_idx on payment_orders (paid_at) where paid_at is not null;
