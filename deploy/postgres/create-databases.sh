#!/bin/sh
# Runs once, when PostgreSQL starts on an empty volume (/docker-entrypoint-initdb.d): one database per
# MediaMesh service, owned by POSTGRES_USER. The services create their tables themselves (migrations).
set -eu
for db in ${MEDIAMESH_DATABASES:-organization initiative exchange}; do
  echo "creating database $db"
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres \
    -c "CREATE DATABASE \"$db\" OWNER \"$POSTGRES_USER\";"
done
