-- Run once by the postgres image on an empty data volume (docker-entrypoint-initdb.d).
-- One database per service: each service owns its data and no other service reads it.
-- The services would create a missing database themselves; creating them here keeps
-- that out of the start-up path.
CREATE DATABASE orderflow_sales;
CREATE DATABASE orderflow_review;
CREATE DATABASE orderflow_production;
CREATE DATABASE orderflow_logistics;
CREATE DATABASE orderflow_finance;
