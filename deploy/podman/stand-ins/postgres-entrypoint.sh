#!/bin/sh
# Debian's PostgreSQL 15 started as the postgres image starts it: on first start the cluster is made with
# POSTGRES_USER (password POSTGRES_PASSWORD, scram) and POSTGRES_DB, reachable from the network by password.
set -eu
PGDATA=/var/lib/postgresql/data
BIN=/usr/lib/postgresql/15/bin
mkdir -p "$PGDATA" /var/run/postgresql
chown -R postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  printf '%s\n' "$POSTGRES_PASSWORD" > /tmp/pwfile
  chown postgres /tmp/pwfile
  su postgres -c "$BIN/initdb -D $PGDATA -U $POSTGRES_USER --pwfile=/tmp/pwfile --auth=scram-sha-256" > /dev/null
  rm /tmp/pwfile
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  su postgres -c "$BIN/pg_ctl -D $PGDATA -w -o '-c listen_addresses=' start" > /dev/null
  su postgres -c "PGPASSWORD='$POSTGRES_PASSWORD' psql -q -U $POSTGRES_USER -d postgres -c 'CREATE DATABASE \"$POSTGRES_DB\"'"
  su postgres -c "$BIN/pg_ctl -D $PGDATA -w stop" > /dev/null
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups "$BIN/postgres" -D "$PGDATA" -c "listen_addresses=*"
