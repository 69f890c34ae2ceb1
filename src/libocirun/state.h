/* state.h - the per-container state directory <root>/<id>.
 *
 * Layout (all 0600 inside a 0700 directory):
 *   state.json    what later commands need: ids, pid + its start time,
 *                 bundle, annotations, poststart/poststop hooks, the
 *                 namespaces the container owns.  Written atomically
 *                 (tmp + rename), so readers never lock.
 *   config.json   a copy of the bundle's config, read only by `exec`.
 *   start.sock    exists while the container is `created`: the waiting
 *                 container process accepts `start` on it.
 *   cgroup        written by the cgroup area.
 *
 * Commands that change a container take flock() on the directory itself;
 * a command that waited for the lock re-checks that the directory was not
 * deleted meanwhile (st_nlink == 0). */
#ifndef OCIRUN_STATE_H
#define OCIRUN_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"
#include "oci-spec/state.h"

#define OCIRUN_STATE_FILE "state.json"
#define OCIRUN_CONFIG_COPY "config.json"
#define OCIRUN_START_SOCKET "start.sock"

struct ocirun_state
{
  char *oci_version;
  char *id;
  char *bundle;
  char *rootfs;
  char *created;          /* RFC 3339, nanoseconds, UTC (runc's format) */
  enum oci_status status; /* last status a command committed */
  pid_t pid;              /* container process, host view; 0 if none */
  unsigned long long pid_start; /* /proc/PID/stat field 22 */
  pid_t creator; /* the `create` process while status is creating */
  unsigned long long creator_start;
  unsigned ns_mask; /* 1u << enum oci_namespace_type: namespaces the
                       container has of its own (created or joined) */
  struct oci_kv *annotations;
  size_t annotations_len;
  struct oci_hook *poststart;
  size_t poststart_len;
  struct oci_hook *poststop;
  size_t poststop_len;
  char *owner; /* not stored: `list` fills it from the directory's uid */
  bool start_pending; /* not stored: read sets it when start.sock exists,
                         i.e. the process has not exec'd yet */
};

/* Output shapes of the OCI state document. */
enum ocirun_state_format
{
  OCIRUN_STATE_HOOK,        /* runtime-spec state, compact (hook stdin) */
  OCIRUN_STATE_RUNC_PRETTY, /* `state`: runc's fields, 2-space indent */
  OCIRUN_STATE_RUNC_LIST,   /* `list -f json` element, compact */
};

/* runc's rule: ^[\w+-\.]+$, and not "." or "..". */
int ocirun_state_validate_id (const char *id, struct ocirun_error *err);

/* Open (create = true: create, 0700) the state root. */
int ocirun_state_root_open (const char *root, bool create, int *rootfd,
                            struct ocirun_error *err);

/* mkdir <root>/<id> 0700 and take its exclusive lock; EEXIST is the
 * "already exists" error. */
int ocirun_state_dir_create (int rootfd, const char *id, int *dirfd,
                             struct ocirun_error *err);

/* Open <root>/<id>; lock is LOCK_EX, LOCK_SH or 0 (no lock).  A missing
 * (or concurrently deleted) container is "container `id` does not
 * exist" with errnum ENOENT. */
int ocirun_state_dir_open (int rootfd, const char *id, int lock, int *dirfd,
                           struct ocirun_error *err);

/* Remove every file of the directory (state.json last), then the
 * directory: `id` relative to rootfd (AT_FDCWD with a path works too).
 * Opens no fd: it works when none are left. */
int ocirun_state_dir_remove (int rootfd, const char *id, int dirfd,
                             struct ocirun_error *err);

/* Write a file of the state directory atomically (tmp + rename). */
int ocirun_state_write_file (int dirfd, const char *name, const char *data,
                             size_t len, struct ocirun_error *err);

/* state.json text of s (what ocirun_state_write writes). */
int ocirun_state_generate (const struct ocirun_state *s, char **json,
                           size_t *len, struct ocirun_error *err);
int ocirun_state_write (int dirfd, const struct ocirun_state *s,
                        struct ocirun_error *err);
/* Parse state.json text; anything but a complete record is
 * "state.json: corrupt" (EINVAL) or the JSON parser's error. */
int ocirun_state_parse (const char *data, size_t len,
                        struct ocirun_state **out, struct ocirun_error *err);
/* ENOENT (no state.json yet: create crashed early, or a delete is
 * removing it) is reported with errnum ENOENT so that delete can still
 * clean up. */
int ocirun_state_read (int dirfd, struct ocirun_state **out,
                       struct ocirun_error *err);
void ocirun_state_free (struct ocirun_state *s);
void ocirun_state_freep (struct ocirun_state **s);
#define cleanup_state __attribute__ ((cleanup (ocirun_state_freep)))

/* The live status: the committed one, or `stopped` when the process (or
 * the creator, while creating) is gone or is not the one recorded;
 * `running` for a committed `created` whose process already removed its
 * start.sock on the way to execve (a `start` killed before it could
 * write "running" must not leave a lie behind). */
enum oci_status ocirun_state_status (const struct ocirun_state *s);

/* The state document for `status` (which may differ from s->status, e.g.
 * "paused" for runc output is passed as status_text). */
int ocirun_state_to_json (const struct ocirun_state *s, const char *status,
                          enum ocirun_state_format fmt, char **out,
                          size_t *len, struct ocirun_error *err);

/* /proc/PID/stat: start time (field 22) and state letter (field 3).
 * Returns -1 with errno set if the process does not exist. */
int ocirun_proc_stat (pid_t pid, unsigned long long *start, char *state);
/* True if pid is alive, not a zombie, and started at `start`. */
bool ocirun_pid_is (pid_t pid, unsigned long long start);

/* The current time in runc's format: 2006-01-02T15:04:05.999999999Z. */
void ocirun_time_rfc3339 (char *buf, size_t len);

/* Write the decimal pid to path atomically (tmp in the same dir, rename). */
int ocirun_write_pid_file (const char *path, pid_t pid,
                           struct ocirun_error *err);

#endif
