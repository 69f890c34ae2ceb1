#!/bin/sh
# bench/exec-cost.sh [N] - what starting a process costs on this machine,
# before the program does anything: a static binary without libc, a
# static and a dynamic glibc "hello" (glibc's start-up: on a VM its cpuid
# instructions are VM exits), and `ocirun --version`.  N spawns each
# (default 3000); prints the mean wall time per spawn+wait.  Informative
# only.  Used for the glibc start-up figure in README.md (Performance).
set -eu
n=${1:-3000}
here=$(cd "$(dirname "$0")" && pwd)
# the build bench/run.sh would pick: musl, then in-tree, then build/
ocirun=${OCIRUN:-}
if [ -z "$ocirun" ]; then
  for ocirun in "$here/../build-musl/ocirun" "$here/../ocirun" "$here/../build/ocirun"; do
    [ -x "$ocirun" ] && break
  done
fi
tmp=$(mktemp -d /tmp/ocirun-exec-cost.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/spawn.c" <<'C'
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
extern char **environ;
int
main (int argc, char **argv)
{
  int n = atoi (argv[1]);
  struct timespec a, b;
  clock_gettime (CLOCK_MONOTONIC, &a);
  for (int i = 0; i < n; i++)
    {
      pid_t p;
      if (posix_spawn (&p, argv[3], NULL, NULL, argv + 3, environ) != 0)
        return 1;
      waitpid (p, NULL, 0);
    }
  clock_gettime (CLOCK_MONOTONIC, &b);
  fprintf (stderr, "%-20s %7.1f us/exec\n", argv[2],
           ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n / 1e3);
  return 0;
}
C
printf 'int main (void) { return 0; }\n' > "$tmp/hello.c"
printf '.globl _start\n_start: mov $60, %%eax\n xor %%edi, %%edi\n syscall\n' > "$tmp/nolibc.s"
cc -O2 -o "$tmp/spawn" "$tmp/spawn.c"
cc -nostdlib -static -o "$tmp/nolibc" "$tmp/nolibc.s"
cc -O2 -static -o "$tmp/hello-static" "$tmp/hello.c"
cc -O2 -o "$tmp/hello-dynamic" "$tmp/hello.c"
echo "exec cost, $n spawns each ($(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)):"
for b in nolibc hello-static hello-dynamic; do
  "$tmp/spawn" "$n" "$b" "$tmp/$b" 2>&1
done
[ -x "$ocirun" ] && "$tmp/spawn" "$n" "ocirun --version" "$ocirun" --version 2>&1 >/dev/null
