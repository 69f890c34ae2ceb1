/* hooks.h - running OCI hooks (config.md "POSIX-platform Hooks").
 *
 * Each hook gets the state document on stdin, its own args (argv[0]
 * included; just `path` when absent) and env (the runtime's environment
 * when absent, as runc does), in the namespaces of the calling process.
 * stdout/stderr are captured: a failing hook's output is part of the
 * error.  A hook with a timeout is killed when it overruns. */
#ifndef OCIRUN_HOOKS_H
#define OCIRUN_HOOKS_H

#include <stddef.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

/* Run hooks[0..n) in order; stop at the first failure, which is returned
 * as "<kind> hook #<i> `<path>`: ...".  kind is the config name
 * ("createRuntime"). */
int ocirun_hooks_run (const struct oci_hook *hooks, size_t n, const char *kind,
                      const char *state, size_t state_len,
                      struct ocirun_error *err);

/* Same, but failures are logged as warnings and every hook runs
 * (poststart, poststop). */
void ocirun_hooks_run_warn (const struct oci_hook *hooks, size_t n,
                            const char *kind, const char *state,
                            size_t state_len);

#endif
