#!/usr/bin/env bash
# Run once by the postgres image on an empty data volume (docker-entrypoint-initdb.d), as its
# administrator. One database per service, owned by the service's own role, which may log in
# with the password of its secret (/run/secrets/db-<service>, made by deploy/secrets.sh) and
# reach nothing else: PUBLIC may not connect to any service's database.
set -euo pipefail

service_database() {
  local service="$1" password
  password="$(tr -d '\n' <"/run/secrets/db-$service")"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v role="orderflow_$service" -v password="$password" -v database="orderflow_$service" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"role";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL
}

service_database sales
service_database review
service_database production
service_database logistics
service_database finance
