/* ofile.h: output files that appear whole or not at all.
 *
 * ofile_open() creates a temporary file beside PATH; ofile_commit() flushes,
 * checks fclose and renames it into place; ofile_abort() removes it. While
 * open, the temporary name is registered so that SIGINT or SIGTERM removes
 * it before the process dies (ofile_signals() installs the handlers).
 * An existing PATH is untouched until a successful commit. A PATH that is
 * not a regular file (/dev/stdout, /dev/full, a FIFO) is written in place;
 * tmp is then "".
 */
#ifndef ES_OFILE_H
#define ES_OFILE_H

#include <stdio.h>

#include "err.h"

typedef struct ofile {
  FILE *f;
  char path[2048];
  char tmp[2100];
  int slot; /* index in the signal handler's table, -1 if none */
} ofile;

int ofile_open(ofile *o, const char *path, es_err *e);
int ofile_commit(ofile *o, es_err *e);
void ofile_abort(ofile *o);
void ofile_signals(void);

#endif
