/*
 * oci-helper: a tiny static probe run inside containers by the ocirun
 * OCI conformance suite (tests/oci-conformance).  Every subcommand prints
 * exactly one line of JSON on stdout and exits 0 unless stated otherwise.
 *
 *   oci-helper info                 process view: ids, caps, ns, rlimits ...
 *   oci-helper mounts               /proc/self/mountinfo parsed
 *   oci-helper stat PATH...         lstat()+stat() of each path
 *   oci-helper read PATH...         content (up to 64 KiB) or errno
 *   oci-helper try-write PATH...    open(O_WRONLY|O_CREAT) + write, errno
 *   oci-helper try-open MODE PATH.. open with MODE r|w|rw, errno
 *   oci-helper try-exec PATH        fork+execve(PATH,"true"), errno/status
 *   oci-helper ls DIR...            directory entries
 *   oci-helper statfs PATH...       statfs() of each path
 *   oci-helper sysctl NAME...       /proc/sys values
 *   oci-helper syscall NAME ARG...  run one syscall, report ret/errno
 *   oci-helper mknod PATH c|b|p MAJ MIN
 *   oci-helper fork N               fork N pausing children, report how many
 * worked oci-helper devcheck PATH...     open O_RDWR, read 4 bytes, write 1
 * byte oci-helper write PATH TEXT      write TEXT to PATH (create/truncate)
 *   oci-helper wait-signal FILE     block until SIGUSR1/SIGTERM/SIGHUP/SIGINT,
 *                                   append the signal number to FILE, exit 0
 *   oci-helper pause                sleep forever
 *   oci-helper true                 exit 0
 *   oci-helper exit N               exit N
 *
 * Written for ocirun; standard C and Linux syscalls only.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* ---------- minimal JSON writer ---------- */
static int first_stack[64];
static int depth;

static void
sep (void)
{
  if (depth > 0)
    {
      if (!first_stack[depth])
        putchar (',');
      first_stack[depth] = 0;
    }
}
static void
jstr_raw (const char *s, size_t n)
{
  putchar ('"');
  for (size_t i = 0; i < n; i++)
    {
      unsigned char c = (unsigned char)s[i];
      switch (c)
        {
        case '"':
          fputs ("\\\"", stdout);
          break;
        case '\\':
          fputs ("\\\\", stdout);
          break;
        case '\n':
          fputs ("\\n", stdout);
          break;
        case '\t':
          fputs ("\\t", stdout);
          break;
        case '\r':
          fputs ("\\r", stdout);
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            printf ("\\u%04x", c);
          else
            putchar (c);
        }
    }
  putchar ('"');
}
/* value emitters: right after a key they must not print a comma */
static int after_key;
static void
vsep (void)
{
  if (after_key)
    {
      after_key = 0;
      return;
    }
  sep ();
}
static void
K (const char *k)
{
  vsep ();
  jstr_raw (k, strlen (k));
  putchar (':');
  after_key = 1;
}
static void
obj_begin (void)
{
  vsep ();
  putchar ('{');
  depth++;
  first_stack[depth] = 1;
}
static void
obj_end (void)
{
  depth--;
  putchar ('}');
}
static void
arr_begin (void)
{
  vsep ();
  putchar ('[');
  depth++;
  first_stack[depth] = 1;
}
static void
arr_end (void)
{
  depth--;
  putchar (']');
}
static void
vstr (const char *s)
{
  vsep ();
  if (s)
    jstr_raw (s, strlen (s));
  else
    fputs ("null", stdout);
}
static void
vstrn (const char *s, size_t n)
{
  vsep ();
  jstr_raw (s, n);
}
static void
vint (long long v)
{
  vsep ();
  printf ("%lld", v);
}
static void
vuint (unsigned long long v)
{
  vsep ();
  printf ("%llu", v);
}
static void
vbool (int b)
{
  vsep ();
  fputs (b ? "true" : "false", stdout);
}
static void
vnull (void)
{
  vsep ();
  fputs ("null", stdout);
}
static void
done (void)
{
  putchar ('\n');
  fflush (stdout);
}

