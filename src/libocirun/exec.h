/* exec.h - the process `exec` runs (engine-internal, unit-tested). */
#ifndef OCIRUN_EXEC_H
#define OCIRUN_EXEC_H

#include "libocirun/engine.h"
#include "libocirun/error.h"
#include "oci-spec/config.h"

/* A new process: opts->process_file parsed as is, or a deep copy of the
 * container's `base` process with runc's CLI overrides applied (args,
 * --tty, --env added/overriding, --cwd, --user UID[:GID],
 * --additional-gids, --cap added to bounding/effective/permitted (and
 * ambient when inheritable is set), --no-new-privs, --apparmor,
 * --process-label). */
int ocirun_exec_build_process (const struct oci_process *base,
                               const struct ocirun_exec_options *opts,
                               struct oci_process **out,
                               struct ocirun_error *err);

#endif
