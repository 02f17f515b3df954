#!/usr/bin/env python3
"""relevance.py: the arithmetic behind bench/relevance/run.

  relevance.py portal BASE_URL JUDGMENTS OUT.tsv [MODE]
                                                      run every query against the portal;
                                                      MODE rewrites the query text (experiments,
                                                      see README): plain (default), or, title,
                                                      ortitle, phrase, phraseboost, synphrase
  relevance.py omega CONF DB JUDGMENTS OUT.tsv [OP]   run every query through the omega CGI
                                                      (OP: and, Omega's default, or or)
  relevance.py recoll CONFDIR JUDGMENTS OUT.tsv       run every query through recollq
  relevance.py score JUDGMENTS NAME=RUN.tsv...        nDCG@10 and MRR@10, per query and mean
  relevance.py pool JUDGMENTS RUN.tsv...              retrieved but unjudged files, per query
  relevance.py export BASE_URL DIR                    the portal's extracted text of every
                                                      document as DIR/docs/NAME.txt (so Omega
                                                      can rank the very same text)

The queries are queries.tsv beside JUDGMENTS (query_id, kind, query; kinds:
rules, cases, figures, known); a query without judgments is still run (for
pooling). Scores are given per kind and overall.

A run file has one line per hit: query_id, rank (1..), corpus-relative file
(docs/... or programme/...), and the engine's total match count.

Metrics (the usual graded definitions):
  gain(g) = 2^g - 1 with g in {0, 1, 2}; an unjudged file has g = 0
  DCG@10  = sum over ranks r = 1..10 of gain / log2(r + 1)
  nDCG@10 = DCG@10 / ideal DCG@10, the ideal ranking being the judged files
            sorted by grade (so it only depends on the judgments)
  RR@10   = 1 / rank of the first file with g >= 1 in the top 10, else 0
Only the standard library is used.
"""
import json
import math
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

DEPTH = 20  # hits fetched per query (the pool depth); metrics use the top 10
CUTOFF = 10


