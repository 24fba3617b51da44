-- Editors' keywords for each FAQ entry: the everyday phrasings people type ("quên pass", "rút sổ"), which the
-- assistant's ranking weighs like the question itself (resolvers/answering.py).
alter table faqs add column keywords text not null default '';
