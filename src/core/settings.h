/* settings.h: where an instance keeps its data, and its limits.
 *
 * Everything comes from the environment once per process (PORTAL_DATA,
 * PORTAL_MAX_UPLOAD, PORTAL_SEARCH_CACHE); the result is a process-lifetime object. Layout under
 * the data directory:
 *   index/portal.db   SQLite (WAL)         index/xapian/  the Xapian database
 *   index/run/        sockets, pids, nginx.conf, nginx temp files
 *   index/log/        one log file per program
 *   uploads/aa/bbbb…  original bytes by SHA-256    uploads/tmp/  in progress */
#ifndef PORTAL_SETTINGS_H
#define PORTAL_SETTINGS_H

struct portal_settings {
	const char *data_dir;
	const char *index_dir;
	const char *db_path;
	const char *xapian_path;
	const char *uploads_dir;
	const char *upload_tmp;
	const char *run_dir;
	unsigned long long max_upload;	/* bytes */
	unsigned long search_cache;	/* searches kept per search worker; 0 = none */
	/* PORTAL_ROLE=search-host: this machine holds a replica of the
	 * primary's index in index/xapian and no SQLite; search.fcgi answers
	 * anonymous searches and public documents from the index alone
	 * (cgi-bin/search-host.c, doc/scaling.md). 0 on the primary. */
	int search_host;
};

/* The settings of this process, read on first call. PORTAL_DATA defaults to
 * the current directory. A PORTAL_MAX_UPLOAD that is not a positive number is
 * fatal (the ops script validates it first), and so is a PORTAL_SEARCH_CACHE
 * that is not a number (default 256), and a PORTAL_ROLE other than
 * "primary" or "search-host". */
const struct portal_settings *portal_settings(void);

/* Build the object path for a hex SHA-256 into out (size >= PATH_MAX). */
void portal_object_path(const char *sha256_hex, char *out, unsigned long outlen);

#endif
