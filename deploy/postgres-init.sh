#!/bin/bash
# Runs once, on the first start of the postgres container with an empty data volume
# (mounted into /docker-entrypoint-initdb.d/ by docker-compose.yml).
#
# Creates the application role and database. The role is deliberately NOT a superuser and NOT
# BYPASSRLS: Row-Level Security must apply to every query the platform makes. It owns its tables
# (migrations create them), which is why every tenant policy is FORCEd (see tenants/rls.py).
# CREATEDB lets the test runner create its test database when pointed at this server.
#
# The password comes from APP_DB_PASSWORD and reaches SQL as a psql variable (:'app_password'),
# so it is quoted by psql, never spliced in by the shell.
set -eo pipefail
: "${APP_DB_PASSWORD:?APP_DB_PASSWORD must be set for the postgres service}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
     -v app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE industry_brain LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS NOCREATEROLE PASSWORD :'app_password';
CREATE DATABASE industry_brain OWNER industry_brain ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE industry_brain FROM PUBLIC;
SQL
