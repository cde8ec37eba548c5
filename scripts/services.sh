# Sourced by test.sh and with_services.sh (the benchmarks): start PostgreSQL and Redis on free loopback ports inside
# $WORK, export their URLs, and stop them on exit (trap set by the caller via stop_services).
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_services() {
  PGPORT="$(free_port)"; RPORT="$(free_port)"
  mkdir -p "$WORK/pg"
  chown -R postgres "$WORK" 2>/dev/null || true
  chmod 755 "$WORK"
  runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >/dev/null
  # Tests trade durability for speed; the benchmarks (YLADA_PG_DURABLE=1) measure the
  # production setting: fsync and synchronous commit on.
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${YLADA_PG_DURABLE:-0}" = 1 ] && durability="-c fsync=on -c synchronous_commit=on"
  PG_OPTS="-c listen_addresses=127.0.0.1 -p $PGPORT -k $WORK/pg $durability -c max_connections=300"
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -w -l "$WORK/pg.log" -o "$PG_OPTS" \
    start >/dev/null
  redis-server --bind 127.0.0.1 --port "$RPORT" --save '' --appendonly no --daemonize yes \
    --pidfile "$WORK/redis.pid" --dir "$WORK" --logfile "$WORK/redis.log"
  for _ in $(seq 50); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export TEST_PG_ADMIN_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/postgres"
  export TEST_REDIS_URL="redis://127.0.0.1:$RPORT/0"
  export TEST_REDIS_PORT="$RPORT" TEST_REDIS_DIR="$WORK"
  # for the fault bench, which restarts them
  export TEST_PG_DATA="$WORK/pg" TEST_PG_BIN="$PGBIN" TEST_PG_OPTS="$PG_OPTS"
  echo "[ylada] PostgreSQL on 127.0.0.1:$PGPORT, Redis on 127.0.0.1:$RPORT"
}

stop_services() {
  set +e
  [ -f "$WORK/pg/postmaster.pid" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1
  [ -f "$WORK/redis.pid" ] && kill "$(cat "$WORK/redis.pid")" 2>/dev/null
  rm -rf "$WORK"
}
