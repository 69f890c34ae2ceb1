/* state.h - the OCI runtime state document (runtime.md "State").
 *
 * `ocirun state` prints it; hooks receive it on stdin.  Same conventions
 * as config.h (NULL strings are absent, maps are ordered oci_kv arrays). */
#ifndef OCI_SPEC_STATE_H
#define OCI_SPEC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

enum oci_status
{
  OCI_STATUS_INVALID = 0,
  OCI_STATUS_CREATING,
  OCI_STATUS_CREATED,
  OCI_STATUS_RUNNING,
  OCI_STATUS_STOPPED,
};

/* "creating" <-> OCI_STATUS_CREATING; INVALID / NULL when unknown. */
enum oci_status oci_status_from_string (const char *s);
const char *oci_status_to_string (enum oci_status s);

struct oci_state
{
  char *oci_version;      /* REQUIRED */
  char *id;               /* REQUIRED */
  enum oci_status status; /* REQUIRED */
  bool has_pid;           /* pid is REQUIRED while created/running */
  pid_t pid;
  char *bundle; /* REQUIRED, absolute */
  struct oci_kv *annotations;
  size_t annotations_len;
};

int oci_state_parse_file (const char *path, struct oci_state **out,
                          struct ocirun_error *err);
int oci_state_parse_data (const char *buf, size_t len, const char *filename,
                          struct oci_state **out, struct ocirun_error *err);

/* Pretty JSON like oci_config_generate(). */
int oci_state_generate (const struct oci_state *s, char **json, size_t *len,
                        struct ocirun_error *err);

void oci_state_free (struct oci_state *s);
void oci_state_freep (struct oci_state **s);
#define cleanup_oci_state __attribute__ ((cleanup (oci_state_freep)))

#endif
