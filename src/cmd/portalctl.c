/* portalctl.c: the operator's tool for one instance (PORTAL_DATA).
 *
 *   portalctl init                       create the database and the index
 *   portalctl user add NAME --role ROLE [--enterprise ID] [--agency ID]
 *                                       [--district 朝阳区] [--sector industry]
 *   portalctl user passwd|disable|enable NAME
 *   portalctl users from-year FILE.csv   enterprise accounts for a year (users-csv.c)
 *   portalctl token create NAME [--days N]   print a new bearer token
 *   portalctl token list NAME            its public ids, created, expires
 *   portalctl token revoke NAME|TOKEN|ID all of a user's tokens, or one
 *   portalctl import [--public] [--no-wait] DIR   every file below DIR (import.c)
 *   portalctl fsck                       SQLite, index and uploads agree?
 *   portalctl reindex | editions | compact | backup DIR | restore DIR   (maintain.c)
 *   portalctl stats                      counts by status, long jobs and their pages
 * Exit status 0 on success, 1 on failure, 2 on a usage error. */
#include "portalctl.h"
#include "arena.h"
#include "auth.h"
#include "db.h"
#include "jobs.h"
#include "detect.h"
#include "docs.h"
#include "extract.h"
#include "log.h"
#include "records-cmd.h"
#include "session.h"
#include "index-dir.h"
#include "index.h"
#include "settings.h"
#include "synonyms.h"
#include "store.h"
#include "xap.h"

#include <dirent.h>
#include <sodium.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static sqlite3 *db;
static char err[1024];

static int usage(void)
{
	fprintf(stderr,
		"usage: portalctl init\n"
		"       portalctl user add NAME --role admin|staff|expert|agency|enterprise"
		" [--enterprise ID] [--agency ID]\n"
		"       portalctl user add NAME --role district --district 朝阳区\n"
		"       portalctl user add NAME --role authority --sector industry|services|agriculture\n"
		"       portalctl user passwd NAME   (the password on standard input)\n"
		"       portalctl user disable|enable NAME\n"
		"       portalctl users from-year FILE.csv   (new names and passwords as CSV on stdout)\n"
		"       portalctl token create NAME [--days N]\n"
		"       portalctl token list NAME\n"
		"       portalctl token revoke NAME|TOKEN|ID\n"
		"       portalctl import [--public] [--no-wait] DIR\n"
		"       portalctl synonym add TERM TERM...\n"
		"       portalctl fsck\n"
		"       portalctl reindex\n"
		"       portalctl editions\n"
		"       portalctl compact\n"
		"       portalctl backup DIR\n"
		"       portalctl restore DIR   (with the portal down)\n"
		"       portalctl load-year FILE.csv [--reason TEXT]\n"
		"       portalctl load-plan FILE.csv   (year,sector,audits,projects,funds_yuan)\n"
		"       portalctl stats\n");
	return 2;
}

static int fail(const char *msg)
{
	fprintf(stderr, "portalctl: %s\n", msg);
	return 1;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, mode) < 0 && errno != EEXIST ? -1 : 0;
}

static int cmd_init(void)
{
	const struct portal_settings *s = portal_settings();
	const char *dirs[] = { s->index_dir, s->uploads_dir, s->upload_tmp, s->run_dir };
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		if (mkdir_p(dirs[i], 0750) < 0) {
			snprintf(err, sizeof err, "cannot create %s: %s", dirs[i], strerror(errno));
			return fail(err);
		}
	/* The project's synonym list is read where the build put it (synonyms.h);
	 * index/synonyms.tsv holds the admin's additions. */
	int lock = index_dir_lock(err, sizeof err);
	if (lock < 0 || index_dir_prepare(err, sizeof err) < 0) {
		index_dir_unlock(lock);
		return fail(err);
	}
	/* Create the database only when there is none: the indexer may hold
	 * the existing one open for writing. */
	char marker[PATH_MAX];
	snprintf(marker, sizeof marker, "%s/iamglass", s->xapian_path);
	int rc = 0;
	if (access(marker, F_OK) != 0) {
		pxap_writer *w = pxap_writer_open(s->xapian_path, err, sizeof err);
		rc = w && pxap_writer_set_format(w, PORTAL_INDEX_FORMAT, err, sizeof err) == 0
			? pxap_writer_commit(w, err, sizeof err) : -1;
		pxap_writer_close(w);
	}
	index_dir_unlock(lock);
	return rc < 0 ? fail(err) : 0;
}

/* Read a password from stdin (one line) and set it. */
static int cmd_passwd(const char *name)
{
	char line[1024];
	if (!fgets(line, sizeof line, stdin))
		return fail("no password on standard input");
	line[strcspn(line, "\r\n")] = '\0';
	int rc = session_set_password(db, name, line, err, sizeof err);
	sodium_memzero(line, sizeof line);
	return rc < 0 ? fail(err) : 0;
}

