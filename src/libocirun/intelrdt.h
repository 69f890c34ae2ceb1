/* intelrdt.h - linux.intelRdt: the host check made before anything runs.
 *
 * config-linux.md "IntelRdt": if intelRdt is set, the runtime MUST put
 * the container process in the resctrl group closID (default: the
 * container id), and "if no mounted resctrl pseudo-filesystem is
 * available in the runtime mount namespace, the runtime MUST generate an
 * error".  ocirun does not manage resctrl groups (no closID directory,
 * schemata or tasks writing), so a config with intelRdt is always
 * refused, and `features` reports intelRdt as disabled: without resctrl
 * because the spec requires the error, with resctrl because the request
 * can't be honoured.  Without intelRdt, resctrl is never looked at. */
#ifndef OCIRUN_INTELRDT_H
#define OCIRUN_INTELRDT_H

#include <stddef.h>

#include "libocirun/error.h"
#include "oci-spec/config.h"

/* Parent, before fork: 0 when linux.intelRdt is not set, else < 0 with
 * "config.json: linux.intelRdt: ..." (ENOENT: no resctrl mounted;
 * EOPNOTSUPP: resctrl mounted but not supported by ocirun). */
int ocirun_intelrdt_validate (const struct oci_config *cfg,
                              struct ocirun_error *err);

/* The mount point of the first resctrl filesystem in the mountinfo file
 * `mountinfo` (/proc/self/mountinfo format) into buf, with the octal
 * escapes (\040 ...) decoded.  1 if found, 0 if none, < 0 with err set if
 * the file can't be read. */
int ocirun_resctrl_mount_point (const char *mountinfo, char *buf, size_t len,
                                struct ocirun_error *err);

#endif
