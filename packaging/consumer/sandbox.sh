# Sourced by the consumer tests: starts `acp sandbox` on 127.0.0.1 (a free port) for the
# rest of the script and stops it on exit, by closing its stdin (--exit-on-eof).
#   sandbox_start ACP_BINARY WORK_DIR   # sets SANDBOX_URL
sandbox_start() {
  local acp=$1 dir=$2
  mkfifo "$dir/sandbox.in"
  "$acp" sandbox --port 0 --bind 127.0.0.1 --exit-on-eof <"$dir/sandbox.in" >"$dir/sandbox.out" 2>"$dir/sandbox.log" &
  SANDBOX_PID=$!
  exec 8>"$dir/sandbox.in" # closing it stops the sandbox
  SANDBOX_URL=
  for _ in $(seq 300); do
    SANDBOX_URL=$(head -n 1 "$dir/sandbox.out")
    [[ -n $SANDBOX_URL ]] && break
    sleep 0.1
  done
  [[ -n $SANDBOX_URL ]] || { cat "$dir/sandbox.log" >&2; echo "FAIL: the sandbox did not start" >&2; return 1; }
  SANDBOX_URL=${SANDBOX_URL%/}
}
sandbox_stop() {
  if [[ -n ${SANDBOX_PID:-} ]]; then
    exec 8>&- 2>/dev/null || true
    wait "$SANDBOX_PID" 2>/dev/null || true
    SANDBOX_PID=
  fi
}
