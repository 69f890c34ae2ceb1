#!/usr/bin/env bats
# `ocirun spec` and `ocirun features`: output validates against the
# runtime-spec JSON schemas, spec refuses to overwrite, flags behave.

OCIRUN=${OCIRUN:-$BATS_TEST_DIRNAME/../../ocirun}
SCHEMA_DIR=${OCI_SCHEMA_DIR:-$BATS_TEST_DIRNAME/../../../shared/runtime-spec/schema}
# Debian's python3 has jsonschema; a pyenv python3 on PATH may not.
PYTHON=/usr/bin/python3

setup () {
  TEST_TMP=$(mktemp -d /tmp/ocirun-spec.XXXXXX)
}

teardown () {
  [ -n "${TEST_TMP:-}" ] && rm -rf "$TEST_TMP"
  return 0
}

need_schema () {
  [ -f "$SCHEMA_DIR/config-schema.json" ] || skip "runtime-spec schema not found at $SCHEMA_DIR"
  "$PYTHON" -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema not installed"
}

# validate SCHEMA_FILE DOCUMENT: exit 0 iff DOCUMENT is valid.
validate () {
  "$PYTHON" - "$SCHEMA_DIR" "$1" "$2" <<'EOF'
import json, os, sys
import jsonschema
schema_dir, schema_file, doc = sys.argv[1:4]
with open(os.path.join(schema_dir, schema_file)) as f:
    schema = json.load(f)
resolver = jsonschema.RefResolver("file://" + os.path.abspath(schema_dir) + "/", schema)
with open(doc) as f:
    data = json.load(f)
try:
    jsonschema.validate(data, schema, resolver=resolver)
except jsonschema.ValidationError as e:
    print("invalid:", e.message, "at", list(e.absolute_path))
    sys.exit(1)
EOF
}

@test "spec: writes a config.json that validates against config-schema.json" {
  need_schema
  cd "$TEST_TMP"
  run "$OCIRUN" spec
  [ "$status" -eq 0 ]
  [ -f config.json ]
  run validate config-schema.json config.json
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "spec: default content matches runc's defaults" {
  cd "$TEST_TMP"
  "$OCIRUN" spec
  [ "$(jq -r '.process.args | join(" ")' config.json)" = "sh" ]
  [ "$(jq -r '.process.terminal' config.json)" = "true" ]
  [ "$(jq -r '.process.noNewPrivileges' config.json)" = "true" ]
  [ "$(jq -r '.root.path + " " + (.root.readonly|tostring)' config.json)" = "rootfs true" ]
  [ "$(jq -r '.process.capabilities.bounding | sort | join(",")' config.json)" = "CAP_AUDIT_WRITE,CAP_KILL,CAP_NET_BIND_SERVICE" ]
  [ "$(jq -r '.process.rlimits[] | select(.type == "RLIMIT_NOFILE") | "\(.soft) \(.hard)"' config.json)" = "1024 1024" ]
  [ "$(jq -r '[.linux.namespaces[].type] | sort | join(",")' config.json)" = "cgroup,ipc,mount,network,pid,uts" ]
  [ "$(jq -r '[.mounts[].destination] | join(",")' config.json)" = "/proc,/dev,/dev/pts,/dev/shm,/dev/mqueue,/sys,/sys/fs/cgroup" ]
  jq -e '.linux.maskedPaths | index("/proc/kcore")' config.json
  jq -e '.linux.readonlyPaths | index("/proc/sys")' config.json
  jq -e '.mounts[] | select(.destination == "/dev/pts") | .options | index("gid=5")' config.json
}

@test "spec --rootless: user namespace mapping the caller, validates" {
  need_schema
  run "$OCIRUN" spec --bundle "$TEST_TMP" --rootless
  [ "$status" -eq 0 ]
  cfg=$TEST_TMP/config.json
  run validate config-schema.json "$cfg"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(jq -r '.linux.uidMappings[0] | "\(.containerID) \(.hostID) \(.size)"' "$cfg")" = "0 $(id -u) 1" ]
  [ "$(jq -r '.linux.gidMappings[0] | "\(.containerID) \(.hostID) \(.size)"' "$cfg")" = "0 $(id -g) 1" ]
  [ "$(jq -r '[.linux.namespaces[].type] | sort | join(",")' "$cfg")" = "cgroup,ipc,mount,pid,user,uts" ]
  [ "$(jq -r '.mounts[] | select(.destination == "/sys") | .source' "$cfg")" = "/sys" ]
  jq -e '.mounts[] | select(.destination == "/sys") | .options | index("rbind")' "$cfg"
  run jq -e '.mounts[] | select(.destination == "/dev/pts") | .options | index("gid=5")' "$cfg"
  [ "$status" -ne 0 ]
  [ "$(jq -r '.linux.resources' "$cfg")" = "null" ]
}

@test "spec: refuses to overwrite an existing config.json" {
  echo '{"keep": "me"}' > "$TEST_TMP/config.json"
  run "$OCIRUN" spec --bundle "$TEST_TMP"
  [ "$status" -eq 1 ]
  [[ "$output" == *"already exists"* ]]
  [ "$(cat "$TEST_TMP/config.json")" = '{"keep": "me"}' ]
}

@test "spec: bad flag is a usage error, --help succeeds" {
  run "$OCIRUN" spec --no-such-flag
  [ "$status" -eq 1 ]
  [[ "$output" == *"--help"* ]]
  run "$OCIRUN" spec --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"--rootless"* ]]
  run "$OCIRUN" spec --bundle "$TEST_TMP/does-not-exist"
  [ "$status" -eq 1 ]
  [[ "$output" == *"does-not-exist"* ]]
}

@test "features: output validates against features-schema.json" {
  need_schema
  run "$OCIRUN" features
  [ "$status" -eq 0 ]
  echo "$output" > "$TEST_TMP/features.json"
  run validate features-schema.json "$TEST_TMP/features.json"
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "features: versions, hooks, namespaces and mount options" {
  "$OCIRUN" features > "$TEST_TMP/f.json"
  f=$TEST_TMP/f.json
  [ "$(jq -r .ociVersionMin "$f")" = "1.0.0" ]
  [ "$(jq -r .ociVersionMax "$f")" = "1.3.0" ]
  [ "$(jq -r '.hooks | sort | join(",")' "$f")" = "createContainer,createRuntime,poststart,poststop,prestart,startContainer" ]
  [ "$(jq -r '.linux.namespaces | sort | join(",")' "$f")" = "cgroup,ipc,mount,network,pid,time,user,uts" ]
  for opt in bind rbind ro rro rnosuid idmap ridmap rprivate nosymfollow; do
    jq -e --arg o "$opt" '.mountOptions | index($o)' "$f"
  done
  jq -e '.linux.capabilities | index("CAP_SYS_ADMIN")' "$f"
  jq -e '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY")' "$f"
  [ "$(jq -r '.annotations["io.github.seccomp.libseccomp.version"]' "$f")" != "null" ]
}

@test "features: supportedFlags is a subset of knownFlags" {
  "$OCIRUN" features > "$TEST_TMP/f.json"
  run jq -e '(.linux.seccomp.supportedFlags - .linux.seccomp.knownFlags) == []' "$TEST_TMP/f.json"
  [ "$status" -eq 0 ]
}

@test "features: bad flag is a usage error" {
  run "$OCIRUN" features --bogus
  [ "$status" -eq 1 ]
  run "$OCIRUN" features extra-arg
  [ "$status" -eq 1 ]
}