/* ---------- helpers ---------- */
static char *
read_file (const char *path, size_t *len, int *err)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      *err = errno;
      return NULL;
    }
  size_t cap = 65536, n = 0;
  char *buf = malloc (cap + 1);
  for (;;)
    {
      ssize_t r = read (fd, buf + n, cap - n);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          *err = errno;
          close (fd);
          free (buf);
          return NULL;
        }
      if (r == 0)
        break;
      n += (size_t)r;
      if (n == cap)
        break;
    }
  close (fd);
  buf[n] = 0;
  *len = n;
  *err = 0;
  return buf;
}

static void
status_field (const char *status, const char *name, char *out, size_t outlen)
{
  out[0] = 0;
  size_t nl = strlen (name);
  const char *p = status;
  while (p && *p)
    {
      if (strncmp (p, name, nl) == 0 && p[nl] == ':')
        {
          p += nl + 1;
          while (*p == ' ' || *p == '\t')
            p++;
          size_t i = 0;
          while (p[i] && p[i] != '\n' && i + 1 < outlen)
            {
              out[i] = p[i];
              i++;
            }
          out[i] = 0;
          return;
        }
      p = strchr (p, '\n');
      if (p)
        p++;
    }
}

static const char *
ftype (mode_t m)
{
  if (S_ISREG (m))
    return "file";
  if (S_ISDIR (m))
    return "dir";
  if (S_ISCHR (m))
    return "chr";
  if (S_ISBLK (m))
    return "blk";
  if (S_ISFIFO (m))
    return "fifo";
  if (S_ISSOCK (m))
    return "sock";
  if (S_ISLNK (m))
    return "link";
  return "unknown";
}

static void
emit_stat (const struct stat *st)
{
  obj_begin ();
  K ("type");
  vstr (ftype (st->st_mode));
  K ("mode");
  vint (st->st_mode & 07777);
  K ("uid");
  vint (st->st_uid);
  K ("gid");
  vint (st->st_gid);
  K ("dev");
  vuint (st->st_dev);
  K ("ino");
  vuint (st->st_ino);
  K ("rdev_major");
  vint (major (st->st_rdev));
  K ("rdev_minor");
  vint (minor (st->st_rdev));
  K ("size");
  vint (st->st_size);
  obj_end ();
}

