/* db.c: opening SQLite and migrating its schema.
 *
 * Migrations are a list of SQL scripts; PRAGMA user_version records how many
 * have run. Add new ones at the end, never edit one that has shipped. */
#include "db.h"
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const migrations[] = {
	/* 1: users, tokens, documents, their text, jobs, cases, audit log */
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL CHECK (role IN ('admin','staff','expert','agency','enterprise')),"
	"  enterprise_id TEXT, agency_id TEXT, password_hash TEXT,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE tokens ("
	"  hash TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE documents ("
	"  id TEXT PRIMARY KEY,"
	"  sha256 TEXT NOT NULL UNIQUE,"
	"  filename TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  mime TEXT,"
	"  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','indexed','failed')),"
	"  error TEXT,"
	"  doc_type TEXT, doc_type_confidence REAL, doc_type_source TEXT,"
	"  title TEXT, title_source TEXT,"
	"  visibility TEXT NOT NULL CHECK (visibility IN ('public','restricted')),"
	"  uploader_id INTEGER REFERENCES users(id),"
	"  uploaded_at INTEGER NOT NULL,"
	"  indexed_at INTEGER,"
	"  metadata TEXT NOT NULL DEFAULT '{}');"
	"CREATE TABLE document_text ("
	"  doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,"
	"  text TEXT NOT NULL);"
	"CREATE TABLE document_cases ("
	"  doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
	"  case_id TEXT NOT NULL,"
	"  role TEXT,"
	"  PRIMARY KEY (doc_id, case_id));"
	"CREATE TABLE jobs ("
	"  id INTEGER PRIMARY KEY,"
	"  doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
	"  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','running','done','failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE INDEX jobs_state ON jobs(state, id);"
	"CREATE TABLE audit_log ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  user_id INTEGER,"
	"  action TEXT NOT NULL,"
	"  object TEXT,"
	"  detail TEXT);",
	/* 2: versions, and the files portalctl import has seen (resumable) */
	"ALTER TABLE documents ADD COLUMN superseded_by TEXT REFERENCES documents(id);"
	"ALTER TABLE documents ADD COLUMN version INTEGER NOT NULL DEFAULT 1;"
	"CREATE INDEX documents_superseded ON documents(superseded_by);"
	"CREATE TABLE import_files ("
	"  path TEXT PRIMARY KEY,"
	"  size INTEGER NOT NULL, mtime INTEGER NOT NULL,"
	"  doc_id TEXT REFERENCES documents(id) ON DELETE SET NULL,"
	"  outcome TEXT NOT NULL,"
	"  reason TEXT,"
	"  at INTEGER NOT NULL);"
	"CREATE TABLE sessions ("
	"  hash TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  csrf TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL);"
	"CREATE TABLE login_failures ("
	"  name TEXT NOT NULL, addr TEXT, at INTEGER NOT NULL);"
	"CREATE INDEX login_failures_name ON login_failures(name, at);"
	"CREATE INDEX login_failures_addr ON login_failures(addr, at);",
	/* 3: programme records (records-*.c, doc/records.md): sectors,
	 * industries, districts, enterprises, agencies, experts and their
	 * assignments, audits, projects and their change requests, trainings,
	 * deadlines per year. Money in integer fen, dates as ISO text. */
	"CREATE TABLE sectors (id TEXT PRIMARY KEY, name TEXT NOT NULL);"
	"INSERT INTO sectors VALUES ('industry','工业'),('services','服务业'),('agriculture','农业');"
	"CREATE TABLE industries (id TEXT PRIMARY KEY, sector TEXT NOT NULL REFERENCES sectors(id));"
	"INSERT INTO industries VALUES ('医疗机构','services'),('餐饮','services'),('交通运输','services'),"
	"  ('教育','services'),('宾馆饭店','services'),('商场超市','services'),('数据中心','services'),"
	"  ('洗染','services'),('电力','industry'),('化工','industry'),('印刷','industry'),"
	"  ('电镀','industry'),('汽车制造','industry'),('食品加工','industry'),('医药制造','industry'),"
	"  ('建材','industry'),('奶牛养殖','agriculture'),('生猪养殖','agriculture'),"
	"  ('蛋鸡养殖','agriculture'),('水产养殖','agriculture'),('设施种植','agriculture');"
	"CREATE TABLE districts (id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE);"
	"INSERT INTO districts VALUES ('东城区','110101'),('西城区','110102'),('朝阳区','110105'),"
	"  ('丰台区','110106'),('石景山区','110107'),('海淀区','110108'),('门头沟区','110109'),"
	"  ('房山区','110111'),('通州区','110112'),('顺义区','110113'),('昌平区','110114'),"
	"  ('大兴区','110115'),('怀柔区','110116'),('平谷区','110117'),('密云区','110118'),"
	"  ('延庆区','110119');"
	"CREATE TABLE enterprises ("
	"  id TEXT PRIMARY KEY, name TEXT NOT NULL, credit_code TEXT NOT NULL UNIQUE,"
	"  sector TEXT NOT NULL REFERENCES sectors(id), industry TEXT NOT NULL REFERENCES industries(id),"
	"  district TEXT NOT NULL REFERENCES districts(id), contact TEXT, phone TEXT, address TEXT,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE TABLE agencies ("
	"  id TEXT PRIMARY KEY, name TEXT NOT NULL, credit_code TEXT UNIQUE, year INTEGER NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended','removed')),"
	"  evaluation TEXT, score INTEGER, contact TEXT, phone TEXT,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE TABLE experts ("
	"  id TEXT PRIMARY KEY, name TEXT NOT NULL, user_name TEXT, organisation TEXT,"
	"  specialties TEXT, conflict_enterprises TEXT, conflict_agencies TEXT, phone TEXT,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE TABLE assignments ("
	"  expert_id TEXT NOT NULL REFERENCES experts(id), case_id TEXT NOT NULL, role TEXT NOT NULL,"
	"  assigned_at INTEGER NOT NULL, PRIMARY KEY (expert_id, case_id));"
	"CREATE INDEX assignments_case ON assignments(case_id);"
	"CREATE TABLE audits ("
	"  id TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL REFERENCES enterprises(id),"
	"  year INTEGER NOT NULL, agency_id TEXT REFERENCES agencies(id),"
	"  state TEXT NOT NULL DEFAULT 'listed', contract_date TEXT, registration_date TEXT,"
	"  report_date TEXT, evaluated_date TEXT, grade TEXT, score INTEGER, note TEXT,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, UNIQUE (enterprise_id, year));"
	"CREATE INDEX audits_year ON audits(year);"
	"CREATE TABLE projects ("
	"  id TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL REFERENCES enterprises(id),"
	"  year INTEGER NOT NULL, name TEXT NOT NULL, round TEXT NOT NULL DEFAULT 'spring',"
	"  state TEXT NOT NULL DEFAULT 'recommended', investment_fen INTEGER,"
	"  application_date TEXT, district_approved_date TEXT, review_date TEXT, approved_date TEXT,"
	"  subsidy_fen INTEGER, start_date TEXT, planned_end_date TEXT,"
	"  first_paid_fen INTEGER, first_paid_date TEXT, evaluation_date TEXT,"
	"  energy_saved REAL, energy_saved_unit TEXT, consumption_cut REAL, consumption_cut_unit TEXT,"
	"  pollution_cut REAL, pollution_cut_unit TEXT, efficiency_gain REAL, efficiency_gain_unit TEXT,"
	"  accepted_date TEXT, acceptance_note TEXT, final_paid_fen INTEGER, final_paid_date TEXT,"
	"  rejected_date TEXT, note TEXT,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE INDEX projects_year ON projects(year);"
	"CREATE TABLE project_changes ("
	"  id INTEGER PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id),"
	"  description TEXT NOT NULL, new_end_date TEXT,"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','approved','rejected')),"
	"  requested_at INTEGER NOT NULL, decided_at INTEGER, decided_by INTEGER);"
	"CREATE TABLE trainings ("
	"  id TEXT PRIMARY KEY, title TEXT NOT NULL, audience TEXT NOT NULL,"
	"  sector TEXT REFERENCES sectors(id), date TEXT NOT NULL, attendees INTEGER NOT NULL,"
	"  location TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE TABLE deadlines ("
	"  year INTEGER NOT NULL, item TEXT NOT NULL, date TEXT NOT NULL, PRIMARY KEY (year, item));"
	"CREATE INDEX audit_log_object ON audit_log(object, id);",
	/* 4: the documents of a case, for versions (docs_supersede_older)
	 * and the case pages; the primary key only serves doc_id first. */
	"CREATE INDEX document_cases_case ON document_cases(case_id, doc_id);",
	/* 5: tokens may expire, users may be disabled; a user's tokens and
	 * sessions are found by user (revoking them, listing them). */
	"ALTER TABLE tokens ADD COLUMN expires_at INTEGER;"
	"ALTER TABLE users ADD COLUMN disabled_at INTEGER;"
	"CREATE INDEX tokens_user ON tokens(user_id);"
	"CREATE INDEX sessions_user ON sessions(user_id);",
	/* 6: bytes are shared, documents are not: two documents may hold the
	 * same bytes (a second uploader who may not read the first gets a
	 * document of their own), so sha256 is no longer unique (the table is
	 * rebuilt: SQLite cannot drop a constraint; migrate() runs with
	 * foreign keys off). The parties of each case, as one view. Supersessions
	 * staff undid, never redone. */
	"CREATE TABLE documents_new ("
	"  id TEXT PRIMARY KEY,"
	"  sha256 TEXT NOT NULL,"
	"  filename TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  mime TEXT,"
	"  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','indexed','failed')),"
	"  error TEXT,"
	"  doc_type TEXT, doc_type_confidence REAL, doc_type_source TEXT,"
	"  title TEXT, title_source TEXT,"
	"  visibility TEXT NOT NULL CHECK (visibility IN ('public','restricted')),"
	"  uploader_id INTEGER REFERENCES users(id),"
	"  uploaded_at INTEGER NOT NULL,"
	"  indexed_at INTEGER,"
	"  metadata TEXT NOT NULL DEFAULT '{}',"
	"  superseded_by TEXT REFERENCES documents(id),"
	"  version INTEGER NOT NULL DEFAULT 1);"
	"INSERT INTO documents_new (id, sha256, filename, size, mime, status, error, doc_type,"
	"  doc_type_confidence, doc_type_source, title, title_source, visibility, uploader_id,"
	"  uploaded_at, indexed_at, metadata, superseded_by, version)"
	" SELECT id, sha256, filename, size, mime, status, error, doc_type,"
	"  doc_type_confidence, doc_type_source, title, title_source, visibility, uploader_id,"
	"  uploaded_at, indexed_at, metadata, superseded_by, version FROM documents;"
	"DROP TABLE documents;"
	"ALTER TABLE documents_new RENAME TO documents;"
	"CREATE INDEX documents_superseded ON documents(superseded_by);"
	"CREATE INDEX documents_sha256 ON documents(sha256);"
	"CREATE VIEW case_parties AS"
	" SELECT 'audit:' || a.id AS case_id, e.id AS enterprise_id, e.credit_code AS credit_code,"
	"  a.agency_id AS agency_id FROM audits a JOIN enterprises e ON e.id = a.enterprise_id"
	" UNION ALL SELECT 'project:' || p.id, e.id, e.credit_code, NULL"
	"  FROM projects p JOIN enterprises e ON e.id = p.enterprise_id;"
	"CREATE TABLE version_restores ("
	"  older TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
	"  newer TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (older, newer));",
	/* 7: which documents a move needs, where staff changed the default
	 * (every role of the checklist is required on entering its state). */
	"CREATE TABLE move_gates ("
	"  kind TEXT NOT NULL, state TEXT NOT NULL, role TEXT NOT NULL,"
	"  required INTEGER NOT NULL CHECK (required IN (0, 1)),"
	"  PRIMARY KEY (kind, state, role));",
	/* 8: a year's plan: how many audits and projects, and how much money,
	 * per sector (the 2014 plan: 249 audits, services 141, industry 79,
	 * agriculture 29; about 60 projects). */
	"CREATE TABLE targets ("
	"  year INTEGER NOT NULL, sector TEXT NOT NULL REFERENCES sectors(id),"
	"  measure TEXT NOT NULL CHECK (measure IN ('audits', 'projects', 'funds_fen')),"
	"  value INTEGER NOT NULL CHECK (value >= 0),"
	"  PRIMARY KEY (year, sector, measure));",
	/* 9: a project's results as staff confirmed them (proposed from its
	 * reports' text, results.h), summed by the reports. */
	"CREATE TABLE project_results ("
	"  project_id TEXT NOT NULL REFERENCES projects(id), measure TEXT NOT NULL,"
	"  value REAL NOT NULL CHECK (value >= 0), source_doc TEXT,"
	"  confirmed_by INTEGER, confirmed_at INTEGER NOT NULL,"
	"  PRIMARY KEY (project_id, measure));",
	/* 10: alerts: a user's saved searches (the query string as the search
	 * page takes it) with when they last looked, and one feed token per
	 * user (only its SHA-256, as for bearer tokens). The audit log is
	 * read by user and by time (the staff's audit-log page). */
	"CREATE TABLE saved_searches ("
	"  id INTEGER PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL, query TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL, seen_at INTEGER NOT NULL);"
	"CREATE INDEX saved_searches_user ON saved_searches(user_id);"
	"CREATE TABLE feed_tokens ("
	"  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
	"  hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);"
	"CREATE INDEX audit_log_user ON audit_log(user_id, id);"
	"CREATE INDEX audit_log_at ON audit_log(at);",
	/* 11: standards as editions (src/search/editions.h): one row per
	 * edition known, its document, its status and what replaced it;
	 * named_by is the edition whose text says it replaces this one,
	 * staff = 1 when staff set the status (it then stands). */
	"CREATE TABLE standard_editions ("
	"  number TEXT NOT NULL, year INTEGER NOT NULL,"
	"  doc_id TEXT REFERENCES documents(id) ON DELETE SET NULL,"
	"  status TEXT NOT NULL DEFAULT 'current' CHECK (status IN ('current','superseded','withdrawn')),"
	"  replaced_by TEXT, named_by TEXT,"
	"  withdrawn INTEGER NOT NULL DEFAULT 0, staff INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (number, year));"
	"CREATE INDEX standard_editions_doc ON standard_editions(doc_id);",
	/* 12: two roles tied to an area, not an organisation: district (区发改委,
	 * one district of the enterprises' records) and authority (行业主管部门,
	 * one sector). The role CHECK is widened, so the table is rebuilt
	 * (foreign keys are off during migrations); the documents of cases get
	 * the new access groups (d:, s:) on their next indexing, queued here. */
	"CREATE TABLE users_new ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL CHECK (role IN ('admin','staff','expert','agency','enterprise',"
	"    'district','authority')),"
	"  enterprise_id TEXT, agency_id TEXT, password_hash TEXT,"
	"  created_at INTEGER NOT NULL, disabled_at INTEGER,"
	"  district TEXT REFERENCES districts(id), sector TEXT REFERENCES sectors(id),"
	"  CHECK ((role = 'district') = (district IS NOT NULL)),"
	"  CHECK ((role = 'authority') = (sector IS NOT NULL)));"
	"INSERT INTO users_new (id, name, role, enterprise_id, agency_id, password_hash, created_at, disabled_at)"
	"  SELECT id, name, role, enterprise_id, agency_id, password_hash, created_at, disabled_at FROM users;"
	"DROP TABLE users;"
	"ALTER TABLE users_new RENAME TO users;"
	"INSERT INTO jobs (doc_id, created_at, updated_at)"
	"  SELECT DISTINCT dc.doc_id, strftime('%s','now'), strftime('%s','now') FROM document_cases dc"
	"  JOIN documents d ON d.id = dc.doc_id WHERE d.status = 'indexed'"
	"  AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.doc_id = dc.doc_id AND j.state = 'queued');",
	/* 13: self-service (src/records/records-selfserve.c): an enterprise's
	 * filing of its audit's contract and registration dates, pending until
	 * staff confirm (the audit's move to filed) or return it with a reason;
	 * an assigned expert's review opinion, proposed grade and score on an
	 * audit, one per expert and case, editable until staff confirm the
	 * grade; who filed a change request and why. */
	"CREATE TABLE audit_filings ("
	"  id INTEGER PRIMARY KEY, audit_id TEXT NOT NULL REFERENCES audits(id),"
	"  contract_date TEXT NOT NULL, registration_date TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','confirmed','returned')),"
	"  filed_by INTEGER NOT NULL, filed_at INTEGER NOT NULL,"
	"  decided_by INTEGER, decided_at INTEGER, reason TEXT);"
	"CREATE INDEX audit_filings_audit ON audit_filings(audit_id, state);"
	"CREATE TABLE expert_reviews ("
	"  case_id TEXT NOT NULL, expert_id TEXT NOT NULL REFERENCES experts(id),"
	"  opinion TEXT NOT NULL, grade TEXT NOT NULL, score INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','confirmed','returned')),"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	"  confirmed_by INTEGER, confirmed_at INTEGER, return_reason TEXT,"
	"  PRIMARY KEY (case_id, expert_id));"
	"ALTER TABLE project_changes ADD COLUMN reason TEXT;"
	"ALTER TABLE project_changes ADD COLUMN requested_by INTEGER;",
	/* 14: agencies' yearly selection (records-selection.c): an agency
	 * applies for a year, staff select it (by Jan 31) or not, may
	 * suspend it with a reason, and record its evaluation (score, grade);
	 * and the typical units staff choose among accepted projects. */
	"CREATE TABLE agency_years ("
	"  agency_id TEXT NOT NULL REFERENCES agencies(id), year INTEGER NOT NULL,"
	"  applied_at TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT '申请' CHECK (status IN ('申请','入选','未入选','暂停')),"
	"  selected_at TEXT, score INTEGER CHECK (score BETWEEN 0 AND 100), grade TEXT, reason TEXT,"
	"  PRIMARY KEY (agency_id, year));"
	"CREATE INDEX agency_years_year ON agency_years(year, status);"
	"CREATE TABLE typical_units ("
	"  project_id TEXT PRIMARY KEY REFERENCES projects(id), year INTEGER NOT NULL,"
	"  reason TEXT NOT NULL, chosen_by INTEGER, chosen_at INTEGER NOT NULL);"
	"CREATE INDEX typical_units_year ON typical_units(year);",
	/* 15: the indexer's lanes (src/cmd/portal-indexer.c): a queued job
	 * handed to the long lane (text recognition, long PDFs) says so, and
	 * how many of its pages are done; claimed orders the claims, which
	 * no longer follow the ids (jobs_recover()). */
	"ALTER TABLE jobs ADD COLUMN lane TEXT;"
	"ALTER TABLE jobs ADD COLUMN extract_started INTEGER;"
	"ALTER TABLE jobs ADD COLUMN pages_done INTEGER;"
	"ALTER TABLE jobs ADD COLUMN pages_total INTEGER;"
	"ALTER TABLE jobs ADD COLUMN claimed INTEGER;",
	/* 16: a document's jobs and import rows by its id, and the long
	 * lane's jobs. Without them each look-up (jobs_enqueue(),
	 * jobs_long_of(), a deletion's cascade) read every queued job: an
	 * import of 100,000 files slowed as its square. */
	"CREATE INDEX jobs_doc ON jobs(doc_id, state);"
	"CREATE INDEX jobs_long ON jobs(id) WHERE state = 'queued' AND lane IS NOT NULL;"
	"CREATE INDEX import_files_doc ON import_files(doc_id);",
	/* 17: the home page's lists (home.c): documents by status and by
	 * upload time, and the public current standards and guidelines,
	 * newest first, without reading every document. */
	"CREATE INDEX documents_status ON documents(status, uploaded_at);"
	"CREATE INDEX documents_uploaded ON documents(uploaded_at);"
	"CREATE INDEX documents_public_guides ON documents(uploaded_at) WHERE visibility = 'public'"
	" AND status = 'indexed' AND superseded_by IS NULL AND doc_type IN ('standard', 'guideline');",
};