static int cmd_user(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[0], "passwd") == 0)
		return cmd_passwd(argv[1]);
	if (argc == 2 && (strcmp(argv[0], "disable") == 0 || strcmp(argv[0], "enable") == 0))
		return portal_user_set_disabled(db, argv[1], strcmp(argv[0], "disable") == 0, 0, err, sizeof err) < 0
			? fail(err) : 0;
	if (argc < 2 || strcmp(argv[0], "add") != 0)
		return usage();
	const char *name = argv[1], *role = NULL, *ent = NULL, *agency = NULL, *area = NULL;
	for (int i = 2; i < argc; i++) {
		if (i + 1 >= argc)
			return usage();
		if (strcmp(argv[i], "--role") == 0)
			role = argv[++i];
		else if (strcmp(argv[i], "--enterprise") == 0)
			ent = argv[++i];
		else if (strcmp(argv[i], "--agency") == 0)
			agency = argv[++i];
		else if (strcmp(argv[i], "--district") == 0 || strcmp(argv[i], "--sector") == 0)
			area = argv[++i];
		else
			return usage();
	}
	if (!role)
		return usage();
	if (area || strcmp(role, "district") == 0 || strcmp(role, "authority") == 0)
		return portal_user_add_area(db, name, role, area, err, sizeof err) < 0 ? fail(err) : 0;
	return portal_user_add(db, name, role, ent, agency, err, sizeof err) < 0 ? fail(err) : 0;
}

static int cmd_token_create(int argc, char **argv)
{
	long long expires_at = 0;
	if (argc == 3 && strcmp(argv[1], "--days") == 0) {
		char *end;
		long days = strtol(argv[2], &end, 10);
		if (*end || days < 1 || days > 36500)
			return fail("--days takes a whole number of days from 1 to 36500");
		expires_at = portal_now() + days * 86400LL;
	} else if (argc != 1) {
		return usage();
	}
	char token[128];
	if (portal_token_create(db, argv[0], expires_at, token, sizeof token, err, sizeof err) < 0)
		return fail(err);
	printf("%s\n", token);
	return 0;
}

/* One line per token: public id, created, expires (Beijing time). */
static int cmd_token_list(const char *name)
{
	long long uid = portal_user_id(db, name);
	if (!uid) {
		snprintf(err, sizeof err, "no user named '%s'", name);
		return fail(err);
	}
	struct arena *a = arena_new();
	struct portal_token *t;
	size_t n = portal_token_list(db, a, uid, &t);
	for (size_t i = 0; i < n; i++) {
		char created[PORTAL_TIME_LEN], expires[PORTAL_TIME_LEN] = "never";
		portal_time_beijing(t[i].created_at, created);
		if (t[i].expires_at)
			portal_time_beijing(t[i].expires_at, expires);
		printf("%s\t%s\t%s%s\n", t[i].id, created, expires,
		       t[i].expires_at && t[i].expires_at <= portal_now() ? "\texpired" : "");
	}
	arena_destroy(a);
	return 0;
}

/* A user's name revokes all their tokens; otherwise a token or its id. */
static int cmd_token_revoke(const char *what)
{
	long long uid = portal_user_id(db, what);
	if (uid) {
		printf("%d\n", portal_tokens_revoke_user(db, uid, 0));
		return 0;
	}
	int rc = portal_token_revoke(db, what, 0, NULL);
	if (rc < 0)
		return fail("that id names more than one token: give more of it");
	if (rc == 0)
		return fail("no user, token or token id matches");
	printf("1\n");
	return 0;
}

static int cmd_token(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[0], "create") == 0)
		return cmd_token_create(argc - 1, argv + 1);
	if (argc == 2 && strcmp(argv[0], "list") == 0)
		return cmd_token_list(argv[1]);
	if (argc == 2 && strcmp(argv[0], "revoke") == 0)
		return cmd_token_revoke(argv[1]);
	return usage();
}

/* ---- fsck and stats ----------------------------------------------------- */

static int cmd_fsck(void)
{
	int problems = 0;
	sqlite3_stmt *st = portal_db_prepare(db, "PRAGMA integrity_check");
	if (sqlite3_step(st) != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		printf("sqlite: integrity check failed\n");
		problems++;
	}
	sqlite3_finalize(st);

	st = portal_db_prepare(db, "SELECT id, sha256, size FROM documents");
	while (sqlite3_step(st) == SQLITE_ROW) {
		char path[PATH_MAX];
		struct stat sb;
		portal_object_path((const char *)sqlite3_column_text(st, 1), path, sizeof path);
		if (stat(path, &sb) < 0) {
			printf("uploads: document %s has no stored file %s\n", sqlite3_column_text(st, 0), path);
			problems++;
		} else if (sb.st_size != sqlite3_column_int64(st, 2)) {
			printf("uploads: document %s: stored file has %lld bytes, row says %lld\n",
			       sqlite3_column_text(st, 0), (long long)sb.st_size,
			       (long long)sqlite3_column_int64(st, 2));
			problems++;
		}
	}
	sqlite3_finalize(st);

	/* Under the writer lock no job is half-way between the index and the
	 * database, so the two counts are taken at one consistent moment. */
	int lock = index_dir_lock(err, sizeof err);
	st = portal_db_prepare(db, "SELECT count(*) FROM documents WHERE status = 'indexed'");
	long indexed = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	pxap_reader *r = pxap_reader_open(portal_settings()->xapian_path, err, sizeof err);
	long count = r ? pxap_reader_doccount(r, err, sizeof err) : -1;
	if (r)
		pxap_reader_close(r);
	index_dir_unlock(lock);
	if (count < 0) {
		printf("index: %s\n", err);
		problems++;
	} else if (count != indexed) {
		printf("index: holds %ld documents, the database says %ld are indexed\n", count, indexed);
		problems++;
	}
	problems += portalctl_fsck_previews(db);
	printf("fsck: %s (%d problem%s)\n", problems ? "DISAGREEMENT" : "clean", problems, problems == 1 ? "" : "s");
	return problems ? 1 : 0;
}