static const struct
{
  const char *name;
  int res;
} rlimits[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

static void
emit_file_or_null (const char *k, const char *path)
{
  size_t n;
  int err;
  char *s = read_file (path, &n, &err);
  K (k);
  if (s)
    {
      vstrn (s, n);
      free (s);
    }
  else
    {
      vnull ();
    }
}

/* ---------- subcommands ---------- */
static int
cmd_info (int argc, char **argv)
{
  (void)argc;
  (void)argv;
  char cwd[PATH_MAX];
  size_t n;
  int err;
  char *status = read_file ("/proc/self/status", &n, &err);
  char buf[256];

  obj_begin ();
  K ("pid");
  vint (getpid ());
  K ("ppid");
  vint (getppid ());
  K ("uid");
  vint (getuid ());
  K ("euid");
  vint (geteuid ());
  K ("gid");
  vint (getgid ());
  K ("egid");
  vint (getegid ());
  {
    gid_t groups[256];
    int ng = getgroups (256, groups);
    K ("groups");
    arr_begin ();
    for (int i = 0; i < ng; i++)
      vint (groups[i]);
    arr_end ();
  }
  {
    mode_t m = umask (0);
    umask (m);
    K ("umask");
    vint (m);
  }
  K ("cwd");
  vstr (getcwd (cwd, sizeof cwd) ? cwd : NULL);
  K ("argv");
  arr_begin ();
  for (char **a = argv - 2; *a; a++) /* argv points past "info" */
    vstr (*a);
  arr_end ();
  K ("env");
  arr_begin ();
  for (char **e = environ; e && *e; e++)
    vstr (*e);
  arr_end ();
  K ("caps");
  obj_begin ();
  {
    static const char *cf[]
        = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
    for (unsigned i = 0; i < 5; i++)
      {
        status_field (status ? status : "", cf[i], buf, sizeof buf);
        K (cf[i]);
        vstr (buf);
      }
  }
  obj_end ();
  status_field (status ? status : "", "NoNewPrivs", buf, sizeof buf);
  K ("no_new_privs");
  vint (atoi (buf));
  status_field (status ? status : "", "Seccomp", buf, sizeof buf);
  K ("seccomp");
  vint (atoi (buf));
  K ("prctl_no_new_privs");
  vint (prctl (PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  {
    struct utsname u;
    uname (&u);
    K ("hostname");
    vstr (u.nodename);
    K ("domainname");
    vstr (u.domainname);
    K ("machine");
    vstr (u.machine);
  }
  K ("rlimits");
  obj_begin ();
  for (unsigned i = 0; i < sizeof rlimits / sizeof rlimits[0]; i++)
    {
      struct rlimit rl;
      if (getrlimit (rlimits[i].res, &rl) == 0)
        {
          K (rlimits[i].name);
          arr_begin ();
          vuint (rl.rlim_cur);
          vuint (rl.rlim_max);
          arr_end ();
        }
    }
  obj_end ();
  K ("ns");
  obj_begin ();
  {
    static const char *nss[] = { "cgroup", "ipc",
                                 "mnt",    "net",
                                 "pid",    "pid_for_children",
                                 "time",   "time_for_children",
                                 "user",   "uts" };
    for (unsigned i = 0; i < sizeof nss / sizeof nss[0]; i++)
      {
        char p[64];
        struct stat st;
        snprintf (p, sizeof p, "/proc/self/ns/%s", nss[i]);
        K (nss[i]);
        if (stat (p, &st) == 0)
          vuint (st.st_ino);
        else
          vnull ();
      }
  }
  obj_end ();
  emit_file_or_null ("cgroup", "/proc/self/cgroup");
  emit_file_or_null ("oom_score_adj", "/proc/self/oom_score_adj");
  emit_file_or_null ("uid_map", "/proc/self/uid_map");
  emit_file_or_null ("gid_map", "/proc/self/gid_map");
  emit_file_or_null ("setgroups", "/proc/self/setgroups");
  emit_file_or_null ("timens_offsets", "/proc/self/timens_offsets");
  K ("fds");
  arr_begin ();
  {
    DIR *d = opendir ("/proc/self/fd");
    if (d)
      {
        int self = dirfd (d);
        struct dirent *de;
        while ((de = readdir (d)))
          {
            if (de->d_name[0] == '.')
              continue;
            int fd = atoi (de->d_name);
            if (fd == self)
              continue;
            vint (fd);
          }
        closedir (d);
      }
  }
  arr_end ();
  K ("fd_targets");
  obj_begin ();
  for (int fd = 0; fd < 3; fd++)
    {
      char p[64], t[PATH_MAX];
      snprintf (p, sizeof p, "/proc/self/fd/%d", fd);
      ssize_t l = readlink (p, t, sizeof t - 1);
      char k[8];
      snprintf (k, sizeof k, "%d", fd);
      K (k);
      if (l >= 0)
        vstrn (t, (size_t)l);
      else
        vnull ();
    }
  obj_end ();
  K ("isatty");
  arr_begin ();
  for (int fd = 0; fd < 3; fd++)
    vbool (isatty (fd));
  arr_end ();
  {
    struct stat st;
    K ("stdin_stat");
    if (fstat (0, &st) == 0)
      emit_stat (&st);
    else
      vnull ();
  }
  {
    struct winsize ws;
    K ("winsize");
    if (ioctl (0, TIOCGWINSZ, &ws) == 0)
      {
        obj_begin ();
        K ("rows");
        vint (ws.ws_row);
        K ("cols");
        vint (ws.ws_col);
        obj_end ();
      }
    else
      {
        vnull ();
      }
  }
  K ("sched_policy");
  vint (sched_getscheduler (0));
  errno = 0;
  {
    int nice = getpriority (PRIO_PROCESS, 0);
    K ("nice");
    vint (errno ? -1000 : nice);
  }
  K ("ioprio");
  vint (syscall (SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0));
  K ("personality");
  vint (syscall (SYS_personality, 0xffffffffUL));
  {
    int mode = -1;
    unsigned long mask[16] = { 0 };
    long r = syscall (SYS_get_mempolicy, &mode, mask, sizeof (mask) * 8, NULL,
                      0UL);
    K ("mempolicy");
    vint (r == 0 ? mode : -1000 - errno);
    K ("mempolicy_nodes");
    vuint (r == 0 ? mask[0] : 0);
  }
  K ("affinity");
  arr_begin ();
  {
    cpu_set_t set;
    CPU_ZERO (&set);
    if (sched_getaffinity (0, sizeof set, &set) == 0)
      for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET (c, &set))
          vint (c);
  }
  arr_end ();
  {
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    K ("monotonic");
    vint (ts.tv_sec);
    clock_gettime (CLOCK_BOOTTIME, &ts);
    K ("boottime");
    vint (ts.tv_sec);
  }
  {
    sigset_t blocked;
    sigprocmask (SIG_BLOCK, NULL, &blocked);
    K ("sigblocked");
    arr_begin ();
    for (int s = 1; s < 65; s++)
      if (sigismember (&blocked, s) == 1)
        vint (s);
    arr_end ();
    K ("sigignored");
    arr_begin ();
    for (int s = 1; s < 65; s++)
      {
        struct sigaction sa;
        if (sigaction (s, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
          vint (s);
      }
    arr_end ();
  }
  obj_end ();
  done ();
  free (status);
  return 0;
}

static void
unescape_octal (char *s)
{
  char *o = s;
  while (*s)
    {
      if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] && s[3])
        {
          *o++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3)
                        | (s[3] - '0'));
          s += 4;
        }
      else
        {
          *o++ = *s++;
        }
    }
  *o = 0;
}

