/* fcgi-master.h: the run loop shared by every FastCGI program.
 *
 * With PORTAL_SOCKET set, the program listens on that unix socket (mode
 * 0660, group PORTAL_SOCKET_GROUP when given), pre-forks PORTAL_WORKERS
 * workers (default 2) that accept on it, and stays as their master: a worker
 * that dies is replaced; SIGTERM or SIGINT stops the workers and the master;
 * SIGHUP reloads gracefully (new workers start, the old ones get SIGUSR1,
 * finish the request in hand and exit; after 30 s they are stopped).
 * A worker that is idle when it gets SIGTERM or SIGUSR1 leaves with exit(),
 * so atexit handlers run (LeakSanitizer's check under --enable-asan); one
 * that is serving dies at once on SIGTERM.
 * Each worker opens its own SQLite connection after fork() and calls
 * worker_init for any other process-lifetime handle (Xapian, libmagic).
 *
 * Per request: a fresh arena, the environment copied into it, the caller
 * resolved from the Authorization header (an invalid token answers 401
 * before any page runs), then the page table, then one response. */
#ifndef PORTAL_FCGI_MASTER_H
#define PORTAL_FCGI_MASTER_H

#include <stddef.h>

struct page;

struct fcgi_program {
	const char *name;
	const struct page *pages;
	size_t npages;
	void (*worker_init)(void);	/* may be NULL */
	/* A program that opens no SQLite (a search host's search.fcgi, an
	 * extraction host's extract.fcgi): its requests have r->db NULL and
	 * an anonymous caller, and its pages check their callers themselves;
	 * a request carrying a bearer token is answered 421 (it belongs on
	 * the primary), and cookies are not read. */
	int no_db;
};

/* Never returns on success; returns 1 (an exit status) when it cannot start. */
int portal_fcgi_main(const struct fcgi_program *prog);

#endif