static int cmd_stats(void)
{
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT status, count(*) FROM documents GROUP BY status ORDER BY status");
	while (sqlite3_step(st) == SQLITE_ROW)
		printf("%s\t%d\n", sqlite3_column_text(st, 0), sqlite3_column_int(st, 1));
	sqlite3_finalize(st);
	/* The long lane's jobs (scans, long PDFs), with how far each is. */
	struct portal_job_progress p[50];
	size_t n = jobs_long_list(db, p, 50);
	if (n)
		printf("long jobs:\n");
	for (size_t i = 0; i < n; i++) {
		st = portal_db_prepare(db, "SELECT filename FROM documents WHERE id = ?");
		sqlite3_bind_text(st, 1, p[i].doc_id, -1, SQLITE_STATIC);
		const char *name = sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : "";
		if (!p[i].running)
			printf("  %s\t%s\twaiting\n", p[i].doc_id, name);
		else if (p[i].pages_total)
			printf("  %s\t%s\treading: %d/%d pages, %lld s\n", p[i].doc_id, name,
			       p[i].pages_done, p[i].pages_total, (long long)(portal_now() - p[i].started));
		else
			printf("  %s\t%s\treading, %lld s\n", p[i].doc_id, name,
			       (long long)(portal_now() - p[i].started));
		sqlite3_finalize(st);
	}
	return 0;
}

/* The demo year (records and documents the project wrote itself). */
static int cmd_demo(void) { return records_demo(db); }

int main(int argc, char **argv)
{
	portal_log_init("portalctl");
	if (argc < 2)
		return usage();
	const char *cmd = argv[1];
	if (strcmp(cmd, "init") == 0) {
		int rc = cmd_init();
		if (rc)
			return rc;
	}
	if (strcmp(cmd, "restore") == 0)
		return argc == 3 ? portalctl_restore(argv[2]) : usage();
	db = portal_db_open(portal_settings()->db_path, err, sizeof err);
	if (!db)
		return fail(err);
	int rc;
	if (strcmp(cmd, "init") == 0)
		rc = portalctl_index_upgrade(db);	/* an index of older terms is rebuilt */
	else if (strcmp(cmd, "user") == 0)
		rc = cmd_user(argc - 2, argv + 2);
	else if (strcmp(cmd, "users") == 0)
		rc = argc == 4 && strcmp(argv[2], "from-year") == 0 ? portalctl_users_from_year(db, argv[3]) : usage();
	else if (strcmp(cmd, "token") == 0)
		rc = cmd_token(argc - 2, argv + 2);
	else if (strcmp(cmd, "import") == 0)
		rc = portalctl_import(db, argc - 2, argv + 2);
	else if (strcmp(cmd, "fsck") == 0)
		rc = cmd_fsck();
	else if (strcmp(cmd, "stats") == 0)
		rc = cmd_stats();
	else if (strcmp(cmd, "synonym") == 0 && argc >= 3 && strcmp(argv[2], "add") == 0)
		rc = synonyms_add(argc - 3, argv + 3, err, sizeof err) < 0 ? fail(err) : 0;
	else if (strcmp(cmd, "reindex") == 0 && argc == 2)
		rc = portalctl_reindex(db);
	else if (strcmp(cmd, "editions") == 0 && argc == 2)
		rc = portalctl_editions(db);
	else if (strcmp(cmd, "compact") == 0 && argc == 2)
		rc = portalctl_compact();
	else if (strcmp(cmd, "backup") == 0 && argc == 3)
		rc = portalctl_backup(db, argv[2]);
	else if (strcmp(cmd, "demo") == 0)
		rc = cmd_demo();
	else if (strcmp(cmd, "load-plan") == 0)
		rc = argc == 3 ? records_load_plan(db, argv[2]) : usage();
	else if (strcmp(cmd, "load-year") == 0)
		rc = argc == 3 ? records_load_year(db, argv[2], NULL)
		     : argc == 5 && strcmp(argv[3], "--reason") == 0 ? records_load_year(db, argv[2], argv[4])
								      : usage();
	else
		rc = usage();
	portal_db_close_cached(db);
	sqlite3_close(db);
	return rc;
}