static int
cmd_mounts (int argc, char **argv)
{
  (void)argc;
  (void)argv;
  size_t n;
  int err;
  char *mi = read_file ("/proc/self/mountinfo", &n, &err);
  arr_begin ();
  char *save = NULL;
  for (char *line = mi ? strtok_r (mi, "\n", &save) : NULL; line;
       line = strtok_r (NULL, "\n", &save))
    {
      char *f[64];
      int nf = 0;
      char *s2 = NULL;
      for (char *t = strtok_r (line, " ", &s2); t && nf < 64;
           t = strtok_r (NULL, " ", &s2))
        f[nf++] = t;
      if (nf < 7)
        continue;
      int dash = -1;
      for (int i = 6; i < nf; i++)
        if (strcmp (f[i], "-") == 0)
          {
            dash = i;
            break;
          }
      if (dash < 0 || dash + 2 >= nf)
        continue;
      obj_begin ();
      K ("id");
      vint (atoi (f[0]));
      K ("parent");
      vint (atoi (f[1]));
      K ("devno");
      vstr (f[2]);
      unescape_octal (f[3]);
      unescape_octal (f[4]);
      K ("root");
      vstr (f[3]);
      K ("mountpoint");
      vstr (f[4]);
      K ("options");
      vstr (f[5]);
      K ("optional");
      arr_begin ();
      for (int i = 6; i < dash; i++)
        vstr (f[i]);
      arr_end ();
      K ("fstype");
      vstr (f[dash + 1]);
      K ("source");
      vstr (f[dash + 2]);
      K ("superopts");
      vstr (dash + 3 < nf ? f[dash + 3] : "");
      obj_end ();
    }
  arr_end ();
  done ();
  free (mi);
  return 0;
}

static int
cmd_stat (int argc, char **argv)
{
  obj_begin ();
  for (int i = 0; i < argc; i++)
    {
      struct stat st;
      K (argv[i]);
      obj_begin ();
      if (lstat (argv[i], &st) != 0)
        {
          K ("exists");
          vbool (0);
          K ("errno");
          vint (errno);
        }
      else
        {
          K ("exists");
          vbool (1);
          K ("lstat");
          emit_stat (&st);
          if (S_ISLNK (st.st_mode))
            {
              char t[PATH_MAX];
              ssize_t l = readlink (argv[i], t, sizeof t - 1);
              K ("target");
              if (l >= 0)
                vstrn (t, (size_t)l);
              else
                vnull ();
            }
          K ("stat");
          if (stat (argv[i], &st) == 0)
            emit_stat (&st);
          else
            vnull ();
        }
      obj_end ();
    }
  obj_end ();
  done ();
  return 0;
}

