#!/usr/bin/env bash
# check-query-plans.sh: no statement that a page or the indexer runs reads
# every row of a table that grows with the documents. Builds an empty
# database from the migrations in src/core/db.c, takes every SQL statement
# the sources prepare (string literals joined, #define'd pieces put in) and
# asks SQLite for its plan (EXPLAIN QUERY PLAN, parameters NULL). A SCAN of
# one of the large tables without an index fails, as does a statement that
# does not prepare. src/cmd is left out: its whole-table commands (reindex,
# fsck, status, import's summary) read every row on purpose. Reads the
# sources only; writes nothing. One TAP line per rule.
set -u
TOP=${PORTAL_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
exec python3 - "$TOP" <<'EOF'
import glob, re, sqlite3, sys

top = sys.argv[1]
LARGE = {"documents", "document_text", "document_cases", "jobs", "import_files",
         "audit_log", "sessions", "tokens", "login_failures"}

def literals(text):
    """The C string literals of text, joined and unescaped."""
    out = ""
    for lit in re.findall(r'"((?:[^"\\]|\\.)*)"', text):
        out += lit.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
    return out

src = open(f"{top}/src/core/db.c", encoding="utf-8").read()
body = re.sub(r"/\*.*?\*/", "", re.search(r"migrations\[\] = \{(.*?)\n\};", src, re.S).group(1), flags=re.S)
db = sqlite3.connect(":memory:")
migration = ""
for tok in re.finditer(r'"(?:[^"\\]|\\.)*"|,', body):	# literals, and the commas between migrations
    if tok.group(0) == ",":
        db.executescript(migration)
        migration = ""
    else:
        migration += literals(tok.group(0))
db.executescript(migration)

files = sorted(glob.glob(f"{top}/src/**/*.c", recursive=True) + glob.glob(f"{top}/cgi-bin/*.c"))
files = [f for f in files if "/src/cmd/" not in f]
defines = {}
for f in files:
    for d in re.finditer(r'#define\s+(\w+)\s+((?:"(?:[^"\\]|\\.)*"\s*(?:\\\n\s*)?)+)', open(f, encoding="utf-8").read()):
        defines[d.group(1)] = literals(d.group(2))

call = re.compile(r'(?:portal_db_prepare|portal_db_cached|sqlite3_prepare_v[23]|portal_db_exec|count)\s*\(\s*'
                  r'[\w>.-]+\s*,\s*((?:(?:"(?:[^"\\]|\\.)*"|[A-Z_]{3,})\s*)+)')
n, scans, broken = 0, [], []
for f in files:
    text = re.sub(r"/\*.*?\*/", "", open(f, encoding="utf-8").read(), flags=re.S)
    name = f[len(top) + 1:]
    for c in call.finditer(text):
        sql, known = "", True
        for lit, macro in re.findall(r'("(?:[^"\\]|\\.)*")|([A-Z_]{3,})', c.group(1)):
            if macro:
                known = known and macro in defines
                sql += defines.get(macro, "")
            else:
                sql += literals(lit)
        if not known or not sql.strip():
            continue
        for stmt in filter(str.strip, sql.split(";")):
            if stmt.strip().upper() in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK") or stmt.lstrip().upper().startswith("PRAGMA"):
                continue
            n += 1
            q = "EXPLAIN QUERY PLAN " + stmt
            try:
                try:
                    plan = db.execute(q).fetchall()
                except sqlite3.ProgrammingError as e:
                    plan = db.execute(q, [None] * int(re.search(r"uses (\d+)", str(e)).group(1))).fetchall()
            except Exception as e:
                broken.append(f"{name}: {e}: {stmt.strip()[:100]}")
                continue
            for row in plan:
                m = re.match(r"SCAN (\w+)(?: AS \w+)?$", row[3])
                table = m and m.group(1)
                if m:	# the plan names an aliased table by its alias
                    for t in LARGE:
                        if re.search(r"\b" + t + r"\s+(?:AS\s+)?" + re.escape(table) + r"\b", stmt) or t == table:
                            scans.append(f"{name}: SCAN {t}: {' '.join(stmt.split())[:140]}")
                            break

print(f"ok 1 - {n} statements of src/ and cgi-bin/ (not src/cmd) have plans" if not broken
      else f"not ok 1 - {len(broken)} statements do not prepare:\n" + "\n".join("#   " + b for b in broken))
print("ok 2 - none reads every row of a large table (" + ", ".join(sorted(LARGE)) + ")" if not scans
      else f"not ok 2 - {len(scans)} statements read every row of a large table:\n" + "\n".join("#   " + s for s in scans))
print("1..2")
EOF
