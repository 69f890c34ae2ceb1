#!/usr/bin/env bats
# terminal.bats - process.terminal: the pty made inside the container, its
# master sent to --console-socket, consoleSize, controlling terminal; and
# `run` proxying it in the foreground.

load helpers

setup () {
  setup_bundle
  ID=$(new_id)
  SOCK=$TEST_TMP/console.sock
  OUT=$TEST_TMP/console.out
}

teardown () {
  [ -n "${RECV:-}" ] && kill "$RECV" 2>/dev/null
  teardown_bundle
}

start_receiver () {
  /usr/bin/python3 "$BATS_TEST_DIRNAME/recvtty.py" "$SOCK" "$OUT" "$@" &
  RECV=$!
  for _ in $(seq 50); do
    [ -e "$OUT.ready" ] && return 0
    sleep 0.1
  done
  return 1
}

wait_receiver () {
  for _ in $(seq 100); do
    kill -0 "$RECV" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

@test "terminal: master goes to the console socket; slave is the controlling tty" {
  config_set '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 99}
    | .process.args = ["sh", "-c", "tty; stty size; ps -o pid,tty,comm | grep -c pts/0; echo done"]'
  start_receiver
  ocirun create --bundle "$BUNDLE" --console-socket "$SOCK" "$ID" </dev/null >/dev/null 2>&1
  [ "$(cat "$OUT.name")" = /dev/ptmx ]
  ocirun start "$ID"
  wait_receiver
  cat -A "$OUT"
  local out
  out=$(tr -d '\r' < "$OUT")
  [[ "$out" == *"/dev/pts/0"* ]]
  [[ "$out" == *"33 99"* ]]
  [[ "$out" == *done* ]]
}

@test "terminal: input typed on the master reaches the process" {
  config_set '.process.terminal = true | .process.args = ["sh", "-c", "read line; echo got:$line"]'
  start_receiver $'hello\n'
  ocirun run -d --bundle "$BUNDLE" --console-socket "$SOCK" "$ID" </dev/null >/dev/null 2>&1
  wait_receiver
  [[ "$(tr -d '\r' < "$OUT")" == *"got:hello"* ]]
}

@test "terminal: /dev/console is the container's terminal" {
  config_set '.process.terminal = true | .process.args = ["sh", "-c", "echo via-console > /dev/console"]'
  start_receiver
  ocirun run -d --bundle "$BUNDLE" --console-socket "$SOCK" "$ID" </dev/null >/dev/null 2>&1
  wait_receiver
  [[ "$(cat "$OUT")" == *via-console* ]]
}

@test "terminal: no terminal fd or socket leaks into the container" {
  config_set '.process.terminal = true | .process.args = ["ls", "-1", "/proc/self/fd"]'
  start_receiver
  ocirun run -d --bundle "$BUNDLE" --console-socket "$SOCK" "$ID" </dev/null >/dev/null 2>&1
  wait_receiver
  [ "$(tr -d '\r' < "$OUT" | tr '\n' ' ')" = "0 1 2 3 " ]
}

@test "terminal: foreground run proxies the terminal to its stdio" {
  config_set '.process.terminal = true | .process.args = ["sh", "-c", "tty; read x; echo got:$x"]'
  run sh -c "echo typed | \"$OCIRUN\" --root \"$ROOT\" run --bundle \"$BUNDLE\" \"$ID\""
  echo "$output" | cat -A
  [ "$status" -eq 0 ]
  [[ "$output" == *"/dev/pts/0"* ]]
  [[ "$output" == *"got:typed"* ]]
}

@test "terminal: foreground run with a terminal keeps the exit code" {
  config_set '.process.terminal = true | .process.args = ["sh", "-c", "exit 7"]'
  run sh -c "\"$OCIRUN\" --root \"$ROOT\" run --bundle \"$BUNDLE\" \"$ID\" </dev/null"
  [ "$status" -eq 7 ]
}