static int
cmd_read (int argc, char **argv)
{
  obj_begin ();
  for (int i = 0; i < argc; i++)
    {
      size_t n = 0;
      int err = 0;
      char *s = read_file (argv[i], &n, &err);
      K (argv[i]);
      obj_begin ();
      K ("errno");
      vint (s ? 0 : err);
      K ("data");
      if (s)
        vstrn (s, n);
      else
        vnull ();
      K ("len");
      vint (s ? (long long)n : -1);
      obj_end ();
      free (s);
    }
  obj_end ();
  done ();
  return 0;
}

static int
cmd_try_write (int argc, char **argv)
{
  obj_begin ();
  for (int i = 0; i < argc; i++)
    {
      int e = 0;
      int fd = open (argv[i], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0)
        {
          e = errno;
        }
      else
        {
          if (write (fd, "x", 1) != 1)
            e = errno;
          close (fd);
        }
      K (argv[i]);
      vint (e);
    }
  obj_end ();
  done ();
  return 0;
}

static int
cmd_try_open (int argc, char **argv)
{
  if (argc < 1)
    return 2;
  int flags = O_RDONLY;
  if (strcmp (argv[0], "w") == 0)
    flags = O_WRONLY;
  else if (strcmp (argv[0], "rw") == 0)
    flags = O_RDWR;
  obj_begin ();
  for (int i = 1; i < argc; i++)
    {
      int fd = open (argv[i], flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
      K (argv[i]);
      if (fd < 0)
        {
          vint (errno);
        }
      else
        {
          vint (0);
          close (fd);
        }
    }
  obj_end ();
  done ();
  return 0;
}

static int
cmd_try_exec (int argc, char **argv)
{
  if (argc < 1)
    return 2;
  int p[2];
  if (pipe2 (p, O_CLOEXEC) != 0)
    return 2;
  pid_t pid = fork ();
  if (pid == 0)
    {
      char *args[] = { argv[0], (char *)"true", NULL };
      execve (argv[0], args, environ);
      int e = errno;
      if (write (p[1], &e, sizeof e) < 0)
        _exit (126);
      _exit (127);
    }
  close (p[1]);
  int e = 0;
  if (read (p[0], &e, sizeof e) != sizeof e)
    e = 0;
  int st = 0;
  waitpid (pid, &st, 0);
  obj_begin ();
  K ("errno");
  vint (e);
  K ("exit");
  vint (WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st));
  obj_end ();
  done ();
  return 0;
}

static int
cmd_ls (int argc, char **argv)
{
  obj_begin ();
  for (int i = 0; i < argc; i++)
    {
      K (argv[i]);
      DIR *d = opendir (argv[i]);
      if (!d)
        {
          obj_begin ();
          K ("errno");
          vint (errno);
          obj_end ();
          continue;
        }
      obj_begin ();
      K ("errno");
      vint (0);
      K ("entries");
      arr_begin ();
      struct dirent *de;
      while ((de = readdir (d)))
        if (strcmp (de->d_name, ".") && strcmp (de->d_name, ".."))
          vstr (de->d_name);
      arr_end ();
      obj_end ();
      closedir (d);
    }
  obj_end ();
  done ();
  return 0;
}

static int
cmd_statfs (int argc, char **argv)
{
  obj_begin ();
  for (int i = 0; i < argc; i++)
    {
      struct statfs sf;
      K (argv[i]);
      obj_begin ();
      if (statfs (argv[i], &sf) != 0)
        {
          K ("errno");
          vint (errno);
        }
      else
        {
          K ("errno");
          vint (0);
          K ("type");
          vuint ((unsigned long)sf.f_type);
          K ("bsize");
          vuint ((unsigned long)sf.f_bsize);
          K ("blocks");
          vuint (sf.f_blocks);
          K ("bytes");
          vuint ((unsigned long long)sf.f_blocks
                 * (unsigned long long)sf.f_bsize);
          K ("flags");
          vuint ((unsigned long)sf.f_flags);
        }
      obj_end ();
    }
  obj_end ();
  done ();
  return 0;
}