long long portal_now(void) { return (long long)time(NULL); }

void portal_time_beijing(long long t, char out[PORTAL_TIME_LEN])
{
	time_t local = (time_t)(t + 8 * 3600);	/* China has one zone and no summer time */
	struct tm tm;
	gmtime_r(&local, &tm);
	if (strftime(out, PORTAL_TIME_LEN, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, PORTAL_TIME_LEN, "?");
}

int portal_db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "database: %s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3_stmt *portal_db_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		portal_fatal("cannot prepare '%s': %s", sql, sqlite3_errmsg(db));
	return st;
}

/* Process lifetime, per connection; a short list searched by address. */
static struct {
	sqlite3 *db;
	const char *sql;
	sqlite3_stmt *st;
} cached[PORTAL_DB_CACHED];

sqlite3_stmt *portal_db_cached(sqlite3 *db, const char *sql)
{
	size_t i;
	for (i = 0; i < PORTAL_DB_CACHED && cached[i].st; i++)
		if (cached[i].db == db && cached[i].sql == sql) {
			sqlite3_reset(cached[i].st);
			sqlite3_clear_bindings(cached[i].st);
			return cached[i].st;
		}
	if (i == PORTAL_DB_CACHED)
		portal_fatal("more than %d cached statements", PORTAL_DB_CACHED);
	cached[i].db = db;
	cached[i].sql = sql;
	cached[i].st = portal_db_prepare(db, sql);
	return cached[i].st;
}

