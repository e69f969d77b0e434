/* realpath() is XSI */
#define _XOPEN_SOURCE 700
#include "ofile.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_OPEN 16
static char g_tmp[MAX_OPEN][2100]; /* "" where free; read by the handler */
static volatile sig_atomic_t g_used[MAX_OPEN];
static sigset_t g_handled; /* the signals on_signal() handles */
static int g_installed;

/* Every signal whose default action ends the process (SIGKILL and SIGSTOP
 * cannot be caught), the real-time signals follow. */
static const int FATAL[] = {
    SIGHUP,    SIGINT,  SIGQUIT, SIGILL,  SIGTRAP, SIGABRT, SIGBUS,    SIGFPE,  SIGUSR1, SIGSEGV,
    SIGUSR2,   SIGPIPE, SIGALRM, SIGTERM, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGPOLL, SIGSYS,
#ifdef SIGSTKFLT
    SIGSTKFLT,
#endif
#ifdef SIGPWR
    SIGPWR,
#endif
};

static void on_signal(int sig) {
  for (int i = 0; i < MAX_OPEN; i++)
    if (g_used[i])
      unlink(g_tmp[i]);
  signal(sig, SIG_DFL);
  raise(sig); /* delivered when the handler returns: the default action */
}

static void install(int sig, const struct sigaction *sa) {
  struct sigaction old;
  /* Only where the default action applies: a signal the parent ignored
   * (nohup's SIGHUP, SIGPIPE) stays ignored, and a handler already there
   * (the sanitizers' SIGSEGV) stays. */
  if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
      !(old.sa_flags & SA_SIGINFO) && sigaction(sig, sa, NULL) == 0)
    sigaddset(&g_handled, sig);
}

void ofile_signals(void) {
  if (g_installed)
    return;
  g_installed = 1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigemptyset(&g_handled);
  for (size_t i = 0; i < sizeof FATAL / sizeof *FATAL; i++)
    install(FATAL[i], &sa);
  for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
    install(sig, &sa);
}

/* The same file as stdout: renaming over it, or writing it, would destroy
 * the results printed there (`--timeseries out.txt > out.txt`, or
 * `--timeseries /dev/stdout > out.txt`). */
static int is_stdout(const struct stat *st) {
  struct stat so;
  return fstat(STDOUT_FILENO, &so) == 0 && S_ISREG(so.st_mode) && so.st_dev == st->st_dev &&
         so.st_ino == st->st_ino;
}

/* Resolves and checks the target: o->path is PATH, or the file a symbolic
 * link names; *kind is 0 (does not exist), 'r' (a regular file) or 'o' (a
 * device or pipe). */
static int target(ofile *o, const char *path, int *kind, es_err *e) {
  const char *given = path;
  memset(o, 0, sizeof *o);
  o->slot = -1;
  if (!*path)
    return es_fail(e, ES_EINPUT, "edgesim: empty output file name");
  if (strlen(path) >= sizeof o->path)
    return es_fail(e, ES_EINPUT, "%s: path is too long", path);
  snprintf(o->path, sizeof o->path, "%s", path);
  struct stat st;
  char real[PATH_MAX];
  /* A symbolic link keeps pointing where it did: the file it names is the
   * one replaced (renaming over the link would replace the link itself). */
  if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path, real)) {
    if (strlen(real) >= sizeof o->path)
      return es_fail(e, ES_EINPUT, "%s: path is too long", path);
    snprintf(o->path, sizeof o->path, "%s", real);
    path = o->path;
  }
  *kind = stat(path, &st) != 0 ? 0 : S_ISREG(st.st_mode) ? 'r' : 'o';
  if (*kind && S_ISDIR(st.st_mode))
    return es_fail(e, ES_EINPUT, "%s: is a directory", path);
  if (*kind && is_stdout(&st))
    return es_fail(e, ES_EINPUT,
                   "%s: is the same file as stdout, where the results go; give it another file",
                   given);
  return 0;
}