static int
cmd_sysctl (int argc, char **argv)
{
  obj_begin ();
  for (int i = 0; i < argc; i++)
    {
      char p[PATH_MAX];
      snprintf (p, sizeof p, "/proc/sys/%s", argv[i]);
      for (char *c = p + 10; *c; c++)
        if (*c == '.')
          *c = '/';
      size_t n;
      int err;
      char *s = read_file (p, &n, &err);
      K (argv[i]);
      if (s)
        {
          while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
            n--;
          vstrn (s, n);
        }
      else
        {
          vnull ();
        }
      free (s);
    }
  obj_end ();
  done ();
  return 0;
}

static unsigned long
num (const char *s)
{
  return strtoul (s, NULL, 0);
}

static int
cmd_syscall (int argc, char **argv)
{
  if (argc < 1)
    return 2;
  const char *n = argv[0];
  long r = -1;
  errno = 0;
#define A(i) (argc > (i) ? argv[i] : "")
  if (!strcmp (n, "mkdir"))
    r = syscall (SYS_mkdir, A (1), 0755);
  else if (!strcmp (n, "mkdirat"))
    r = syscall (SYS_mkdirat, AT_FDCWD, A (1), 0755);
  else if (!strcmp (n, "rmdir"))
    r = syscall (SYS_rmdir, A (1));
  else if (!strcmp (n, "chmod"))
    r = syscall (SYS_chmod, A (1), num (A (2)));
  else if (!strcmp (n, "chown"))
    r = syscall (SYS_chown, A (1), num (A (2)), num (A (3)));
  else if (!strcmp (n, "personality"))
    r = syscall (SYS_personality, num (A (1)));
  else if (!strcmp (n, "sethostname"))
    r = syscall (SYS_sethostname, A (1), strlen (A (1)));
  else if (!strcmp (n, "unshare"))
    r = syscall (SYS_unshare, num (A (1)));
  else if (!strcmp (n, "chroot"))
    r = syscall (SYS_chroot, A (1));
  else if (!strcmp (n, "getpid"))
    r = syscall (SYS_getpid);
  else if (!strcmp (n, "setuid"))
    r = syscall (SYS_setuid, num (A (1)));
  else if (!strcmp (n, "kill"))
    r = syscall (SYS_kill, (pid_t)atoi (A (1)), atoi (A (2)));
  else if (!strcmp (n, "nr"))
    {
      unsigned long a[6] = { 0 };
      for (int i = 0; i < 6 && i + 2 < argc; i++)
        a[i] = num (argv[i + 2]);
      r = syscall ((long)num (A (1)), a[0], a[1], a[2], a[3], a[4], a[5]);
    }
  else
    {
      fprintf (stderr, "unknown syscall %s\n", n);
      return 2;
    }
#undef A
  int e = r < 0 ? errno : 0;
  obj_begin ();
  K ("ret");
  vint (r);
  K ("errno");
  vint (e);
  obj_end ();
  done ();
  return 0;
}

static int
cmd_mknod (int argc, char **argv)
{
  if (argc < 2)
    return 2;
  mode_t t = argv[1][0] == 'b'   ? S_IFBLK
             : argv[1][0] == 'p' ? S_IFIFO
                                 : S_IFCHR;
  dev_t d = argc >= 4 ? makedev (atoi (argv[2]), atoi (argv[3])) : 0;
  int r = mknod (argv[0], t | 0666, d);
  obj_begin ();
  K ("errno");
  vint (r < 0 ? errno : 0);
  obj_end ();
  done ();
  return 0;
}

