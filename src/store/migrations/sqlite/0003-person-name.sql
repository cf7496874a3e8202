-- 0003: finding persons by name.
--
-- GET /api/v1/persons?name= matches the start of the family, given or
-- native name. Each is indexed by its lower() form, which folds ASCII
-- letters only (the same in SQLite and PostgreSQL's C locale): the search
-- (api_registry.c) asks for a range of that form per name, and covers
-- other cased scripts (Cyrillic, Greek, accented Latin) by asking for the
-- lower, upper and title case of what was typed. Scripts without case
-- (Chinese, Arabic...) match as typed.
--
-- Three more indexes on person cost a bulk import a few percent: the
-- importer drops them for a large load and builds each with one sort
-- (store_bulk_drop_indexes).
CREATE INDEX person_family_name ON person(lower(family_name));
CREATE INDEX person_given_name ON person(lower(given_name));
CREATE INDEX person_native_name ON person(lower(native_name));
