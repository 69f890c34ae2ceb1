#!/usr/bin/env bats
# masked_paths.bats - linux.maskedPaths and linux.readonlyPaths.

load helpers

setup () {
  setup_bundle
  config_set '.root.readonly = false'
}

teardown () {
  teardown_bundle
}

@test "masked paths: the defaults of ocirun spec hide /proc files and dirs" {
  config_set '.process.args = ["sh", "-c", "wc -c < /proc/keys; ls -A /proc/acpi | wc -l; ls -A /sys/firmware | wc -l; grep -E \" /proc/(keys|acpi) \" /proc/self/mountinfo"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 0 ]
  [ "${lines[2]}" = 0 ]
  [[ "$output" == *" /proc/acpi ro,"*" - tmpfs "* ]]
}

@test "masked paths: files read empty, directories are empty and read-only" {
  echo s3cret > "$BUNDLE/rootfs/secret"
  mkdir "$BUNDLE/rootfs/secretdir"
  echo hidden > "$BUNDLE/rootfs/secretdir/f"
  config_set '.linux.maskedPaths = ["/secret", "/secretdir", "/does/not/exist"]'
  config_set '.process.args = ["sh", "-c", "echo \"[$(cat /secret)]\"; ls -A /secretdir | wc -l; touch /secretdir/new || echo DIR-RO; echo x > /secret; echo \"[$(cat /secret)]\""]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "[]" ]
  [ "${lines[1]}" = 0 ]
  [[ "$output" == *DIR-RO* ]]
  [ "${lines[-1]}" = "[]" ]
  # The image itself is untouched.
  [ "$(cat "$BUNDLE/rootfs/secret")" = s3cret ]
  [ "$(cat "$BUNDLE/rootfs/secretdir/f")" = hidden ]
}

@test "readonly paths: not writable, missing ones ignored" {
  mkdir "$BUNDLE/rootfs/frozen"
  config_set '.linux.readonlyPaths = ["/frozen", "/no/such/path", "/proc/sys"]'
  config_set '.process.args = ["sh", "-c", "touch /frozen/x || echo FROZEN; echo 1 > /proc/sys/kernel/ns_last_pid || echo SYS-RO; touch /tmp/ok && echo TMP-OK"]'
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *FROZEN* ]]
  [[ "$output" == *SYS-RO* ]]
  [[ "$output" == *TMP-OK* ]]
  [ ! -e "$BUNDLE/rootfs/frozen/x" ]
}

@test "masked and readonly paths are resolved inside the rootfs" {
  mkdir "$TEST_TMP/hostdir"
  echo precious > "$TEST_TMP/hostdir/file"
  ln -s "$TEST_TMP/hostdir/file" "$BUNDLE/rootfs/evil-file"
  ln -s "../../../../../..$TEST_TMP/hostdir" "$BUNDLE/rootfs/evil-dir"
  mkdir -p "$BUNDLE/rootfs$TEST_TMP/hostdir"
  echo inside > "$BUNDLE/rootfs$TEST_TMP/hostdir/file"
  config_set '.linux.maskedPaths = ["/evil-file"] | .linux.readonlyPaths = ["/evil-dir"]'
  config_set ".process.args = [\"sh\", \"-c\", \"cat $TEST_TMP/hostdir/file; echo \\\"[\$(cat /evil-file)]\\\"; touch /evil-dir/x || echo RO\"]"
  run ocirun run -b "$BUNDLE" "$(new_id)"
  echo "$output"
  [ "$status" -eq 0 ]
  # The symlinks were followed inside the rootfs: its own copy is masked.
  [ "${lines[0]}" = "[]" ]
  [[ "$output" != *inside* ]]
  [[ "$output" != *precious* ]]
  [[ "$output" == *RO* ]]
  [ "$(cat "$TEST_TMP/hostdir/file")" = precious ]
}
