/* ofile.h: output files that appear whole or not at all.
 *
 * ofile_open() creates a temporary file beside PATH; ofile_close() flushes
 * and checks fclose (a full disk shows here) but leaves the file temporary;
 * ofile_commit() closes if needed and renames it into place; ofile_abort()
 * removes it. Until commit or abort the temporary name is registered so
 * that a signal whose default action ends the process (SIGINT, SIGTERM,
 * SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, ...; all but SIGKILL) removes it before
 * the process dies the same way. ofile_signals() installs the handlers,
 * once, for the signals whose action is still the default (an ignored
 * SIGHUP or SIGPIPE stays ignored); ofile_open() calls it. Close, then
 * print results, then commit: a run whose results cannot be printed leaves
 * no file either. An existing PATH is untouched until a successful commit;
 * a symbolic link is followed (the file it names is replaced, the link
 * stays). A PATH that is the same regular file as stdout is refused
 * (ES_EINPUT): the results printed there would be lost. A PATH that is not
 * a regular file (/dev/stdout on a terminal or pipe, /dev/full, a FIFO) is
 * written in place; tmp is then "". After a failure everything is already
 * removed.
 */
#ifndef ES_OFILE_H
#define ES_OFILE_H

#include <stdio.h>

#include "err.h"

typedef struct ofile {
  FILE *f;
  char path[2048];
  char tmp[2100]; /* the temporary file while it exists, else "" */
  int slot;       /* index in the signal handler's table, -1 if none */
} ofile;

int ofile_open(ofile *o, const char *path, es_err *e);
/* The checks of ofile_open() without creating anything (--validate): the
 * same ES_EINPUT messages for an empty or too long path, a directory,
 * stdout's own file, a folder that does not exist or cannot be written. */
int ofile_check(const char *path, es_err *e);
int ofile_close(ofile *o, es_err *e);
int ofile_commit(ofile *o, es_err *e);
void ofile_abort(ofile *o);
void ofile_signals(void);

#endif