def read_judgments(path):
    """-> (ordered [(qid, query)], {qid: {file: grade}})"""
    queries, grades = [], {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if cols[0] == "query_id":
                continue
            if len(cols) != 4:
                sys.exit(f"{path}:{n}: expected 4 tab-separated columns, got {len(cols)}")
            qid, query, file, grade = cols
            if qid not in grades:
                queries.append((qid, query))
                grades[qid] = {}
            elif dict(queries)[qid] != query:
                sys.exit(f"{path}:{n}: {qid} has two different query texts")
            g = int(grade)
            if g not in (0, 1, 2):
                sys.exit(f"{path}:{n}: grade must be 0, 1 or 2")
            if file in grades[qid]:
                sys.exit(f"{path}:{n}: {file} judged twice for {qid}")
            grades[qid][file] = g
    return queries, grades


def read_queries(judgments):
    """-> ordered [(qid, query)], {qid: kind}, {qid: {file: grade}}: the
    queries of queries.tsv beside the judgments (or, without it, those of
    the judgments, kind "all")."""
    jq, grades = read_judgments(judgments)
    path = os.path.join(os.path.dirname(os.path.abspath(judgments)), "queries.tsv")
    if not os.path.exists(path):
        return jq, {q: "all" for q, _ in jq}, grades
    queries, kinds = [], {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            cols = line.rstrip("\n").split("\t")
            if not line.strip() or line.startswith("#") or cols[0] == "query_id":
                continue
            if len(cols) != 3:
                sys.exit(f"{path}:{n}: expected 3 tab-separated columns, got {len(cols)}")
            qid, kind, query = cols
            if kind not in KINDS:
                sys.exit(f"{path}:{n}: kind must be one of {', '.join(KINDS)}")
            if qid in grades and dict(jq)[qid] != query:
                sys.exit(f"{path}:{n}: {qid} reads differently in the judgments")
            queries.append((qid, query))
            kinds[qid] = kind
            grades.setdefault(qid, {})
    for qid, _ in jq:
        if qid not in kinds:
            sys.exit(f"{path}: {qid} is judged but not listed")
    return queries, kinds, grades


KINDS = ("rules", "cases", "figures", "known")

EXTENSIONS = (".pdf", ".docx", ".doc", ".odt", ".html", ".txt", ".md")


def corpus_path(name):
    """Map a bare file name from the corpus to its corpus-relative path
    (NAME.pdf.txt, an exported text, maps to NAME.pdf)."""
    name = os.path.basename(name)
    if name.endswith(".txt") and name[:-4].endswith(EXTENSIONS):
        name = name[:-4]
    if name.startswith("d"):
        return "docs/" + name
    if name.startswith("p"):
        return "programme/" + name
    return "?/" + name


def write_run(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for qid, rank, file, total in rows:
            f.write(f"{qid}\t{rank}\t{file}\t{total}\n")


def read_run(path):
    run = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            qid, rank, file, total = line.rstrip("\n").split("\t")
            entry = run.setdefault(qid, {"files": [], "total": int(total)})
            if file:
                entry["files"].append(file)
    return run


# ---- engines -------------------------------------------------------------

def get_json(url, tries=5):
    """GET and decode, retrying what a restarting FastCGI worker answers
    (502/503) for a few seconds; any other error is final."""
    import time
    for attempt in range(tries):
        try:
            with urllib.request.urlopen(url, timeout=60) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            if e.code not in (502, 503) or attempt == tries - 1:
                raise
            time.sleep(2)


def synonym_groups():
    """The portal's shipped synonym list (RELEVANCE_SYNONYMS, default doc/synonyms.tsv)."""
    path = os.environ.get("RELEVANCE_SYNONYMS",
                          os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../doc/synonyms.tsv"))
    groups = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            groups.append([t for t in line.rstrip("\n").split("\t") if t])
    return groups


def rewrite(query, mode):
    """Query-text rewrites that emulate ranking changes through the portal's
    own query syntax, so they can be measured before anyone codes them."""
    words = query.split()
    if any(c.isdigit() for c in query):
        return query  # standard numbers: left to the portal's identifier handling
    if mode == "or":  # any word may match; BM25 still favours docs with more words
        return " OR ".join(words)
    if mode == "title":  # the same query, plus the words again against the title field
        return f"({query}) OR title:({query})"
    if mode == "phrase":  # each word as a phrase (adjacent n-grams), words ORed
        return " OR ".join(f'"{w}"' for w in words)
    if mode == "phraseboost":  # each word, plus the word as a phrase (adjacency scores again)
        return " OR ".join(f'({w} OR "{w}")' for w in words)
    if mode == "synphrase":  # synonyms done client-side: the word itself, its alternatives as phrases
        groups = synonym_groups()
        out = []
        for w in words:
            alts = next((g for g in groups if w in g), None)
            if alts:
                out.append("(" + " OR ".join([w] + [f'"{a}"' for a in alts if a != w]) + ")")
            else:
                out.append(w)
        return " OR ".join(out)
    if mode == "ortitle":
        return f"({' OR '.join(words)}) OR title:({query})"
    return query


def run_portal(base, judgments, out, mode="plain"):
    queries, _, _ = read_queries(judgments)
    rows = []
    for qid, query in queries:
        url = base.rstrip("/") + "/api/search?" + urllib.parse.urlencode(
            {"q": rewrite(query, mode), "per_page": DEPTH})
        answer = get_json(url)
        hits = answer.get("results", [])
        total = answer.get("total", len(hits))
        if not hits:
            rows.append((qid, 0, "", total))
        for i, hit in enumerate(hits, 1):
            name = hit.get("filename")
            if not name:  # older answers without filename: ask the record
                name = get_json(f"{base.rstrip('/')}/api/documents/{hit['id']}")["filename"]
            rows.append((qid, i, corpus_path(name), total))
    write_run(out, rows)


def run_omega(conf, db, judgments, out, op="and"):
    """Run the omega CGI binary once per query with a one-line-per-hit
    template (see run: FMT=relevance); op "or" sets DEFAULTOP=or."""
    queries, _, _ = read_queries(judgments)
    binary = os.environ.get("OMEGA_CGI", "/usr/lib/cgi-bin/omega/omega")
    rows = []
    for qid, query in queries:
        env = dict(os.environ)
        env.update({
            "OMEGA_CONFIG_FILE": conf,
            "XAPIAN_CJK_NGRAM": "1",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "REQUEST_METHOD": "GET",
            "QUERY_STRING": urllib.parse.urlencode(
                dict({"DB": db, "FMT": "relevance", "P": query, "HITSPERPAGE": DEPTH},
                     **({"DEFAULTOP": "or"} if op == "or" else {}))),
        })
        res = subprocess.run([binary], env=env, capture_output=True, check=True)
        files, total = [], 0
        for line in res.stdout.decode("utf-8", "replace").splitlines():
            cols = line.split("\t")
            if cols[0] == "HIT" and len(cols) >= 2:
                files.append(corpus_path(urllib.parse.unquote(cols[1])))
            elif cols[0] == "TOTAL" and len(cols) >= 2:
                total = int(cols[1] or 0)
        if not files:
            rows.append((qid, 0, "", total))
        for i, f in enumerate(files[:DEPTH], 1):
            rows.append((qid, i, f, total))
    write_run(out, rows)


def run_recoll(confdir, judgments, out):
    """recollq -c CONFDIR -b -n 20 QUERY: Recoll's own query language (words
    ANDed), file:// URLs one a line; -S none keeps its relevance order."""
    queries, _, _ = read_queries(judgments)
    rows = []
    for qid, query in queries:
        res = subprocess.run(["recollq", "-c", confdir, "-b", "-n", str(DEPTH), query],
                             capture_output=True)
        files = []
        for line in res.stdout.decode("utf-8", "replace").splitlines():
            if line.startswith("file://"):
                files.append(corpus_path(urllib.parse.unquote(line[7:])))
        total = len(files)
        for line in res.stderr.decode("utf-8", "replace").splitlines():
            if line.endswith(" results") or " results" in line:
                try:
                    total = int(line.split()[0])
                except ValueError:
                    pass
        if not files:
            rows.append((qid, 0, "", total))
        for i, f in enumerate(files[:DEPTH], 1):
            rows.append((qid, i, f, total))
    write_run(out, rows)


# ---- metrics -------------------------------------------------------------

def gain(g):
    return (1 << g) - 1


def ndcg(ranked, grades, k=CUTOFF):
    dcg = sum(gain(grades.get(f, 0)) / math.log2(i + 2) for i, f in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum(gain(g) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def rr(ranked, grades, k=CUTOFF):
    for i, f in enumerate(ranked[:k]):
        if grades.get(f, 0) >= 1:
            return 1.0 / (i + 1)
    return 0.0


def randomisation_p(diffs, rounds=20000):
    """Two-sided p-value of a mean per-query difference under random sign
    flips (the usual paired test for IR metrics); fixed seed, so repeatable."""
    import random
    rng = random.Random(1)
    observed = abs(sum(diffs))
    if observed < 1e-12:
        return 1.0
    hits = 0
    for _ in range(rounds):
        s = sum(d if rng.random() < 0.5 else -d for d in diffs)
        hits += abs(s) >= observed - 1e-12
    return hits / rounds


def pvalue(p, rounds=20000):
    return f"p < {1 / rounds:.4f}" if p == 0 else f"p = {p:.3f}"


BASELINES = ("omega", "omega-or", "recoll")


def score(judgments, runs):
    queries, kinds, grades = read_queries(judgments)
    queries = [(q, t) for q, t in queries if any(g > 0 for g in grades[q].values())]
    names, data = [], []
    for spec in runs:
        name, _, path = spec.partition("=")
        names.append(name)
        data.append(read_run(path))
    w = max(len(q) for _, q in queries)
    head = f"{'id':<4} {'kind':<7} {'query':<{w}} {'rel':>3}"
    for n in names:
        head += f" | {n[:8]:>8} {'nDCG':>5} {'RR':>5}"
    print(head)
    print("-" * len(head.expandtabs()))
    per = {}  # (system index, qid) -> (nDCG, RR)
    for qid, query in queries:
        g = grades[qid]
        nrel = sum(1 for v in g.values() if v > 0)
        # CJK characters take two columns in a terminal.
        pad = w - len(query) - sum(1 for c in query if ord(c) > 0x2e80)
        line = f"{qid:<4} {kinds[qid]:<7} {query}{' ' * max(pad, 0)} {nrel:>3}"
        for j, run in enumerate(data):
            entry = run.get(qid, {"files": [], "total": 0})
            n, r = ndcg(entry["files"], g), rr(entry["files"], g)
            per[j, qid] = (n, r)
            line += f" | {entry['total']:>8} {n:5.3f} {r:5.3f}"
        print(line)
    print("-" * len(head.expandtabs()))
    nq = len(queries)

    def mean(j, qids, m):
        return sum(per[j, q][m] for q in qids) / len(qids) if qids else 0.0

    groups = [(k, [q for q, _ in queries if kinds[q] == k]) for k in KINDS + ("all",)]
    groups = [(k, qs) for k, qs in groups if qs] + [("overall", [q for q, _ in queries])]
    print()
    print(f"{'system':<10}" + "".join(f" | {k + ' (' + str(len(qs)) + ')':>15}" for k, qs in groups))
    print(f"{'':<10}" + " | nDCG@10 MRR@10" * len(groups))
    for j, name in enumerate(names):
        print(f"{name[:10]:<10}" + "".join(
            f" |   {mean(j, qs, 0):5.3f}  {mean(j, qs, 1):5.3f}" for _, qs in groups))
    if len(data) >= 2:
        # the first run against the best baseline (by overall nDCG@10)
        base = [j for j, n in enumerate(names) if n in BASELINES and j != 0] or [1]
        best = max(base, key=lambda j: mean(j, [q for q, _ in queries], 0))
        print()
        print(f"{names[0]} vs the best baseline, {names[best]}:")
        for k, qs in groups:
            for label, m in (("nDCG@10", 0), ("RR@10", 1)):
                diffs = [per[0, q][m] - per[best, q][m] for q in qs]
                wins = sum(d > 1e-9 for d in diffs)
                losses = sum(d < -1e-9 for d in diffs)
                print(f"  {k:<8} {label}: {mean(0, qs, m):.3f} vs {mean(best, qs, m):.3f}, "
                      f"better on {wins}, worse on {losses}, equal on {len(qs) - wins - losses}; "
                      f"paired randomisation test {pvalue(randomisation_p(diffs))}")
    print()
    for j, name in enumerate(names):
        print(f"{name}: mean nDCG@10 = {mean(j, [q for q, _ in queries], 0):.3f}   "
              f"MRR@10 = {mean(j, [q for q, _ in queries], 1):.3f}   ({nq} queries)")


def pool(judgments, runs):
    queries, _, grades = read_queries(judgments)
    data = [read_run(p) for p in runs]
    for qid, query in queries:
        seen = []
        for run in data:
            for f in run.get(qid, {"files": []})["files"]:
                if f not in grades[qid] and f not in seen:
                    seen.append(f)
        for f in seen:
            print(f"{qid}\t{query}\t{f}")


def export(base, outdir):
    base = base.rstrip("/")
    page, n = 1, 0
    while True:
        url = f"{base}/api/search?" + urllib.parse.urlencode({"per_page": 100, "page": page})
        hits = get_json(url).get("results", [])
        if not hits:
            break
        for hit in hits:
            dest = os.path.join(outdir, os.path.dirname(corpus_path(hit["filename"])))
            os.makedirs(dest, exist_ok=True)
            try:
                with urllib.request.urlopen(f"{base}/api/documents/{hit['id']}/text", timeout=60) as r:
                    text = r.read()
            except urllib.error.HTTPError:  # no text (extraction failed): index it empty
                text = b""
            with open(os.path.join(dest, hit["filename"] + ".txt"), "wb") as f:
                f.write(text)
            n += 1
        page += 1
    print(f"exported {n} texts to {outdir}", file=sys.stderr)


def main(argv):
    if len(argv) in (5, 6) and argv[1] == "portal":
        run_portal(argv[2], argv[3], argv[4], argv[5] if len(argv) == 6 else "plain")
    elif len(argv) in (6, 7) and argv[1] == "omega":
        run_omega(argv[2], argv[3], argv[4], argv[5], argv[6] if len(argv) == 7 else "and")
    elif len(argv) == 5 and argv[1] == "recoll":
        run_recoll(argv[2], argv[3], argv[4])
    elif len(argv) >= 4 and argv[1] == "score":
        score(argv[2], argv[3:])
    elif len(argv) == 4 and argv[1] == "export":
        export(argv[2], argv[3])
    elif len(argv) >= 4 and argv[1] == "pool":
        pool(argv[2], argv[3:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
