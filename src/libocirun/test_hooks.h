/* test_hooks.h - crash injection for the reliability tests.
 *
 * The engine calls ocirun_test_stop_at ("phase") at each boundary of
 * create, start and delete.  In a build configured with
 * --enable-test-hooks (OCIRUN_TEST_HOOKS), the process SIGKILLs itself
 * there when the environment variable OCIRUN_TEST_STOP_AT names that
 * phase: the tests then check that what is left is reported truthfully
 * and that `delete --force` removes all of it.  In every other build the
 * call is an empty inline function and the binary holds no trace of it.
 *
 * Phases (see tests/integration/reliability.bats):
 *   create-state-dir     state directory made, nothing in it yet
 *   create-cgroup-dirs   cgroup directories made, no limits written yet
 *   create-cgroup        cgroup created
 *   create-clone         container process cloned, setup not started
 *   create-child-ready   setup done, the process waits; nothing committed
 *   create-before-state  just before state.json says "created"
 *   create-after-state   state.json written, the child not yet told
 *   start-before-signal  start: before the start request is sent
 *   start-after-signal   start: the process exec'd, state.json not updated
 *   delete-after-kill    delete: process killed, cgroup and state left
 *   delete-after-cgroup  delete: cgroup removed, state directory left
 *   delete-state-files   the state directory emptied, not yet removed */
#ifndef OCIRUN_TEST_HOOKS_H
#define OCIRUN_TEST_HOOKS_H

/* The environment variable naming the phase to die at. */
#define OCIRUN_TEST_STOP_AT_ENV "OCIRUN_TEST_STOP_AT"

#ifdef OCIRUN_TEST_HOOKS
void ocirun_test_stop_at (const char *phase);
#else
static inline void
ocirun_test_stop_at (const char *phase)
{
  (void)phase;
}
#endif

#endif