int ofile_check(const char *path, es_err *e) {
  ofile o;
  int kind;
  if (target(&o, path, &kind, e))
    return e->code;
  if (kind == 'o')
    return access(o.path, W_OK)
               ? es_fail(e, ES_EINPUT, "%s: cannot open: %s", o.path, strerror(errno))
               : 0;
  char dir[sizeof o.path];
  const char *slash = strrchr(o.path, '/');
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - o.path) + 1 : 1, slash ? o.path : ".");
  if (access(dir, W_OK | X_OK))
    return es_fail(e, ES_EINPUT, "%s: cannot create: %s", o.path, strerror(errno));
  return 0;
}

int ofile_open(ofile *o, const char *path, es_err *e) {
  int kind;
  if (target(o, path, &kind, e))
    return e->code;
  path = o->path;
  ofile_signals();
  if (kind == 'o') {
    /* A device or pipe (/dev/stdout, /dev/full, a FIFO): written in place,
     * since a temporary file renamed over it would replace the device. */
    if (!(o->f = fopen(path, "w")))
      return es_fail(e, ES_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    return 0;
  }
  /* ".NAME.XXXXXX" beside it, NAME cut to 200 bytes so that the temporary
   * name stays within NAME_MAX (255) whenever the target's name does */
  const char *slash = strrchr(path, '/');
  if (slash)
    snprintf(o->tmp, sizeof o->tmp, "%.*s/.%.200s.XXXXXX", (int)(slash - path), path, slash + 1);
  else
    snprintf(o->tmp, sizeof o->tmp, ".%.200s.XXXXXX", path);
  /* No signal between creating the file and registering it for removal. */
  sigset_t old;
  pthread_sigmask(SIG_BLOCK, &g_handled, &old);
  int fd = mkstemp(o->tmp);
  if (fd < 0) {
    int err = errno;
    o->tmp[0] = 0; /* no temporary file */
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return es_fail(e, ES_EINPUT, "%s: cannot create: %s", path, strerror(err));
  }
  /* mkstemp() makes the file 0600; give it the mode fopen() would have
   * (0666 less the umask), since it replaces the target. umask() can only be
   * read by setting it: done here, on the thread that opens output files. */
  mode_t mask = umask(077);
  umask(mask);
  if (fchmod(fd, 0666 & ~mask) != 0 || !(o->f = fdopen(fd, "w"))) {
    int err = errno;
    close(fd);
    unlink(o->tmp);
    o->tmp[0] = 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return es_fail(e, ES_ERUNTIME, "%s: cannot open: %s", path, strerror(err));
  }
  for (int i = 0; i < MAX_OPEN; i++)
    if (!g_used[i]) {
      memcpy(g_tmp[i], o->tmp, sizeof g_tmp[i]);
      g_used[i] = 1;
      o->slot = i;
      break;
    }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return 0;
}

static void release(ofile *o) {
  if (o->slot >= 0)
    g_used[o->slot] = 0;
  o->slot = -1;
  o->f = NULL;
  o->tmp[0] = 0;
}

int ofile_close(ofile *o, es_err *e) {
  if (!o->f)
    return 0;
  int bad = fflush(o->f) != 0 || ferror(o->f);
  int err = errno;
  if (fclose(o->f) != 0 && !bad)
    bad = 1, err = errno;
  o->f = NULL; /* the temporary file (tmp) stays until commit or abort */
  if (bad) {
    ofile_abort(o);
    return es_fail(e, ES_ERUNTIME, "%s: write failed: %s", o->path, strerror(err));
  }
  return 0;
}

int ofile_commit(ofile *o, es_err *e) {
  if (!o->f && !o->tmp[0]) /* never opened, or already done */
    return 0;
  if (ofile_close(o, e))
    return e->code;
  if (o->tmp[0] && rename(o->tmp, o->path) != 0) {
    int err = errno;
    ofile_abort(o);
    return es_fail(e, ES_ERUNTIME, "%s: write failed: %s", o->path, strerror(err));
  }
  release(o);
  return 0;
}

void ofile_abort(ofile *o) {
  if (!o->f && !o->tmp[0])
    return;
  if (o->f)
    fclose(o->f);
  if (o->tmp[0])
    unlink(o->tmp);
  release(o);
}