void portal_db_close_cached(sqlite3 *db)
{
	size_t n = 0;
	for (size_t i = 0; i < PORTAL_DB_CACHED && cached[i].st; i++) {
		if (cached[i].db == db)
			sqlite3_finalize(cached[i].st);
		else
			cached[n++] = cached[i];
	}
	for (size_t i = n; i < PORTAL_DB_CACHED; i++)
		cached[i].st = NULL;
}

void portal_db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

static int migrate_locked(sqlite3 *db, int latest, char *err, size_t errlen);

static int migrate(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st = portal_db_prepare(db, "PRAGMA user_version");
	int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	int latest = (int)(sizeof migrations / sizeof migrations[0]);
	if (version >= latest)
		return 0;
	/* Foreign keys off while tables are rebuilt (a DROP TABLE would
	 * otherwise cascade into the rows that refer to it); checked before
	 * the commit. The pragma is a no-op inside a transaction. */
	if (portal_db_exec(db, "PRAGMA foreign_keys=OFF", err, errlen) < 0)
		return -1;
	int rc = migrate_locked(db, latest, err, errlen);
	if (portal_db_exec(db, "PRAGMA foreign_keys=ON", err, errlen) < 0)
		return -1;
	return rc;
}

static int migrate_locked(sqlite3 *db, int latest, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int version;
	if (portal_db_exec(db, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	/* Another process may have migrated while we waited for the lock. */
	st = portal_db_prepare(db, "PRAGMA user_version");
	version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	for (int v = version; v < latest; v++) {
		if (portal_db_exec(db, migrations[v], err, errlen) < 0) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	st = portal_db_prepare(db, "PRAGMA foreign_key_check");
	int broken = sqlite3_step(st) == SQLITE_ROW;
	if (broken)
		snprintf(err, errlen, "migration to version %d leaves a row of %s without the row it refers to",
			 latest, sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (broken) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", latest);
	if (portal_db_exec(db, sql, err, errlen) < 0 || portal_db_exec(db, "COMMIT", err, errlen) < 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

sqlite3 *portal_db_open(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
			 db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 10000);
	/* mmap: pages are read from the page cache without a pread() and a
	 * copy each (a search reads a hit's text through overflow pages). */
	if (portal_db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			   " PRAGMA foreign_keys=ON; PRAGMA mmap_size=1073741824;", err, errlen) < 0 ||
	    migrate(db, err, errlen) < 0) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}