static int
cmd_write (int argc, char **argv)
{
  if (argc < 2)
    return 2;
  int fd = open (argv[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int e = 0;
  if (fd < 0)
    e = errno;
  else
    {
      if (write (fd, argv[1], strlen (argv[1])) < 0)
        e = errno;
      close (fd);
    }
  obj_begin ();
  K ("errno");
  vint (e);
  obj_end ();
  done ();
  return e ? 1 : 0;
}

static int
cmd_wait_signal (int argc, char **argv)
{
  if (argc < 1)
    return 2;
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, SIGUSR1);
  sigaddset (&set, SIGUSR2);
  sigaddset (&set, SIGTERM);
  sigaddset (&set, SIGHUP);
  sigaddset (&set, SIGINT);
  sigprocmask (SIG_BLOCK, &set, NULL);
  /* tell the world we are ready */
  char ready[PATH_MAX];
  snprintf (ready, sizeof ready, "%s.ready", argv[0]);
  int rfd = open (ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (rfd >= 0)
    close (rfd);
  int sig = 0;
  if (sigwait (&set, &sig) != 0)
    return 3;
  int fd = open (argv[0], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd >= 0)
    {
      char b[32];
      int l = snprintf (b, sizeof b, "%d\n", sig);
      if (write (fd, b, (size_t)l) < 0)
        sig = 0;
      close (fd);
    }
  return 0;
}

static int
cmd_devcheck (int argc, char **argv)
{
  obj_begin ();
  for (int i = 0; i < argc; i++)
    {
      K (argv[i]);
      obj_begin ();
      int fd = open (argv[i], O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
      K ("open_errno");
      vint (fd < 0 ? errno : 0);
      if (fd >= 0)
        {
          unsigned char b[4] = { 0xaa, 0xaa, 0xaa, 0xaa };
          ssize_t r = read (fd, b, sizeof b);
          K ("read_errno");
          vint (r < 0 ? errno : 0);
          K ("read_len");
          vint (r);
          char hex[16] = "";
          for (ssize_t j = 0; j < r && j < 4; j++)
            snprintf (hex + 2 * j, 3, "%02x", b[j]);
          K ("read_hex");
          vstr (hex);
          ssize_t w = write (fd, "x", 1);
          K ("write_errno");
          vint (w < 0 ? errno : 0);
          close (fd);
        }
      obj_end ();
    }
  obj_end ();
  done ();
  return 0;
}

static int
cmd_fork (int argc, char **argv)
{
  int n = argc > 0 ? atoi (argv[0]) : 1, ok = 0, e = 0;
  pid_t pids[256];
  for (int i = 0; i < n && i < 256; i++)
    {
      pid_t p = fork ();
      if (p == 0)
        {
          pause ();
          _exit (0);
        }
      if (p < 0)
        {
          e = errno;
          break;
        }
      pids[ok++] = p;
    }
  for (int i = 0; i < ok; i++)
    {
      kill (pids[i], SIGKILL);
      waitpid (pids[i], NULL, 0);
    }
  obj_begin ();
  K ("forked");
  vint (ok);
  K ("errno");
  vint (e);
  obj_end ();
  done ();
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "usage: oci-helper SUBCOMMAND [ARGS...]\n");
      return 2;
    }
  const char *c = argv[1];
  int ac = argc - 2;
  char **av = argv + 2;
  if (!strcmp (c, "info"))
    return cmd_info (ac, av);
  if (!strcmp (c, "mounts"))
    return cmd_mounts (ac, av);
  if (!strcmp (c, "stat"))
    return cmd_stat (ac, av);
  if (!strcmp (c, "read"))
    return cmd_read (ac, av);
  if (!strcmp (c, "try-write"))
    return cmd_try_write (ac, av);
  if (!strcmp (c, "try-open"))
    return cmd_try_open (ac, av);
  if (!strcmp (c, "try-exec"))
    return cmd_try_exec (ac, av);
  if (!strcmp (c, "ls"))
    return cmd_ls (ac, av);
  if (!strcmp (c, "statfs"))
    return cmd_statfs (ac, av);
  if (!strcmp (c, "sysctl"))
    return cmd_sysctl (ac, av);
  if (!strcmp (c, "syscall"))
    return cmd_syscall (ac, av);
  if (!strcmp (c, "mknod"))
    return cmd_mknod (ac, av);
  if (!strcmp (c, "devcheck"))
    return cmd_devcheck (ac, av);
  if (!strcmp (c, "fork"))
    return cmd_fork (ac, av);
  if (!strcmp (c, "write"))
    return cmd_write (ac, av);
  if (!strcmp (c, "wait-signal"))
    return cmd_wait_signal (ac, av);
  if (!strcmp (c, "pause"))
    {
      for (;;)
        pause ();
    }
  if (!strcmp (c, "true"))
    return 0;
  if (!strcmp (c, "exit"))
    return argc > 2 ? atoi (argv[2]) : 0;
  fprintf (stderr, "oci-helper: unknown subcommand %s\n", c);
  return 2;
}
