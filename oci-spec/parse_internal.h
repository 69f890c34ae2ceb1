/* parse_internal.h - object parsers shared between the oci-spec parse
 * files (config, process, resources, linux).  Internal to oci-spec/. */
#ifndef OCI_SPEC_PARSE_INTERNAL_H
#define OCI_SPEC_PARSE_INTERNAL_H

#include "oci-spec/config.h"
#include "oci-spec/parse_ctx.h"

/* p_object_fn callbacks: dst points at the zeroed target struct. */
int oci_parse_process_obj (struct pctx *p, const struct oci_json *o,
                           void *dst);
int oci_parse_resources_obj (struct pctx *p, const struct oci_json *o,
                             void *dst);
int oci_parse_linux_obj (struct pctx *p, const struct oci_json *o, void *dst);
int oci_parse_id_mapping_obj (struct pctx *p, const struct oci_json *o,
                              void *dst);

/* Parse a whole document whose top level must be an object, then run
 * fill on it.  Shared by every *_parse_data entry point. */
int oci_parse_document (const char *buf, size_t len, const char *file,
                        struct ocirun_error *err, p_object_fn fill, void *dst);

/* Value lists the spec fixes; NULL-terminated. */
extern const char *const oci_seccomp_arch_names[];
extern const char *const oci_seccomp_flag_names[];
extern const char *const oci_seccomp_action_names_list[];
extern const char *const oci_seccomp_operator_names_list[];
extern const char *const oci_namespace_names_list[];

#endif
