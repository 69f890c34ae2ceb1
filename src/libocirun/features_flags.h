/* features_flags.h - the compile-time feature line of `ocirun --version`. */
#ifndef OCIRUN_FEATURES_FLAGS_H
#define OCIRUN_FEATURES_FLAGS_H

#define OCIRUN_FEATURE_LINE                                                   \
  "+SECCOMP +SELINUX +APPARMOR +CAP +YAJL +NL +CGROUP +IDMAP"

#endif
