/* portalctl.h: subcommands of portalctl that live in their own files. */
#ifndef PORTALCTL_H
#define PORTALCTL_H

#include <sqlite3.h>

/* portalctl import [--public] [--no-wait] DIR: see import.c. Returns the
 * exit status. */
int portalctl_import(sqlite3 *db, int argc, char **argv);

#endif
