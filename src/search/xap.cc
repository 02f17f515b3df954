/* xap.cc: the Xapian wrapper behind xap.h, the project's only C++.
 *
 * Every exported function is a try block whose handlers turn any exception
 * (Xapian::Error, std::exception, anything else) into a message in err and a
 * -1/NULL return, so nothing unwinds into C. The handles are plain structs
 * that own their Xapian objects; the index layout is described in xap.h,
 * written by pxap_writer_put() and read by build_query().
 *
 * Chinese: TermGenerator and QueryParser both use FLAG_CJK_NGRAM, so CJK
 * runs are indexed as unigrams plus bigrams; the parser makes a CJK query
 * word the AND of its unigrams and bigrams, and thin_ngrams() keeps only the
 * bigrams of such an AND (the same documents match). The words must occur,
 * near enough to form the bigrams, but not as an exact phrase unless quoted.
 * No stemming.
 *
 * Results are computed completely inside pxap_search (ids, scores, facets,
 * the query's text terms), so the accessors never touch the database.
 * Totals and facets are counted apart from the ranking (census()): every
 * match when there are few, else the matches in a pseudo-random sample of
 * the documents. Facets are counted from a per-revision table of every
 * document's facet values (load_facets(), facet_spy), not looked up in the
 * index per match.
 * Snippets are made in C from those terms (snippet.c). */
#include "xap.h"
extern "C" {
#include "snippet.h"
}

#include <sys/stat.h>
#include <xapian.h>

#include <algorithm>
#include <cstdlib>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <exception>
#include <list>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

enum {
	SLOT_TYPE = 0,
	SLOT_SECTOR = 1,
	SLOT_YEAR = 2,
	SLOT_DATE = 3,
	SLOT_INDUSTRY = 4,
	SLOT_GRADE = 5,
	NFACETS = PXAP_NFACETS,
	/* How much a boost term outweighs text: enough that an exact
	 * standard-number match ranks above any text-only hit. */
	BOOST = 20,
	/* Extra weight of query words found in the title. */
	TITLE_BOOST = 3,
	/* Glass refuses terms longer than this; checked up front so a bad
	 * document fails its own put rather than the whole commit. */
	MAX_TERM = 245,
	/* Fewer matches than this are counted exactly; more, estimated
	 * from a sample (see census()). */
	EXACT_BELOW = 2000,
	/* A sampled count sees SAMPLE to 2 * SAMPLE matches (see census()). */
	SAMPLE = 500,
	/* Sampling rates 1/2 .. 1/2^(SAMPLE_LEVELS - 1). */
	SAMPLE_LEVELS = 16,
	/* DatabaseModifiedError retries after the first attempt. */
	RETRIES = 3,
};

struct pxap_writer {
	Xapian::WritableDatabase db;
	Xapian::TermGenerator tg;
};

/* Every document's facet values by docid, read from the value streams
 * once per index revision (see load_facets()). */
struct facet_table {
	bool loaded = false;
	Xapian::rev rev = 0;		/* of the database read */
	unsigned long opening = 0;	/* pxap_reader.openings when read */
	Xapian::docid end = 0;		/* docids below this are in vals */
	/* Value number n (from 1) of facet f is names[f][n - 1]. */
	std::vector<std::string> names[NFACETS];
	/* vals[docid * NFACETS + f]: the document's value number, 0 = none. */
	std::vector<uint32_t> vals;
	/* level[k], k >= 1: the docids below end whose sample_hash() is below
	 * 2^(32-k), ascending; about one docid in 2^k (see census()). */
	std::vector<Xapian::docid> level[SAMPLE_LEVELS];
};

struct facet_entry {
	std::string name;
	size_t freq;
};

struct pxap_results {
	size_t total = 0;
	bool exact = true;	/* total and facet counts counted, not estimated */
	std::vector<std::string> ids;
	/* records[i]: hit i's record; not copied into the results cache,
	 * which would hold every shown document's excerpt. */
	std::vector<std::string> records;
	std::vector<double> scores;
	std::vector<facet_entry> facets[NFACETS];
	/* The query's unprefixed text terms, for snippets (snippet.c);
	 * term_ptrs point into terms. */
	std::vector<std::string> terms;
	std::vector<const char *> term_ptrs;

	pxap_results() = default;
	pxap_results(const pxap_results &o)
		: total(o.total), exact(o.exact), ids(o.ids), scores(o.scores), terms(o.terms)
	{
		for (int f = 0; f < NFACETS; f++)
			facets[f] = o.facets[f];
		point_at_terms();
	}
	pxap_results &operator=(const pxap_results &) = delete;

	void point_at_terms()
	{
		term_ptrs.clear();
		for (const std::string &t : terms)
			term_ptrs.push_back(t.c_str());
	}
};

/* The last searches' results of one reader (one per worker process), for
 * one open revision. A search's answer depends only on its query, its page
 * and the revision it ran against, so an entry answers exactly as running
 * the search again would; a new commit or a reopened index empties the
 * cache. The key is the whole Xapian query serialised, with its filters and
 * access groups, so an entry only ever answers a search that would have
 * returned the same documents to the same reader. Least recently used
 * entries go first. */
struct lru_results {
	typedef std::pair<std::string, pxap_results> entry;
	std::list<entry> lru;		/* most recently used first */
	std::unordered_map<std::string, std::list<entry>::iterator> where;
	unsigned long hits = 0;
};

/* The counts (total, exactness, facets) of a query do not depend on its
 * page or order: a second list keeps them by the query's matching part, so
 * the next page or the other order is ranked but not counted again, and
 * shows the same total. */
struct result_cache {
	size_t capacity = 0;		/* entries of each list; 0 = off */
	Xapian::rev rev = 0;		/* of the database the entries came from */
	unsigned long opening = 0;	/* pxap_reader.openings then */
	lru_results pages;		/* whole answers, by query and page */
	lru_results counts;		/* counts only, by matching query */
};

/* "syn:N" in a query's text: synonym group N of the query being parsed
 * (pxap_query.synonyms) as one OP_SYNONYM, each of its terms parsed as
 * text (a Chinese term the AND of its bigrams) with the field prefix of the
 * parse ("" for the text, "S" for the title weight). Owned by the reader's
 * QueryParser; group and prefix are set around each parse (build_query). */
struct synonym_field : Xapian::FieldProcessor {
	const struct pxap_query *pq = nullptr;
	std::string prefix;
	Xapian::QueryParser words;	/* the alternatives (not re-entrant: its own) */

	synonym_field()
	{
		words.set_stemmer(Xapian::Stem());
		words.set_stemming_strategy(Xapian::QueryParser::STEM_NONE);
		words.set_default_op(Xapian::Query::OP_AND);
	}
	Xapian::Query operator()(const std::string &str) override;
};

struct pxap_reader {
	std::string path;	/* to open afresh; see refresh() */
	dev_t dev;		/* identity of the directory opened */
	ino_t ino;
	ino_t stub;		/* ... and of its stub file, a replica's (0: none) */
	unsigned long openings = 0;	/* open_fresh() calls that worked */
	bool fresh = false;	/* pxap_reader_refresh() just ran: the next search need not */
	Xapian::Database db;
	Xapian::QueryParser qp;
	synonym_field *synonyms = nullptr;	/* owned by qp */
	facet_table facets;
	result_cache cache;
	struct {		/* see pxap_reader_epoch() */
		Xapian::rev rev = 0;
		unsigned long opening = 0, n = 0;
	} epoch;
};

/* ---- errors ----------------------------------------------------------- */

static void seterr(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

/* Call only from inside a catch handler: describe the exception being
 * handled. Never throws (allocation failure while describing is reported
 * as such). */
static void report(char *err, size_t errlen)
{
	try {
		try {
			throw;
		} catch (const Xapian::Error &e) {
			seterr(err, errlen, e.get_description().c_str());
		} catch (const std::exception &e) {
			seterr(err, errlen, e.what());
		} catch (...) {
			seterr(err, errlen, "unknown C++ exception");
		}
	} catch (...) {
		seterr(err, errlen, "out of memory describing an error");
	}
}

/* Used for our own argument checks; caught and reported like any other. */
struct usage_error : std::exception {
	const char *msg;
	explicit usage_error(const char *m) : msg(m) {}
	const char *what() const noexcept override { return msg; }
};

/* A term the index would refuse, named in the message (its start). */
struct term_too_long : std::exception {
	std::string msg;
	explicit term_too_long(const std::string &term)
	{
		size_t cut = std::min<size_t>(term.size(), 40);
		while (cut < term.size() && (term[cut] & 0xC0) == 0x80)
			cut--;	/* not inside a UTF-8 sequence */
		msg = "one of its index terms is too long (" + std::to_string(term.size()) +
		      " bytes; the index takes at most " + std::to_string(MAX_TERM) + "): " +
		      term.substr(0, cut) + "...";
	}
	const char *what() const noexcept override { return msg.c_str(); }
};

static bool given(const char *s)
{
	return s && *s;
}

/* ---- writer ----------------------------------------------------------- */

pxap_writer *pxap_writer_open(const char *path, char *err, size_t errlen)
{
	try {
		if (!given(path))
			throw usage_error("pxap_writer_open: no path");
		std::unique_ptr<pxap_writer> w(new pxap_writer);
		w->db = Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
		w->tg.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
		/* The default Stem() is "none": terms are indexed as written
		 * (lower-cased), matching the reader's QueryParser. */
		w->tg.set_stemmer(Xapian::Stem());
		return w.release();
	} catch (...) {
		report(err, errlen);
		return NULL;
	}
}

static void add_boolean(Xapian::Document &d, const char *prefix, const char *value)
{
	std::string term(prefix);
	term += value;
	if (term.size() > MAX_TERM)
		throw term_too_long(term);
	d.add_boolean_term(term);
}

int pxap_writer_put(pxap_writer *w, const struct pxap_doc *doc, char *err, size_t errlen)
{
	try {
		if (!w || !doc || !given(doc->id))
			throw usage_error("pxap_writer_put: document without id");
		Xapian::Document d;
		Xapian::TermGenerator &tg = w->tg;
		tg.set_document(d);
		if (doc->title) {
			/* Title: once prefixed for title: searches, and again
			 * unprefixed at three times the weight of body text. The
			 * position gaps stop phrases spanning title and body. */
			tg.index_text(doc->title, 1, "S");
			tg.increase_termpos();
			tg.index_text(doc->title, 3);
			tg.increase_termpos();
		}
		if (doc->body && doc->body_len)
			tg.index_text(Xapian::Utf8Iterator(doc->body, doc->body_len));

		add_boolean(d, "Q", doc->id);
		if (given(doc->doc_type)) {
			add_boolean(d, "XT", doc->doc_type);
			d.add_value(SLOT_TYPE, doc->doc_type);
		}
		if (given(doc->sector)) {
			add_boolean(d, "XS", doc->sector);
			d.add_value(SLOT_SECTOR, doc->sector);
		}
		if (given(doc->year)) {
			add_boolean(d, "XY", doc->year);
			d.add_value(SLOT_YEAR, doc->year);
		}
		if (given(doc->industry)) {
			add_boolean(d, "XI", doc->industry);
			d.add_value(SLOT_INDUSTRY, doc->industry);
		}
		if (given(doc->grade)) {
			add_boolean(d, "XG", doc->grade);
			d.add_value(SLOT_GRADE, doc->grade);
		}
		if (given(doc->enterprise)) {
			tg.increase_termpos();
			tg.index_text(doc->enterprise, 1, "XE");
		}
		for (size_t i = 0; i < doc->nwterms; i++) {
			if (!given(doc->wterms[i]))
				continue;
			if (strlen(doc->wterms[i]) > MAX_TERM)
				throw term_too_long(doc->wterms[i]);
			d.add_term(doc->wterms[i], doc->wdfs && doc->wdfs[i] ? doc->wdfs[i] : 1);
		}
		for (size_t i = 0; i < doc->ncases; i++)
			if (given(doc->cases[i]))
				add_boolean(d, "XC", doc->cases[i]);
		for (size_t i = 0; i < doc->naccess; i++)
			if (given(doc->access[i]))
				add_boolean(d, "XA", doc->access[i]);
		for (size_t i = 0; i < doc->nterms; i++)
			if (given(doc->terms[i]))
				add_boolean(d, "", doc->terms[i]);
		d.add_value(SLOT_DATE, Xapian::sortable_serialise((double)doc->date));
		/* The data: the id, then the record after a NUL byte. */
		std::string data(doc->id);
		if (doc->record && doc->record_len) {
			data.push_back('\0');
			data.append(doc->record, doc->record_len);
		}
		d.set_data(data);

		w->db.replace_document(std::string("Q") + doc->id, d);
		return 0;
	} catch (...) {
		report(err, errlen);
		return -1;
	}
}

int pxap_writer_delete(pxap_writer *w, const char *id, char *err, size_t errlen)
{
	try {
		if (!w || !given(id))
			throw usage_error("pxap_writer_delete: no id");
		w->db.delete_document(std::string("Q") + id);
		return 0;
	} catch (...) {
		report(err, errlen);
		return -1;
	}
}

int pxap_writer_commit(pxap_writer *w, char *err, size_t errlen)
{
	try {
		if (!w)
			throw usage_error("pxap_writer_commit: no writer");
		w->db.commit();
		return 0;
	} catch (...) {
		report(err, errlen);
		return -1;
	}
}

/* The metadata key of the term scheme's version (xap.h). */
static const char FORMAT_KEY[] = "portal.format";

int pxap_writer_set_format(pxap_writer *w, int format, char *err, size_t errlen)
{
	try {
		if (!w)
			throw usage_error("pxap_writer_set_format: no writer");
		w->db.set_metadata(FORMAT_KEY, std::to_string(format));
		return 0;
	} catch (...) {
		report(err, errlen);
		return -1;
	}
}

int pxap_format(const char *path, char *err, size_t errlen)
{
	try {
		if (!given(path))
			throw usage_error("pxap_format: no path");
		std::string v = Xapian::Database(path).get_metadata(FORMAT_KEY);
		return v.empty() ? 0 : atoi(v.c_str());
	} catch (...) {
		report(err, errlen);
		return -1;
	}
}

void pxap_writer_close(pxap_writer *w)
{
	if (!w)
		return;
	try {
		/* close() commits pending changes; an error here is lost, which
		 * is why callers commit explicitly first. */
		w->db.close();
	} catch (...) {
	}
	delete w;
}

int pxap_compact(const char *from, const char *to, char *err, size_t errlen)
{
	try {
		if (!given(from) || !given(to))
			throw usage_error("pxap_compact: no path");
		Xapian::Database(from).compact(to, Xapian::DBCOMPACT_NO_RENUMBER);
		return 0;
	} catch (...) {
		report(err, errlen);
		return -1;
	}
}

/* ---- reader ----------------------------------------------------------- */

/* The stub file of a search host's replica (xapian-replicate keeps the
 * live copy in replica_N/ and names it in path/XAPIANDB, which it replaces
 * when a whole new copy arrives): its inode, 0 when path has none. */
static ino_t stub_of(const std::string &path)
{
	struct stat st;
	return stat((path + "/XAPIANDB").c_str(), &st) == 0 ? st.st_ino : 0;
}

/* Open r->path from scratch, remembering which directory it was. */
static void open_fresh(pxap_reader *r)
{
	struct stat st;
	if (stat(r->path.c_str(), &st) != 0)
		st.st_dev = 0, st.st_ino = 0;
	ino_t stub = stub_of(r->path);
	r->db = Xapian::Database(r->path);
	/* Only once the open has worked, so a failure is retried next time. */
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	r->stub = stub;
	r->openings++;
}

pxap_reader *pxap_reader_open(const char *path, char *err, size_t errlen)
{
	try {
		if (!given(path))
			throw usage_error("pxap_reader_open: no path");
		std::unique_ptr<pxap_reader> r(new pxap_reader);
		r->path = path;
		open_fresh(r.get());
		Xapian::QueryParser &qp = r->qp;
		qp.set_default_op(Xapian::Query::OP_AND);
		qp.set_stemmer(Xapian::Stem());
		qp.set_stemming_strategy(Xapian::QueryParser::STEM_NONE);
		qp.add_prefix("title", "S");
		qp.add_boolean_prefix("type", "XT");
		qp.add_boolean_prefix("sector", "XS");
		qp.add_boolean_prefix("year", "XY");
		qp.add_boolean_prefix("case", "XC");
		qp.add_boolean_prefix("industry", "XI");
		qp.add_boolean_prefix("grade", "XG");
		qp.add_prefix("enterprise", "XE");
		qp.add_prefix("standard", "XN");
		r->synonyms = new synonym_field;
		qp.add_prefix("syn", r->synonyms->release());
		/* year:2012..2015 (years are four-digit strings, so string
		 * order is numeric order). */
		/* release(): the QueryParser then owns it (without, it is never freed). */
		qp.add_rangeprocessor((new Xapian::RangeProcessor(SLOT_YEAR, "year:"))->release());
		return r.release();
	} catch (...) {
		report(err, errlen);
		return NULL;
	}
}

void pxap_reader_close(pxap_reader *r)
{
	if (!r)
		return;
	try {
		r->db.close();
	} catch (...) {
	}
	delete r;
}

/* Bring the reader up to the latest commit. reopen() alone misses an index
 * rebuilt elsewhere and renamed into place (or deleted and recreated): the
 * new one may have a revision no higher than ours, and we would go on
 * reading the old, unlinked files. So a changed directory, or a failing
 * reopen(), means opening the path afresh; if that fails too, the error
 * propagates. */
static void refresh(pxap_reader *r)
{
	struct stat st;
	if (stat(r->path.c_str(), &st) == 0 && (st.st_dev != r->dev || st.st_ino != r->ino ||
						   stub_of(r->path) != r->stub)) {
		open_fresh(r);
		return;
	}
	try {
		r->db.reopen();
	} catch (const Xapian::DatabaseError &) {
		open_fresh(r);
	}
}

int pxap_document_record(pxap_reader *r, const char *id, const char *group, char **rec,
			 size_t *len, char *err, size_t errlen)
{
	*rec = NULL;
	*len = 0;
	try {
		if (!r || !given(id) || !given(group))
			throw usage_error("pxap_document_record: no reader, id or group");
		const std::string idterm = std::string("Q") + id, access = std::string("XA") + group;
		for (int attempt = 0;; attempt++) {
			try {
				refresh(r);
				Xapian::PostingIterator p = r->db.postlist_begin(idterm);
				if (p == r->db.postlist_end(idterm))
					return 0;
				Xapian::Document doc = r->db.get_document(*p);
				Xapian::TermIterator t = doc.termlist_begin();
				t.skip_to(access);
				if (t == doc.termlist_end() || *t != access)
					return 0;
				std::string data = doc.get_data();
				size_t nul = data.find('\0');
				if (nul == std::string::npos)
					return 0;	/* no record: an index older than records */
				*len = data.size() - nul - 1;
				*rec = static_cast<char *>(malloc(*len + 1));
				if (!*rec)
					throw std::bad_alloc();
				memcpy(*rec, data.data() + nul + 1, *len);
				(*rec)[*len] = '\0';
				return 1;
			} catch (const Xapian::DatabaseModifiedError &) {
				if (attempt == RETRIES)
					throw;
			}
		}
	} catch (...) {
		report(err, errlen);
		return -1;
	}
}

long pxap_reader_doccount(pxap_reader *r, char *err, size_t errlen)
{
	try {
		if (!r)
			throw usage_error("pxap_reader_doccount: no reader");
		refresh(r);
		return (long)r->db.get_doccount();
	} catch (...) {
		report(err, errlen);
		return -1;
	}
}

/* ---- queries ---------------------------------------------------------- */


/* The code points of s from byte skip on. */
static std::vector<unsigned> codepoints(const std::string &s, size_t skip)
{
	std::vector<unsigned> out;
	for (Xapian::Utf8Iterator u(s.data() + skip, s.size() - skip); u != Xapian::Utf8Iterator(); ++u)
		out.push_back(*u);
	return out;
}


static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\f' && *s != '\v')
			return false;
	return true;
}

/* Parse user text. Full syntax first; on a syntax error, the same text
 * with no operators; failing even that, the text with ASCII punctuation
 * turned into spaces. Users never see a syntax error. */
static Xapian::Query parse_text(Xapian::QueryParser &qp, const std::string &text)
{
	const unsigned full = Xapian::QueryParser::FLAG_DEFAULT |
		Xapian::QueryParser::FLAG_CJK_NGRAM |
		Xapian::QueryParser::FLAG_PURE_NOT;
	const unsigned plain = Xapian::QueryParser::FLAG_CJK_NGRAM;
	try {
		return qp.parse_query(text, full);
	} catch (const Xapian::QueryParserError &) {
	}
	try {
		return qp.parse_query(text, plain);
	} catch (const Xapian::QueryParserError &) {
	}
	std::string words(text);
	for (char &c : words) {
		unsigned char u = (unsigned char)c;
		if (u < 0x80 && !((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z')))
			c = ' ';
	}
	return qp.parse_query(words, plain);
}

static Xapian::Query filter(const Xapian::Query &q, const char *prefix, const char *value)
{
	if (!given(value))
		return q;
	return Xapian::Query(Xapian::Query::OP_FILTER, q, Xapian::Query(std::string(prefix) + value));
}

/* A CJK word is parsed into the AND of its characters and its bigrams
 * (医疗机构: 医 AND 医疗 AND 疗 AND 疗机 AND 机 AND 机构 AND 构). A document
 * with every bigram has every character too, so the characters change
 * nothing about what matches; they only add long posting lists to walk
 * (common characters occur in nearly every document) and weight that
 * says little. thin_ngrams() drops, in every such AND, the characters
 * covered by a bigram of the same field. One-character words, phrases and
 * everything else are left as parsed. */
static std::string term_prefix(const std::string &t)
{
	size_t k = 0;
	while (k < t.size() && t[k] >= 'A' && t[k] <= 'Z')
		k++;
	return t.substr(0, k);
}

static Xapian::Query thin_ngrams(const Xapian::Query &q)
{
	Xapian::Query::op op = q.get_type();
	size_t n = q.get_num_subqueries();
	std::vector<Xapian::Query> kids;
	if (op == Xapian::Query::OP_AND) {
		std::vector<std::string> terms;
		for (size_t i = 0; i < n; i++) {
			Xapian::Query sub = q.get_subquery(i);
			if (sub.get_type() != Xapian::Query::LEAF_TERM)
				break;
			terms.push_back(*sub.get_terms_begin());
		}
		if (terms.size() == n && n > 1) {
			std::set<std::string> covered;	/* prefix + character */
			for (const std::string &t : terms) {
				std::string p = term_prefix(t);
				std::vector<unsigned> cp = codepoints(t, p.size());
				if (cp.size() == 2 && snippet_is_cjk(cp[0]) && snippet_is_cjk(cp[1])) {
					std::string a = p, b = p;
					Xapian::Unicode::append_utf8(a, cp[0]);
					Xapian::Unicode::append_utf8(b, cp[1]);
					covered.insert(a);
					covered.insert(b);
				}
			}
			for (const std::string &t : terms)
				if (!covered.count(t))
					kids.push_back(Xapian::Query(t));
			if (kids.size() == n)
				return q;
			return Xapian::Query(op, kids.begin(), kids.end());
		}
	} else if (op != Xapian::Query::OP_OR && op != Xapian::Query::OP_AND_MAYBE &&
		   op != Xapian::Query::OP_AND_NOT && op != Xapian::Query::OP_FILTER &&
		   op != Xapian::Query::OP_XOR && op != Xapian::Query::OP_SYNONYM) {
		return q;	/* leaves, phrases, NEAR, scaled weights, ... */
	}
	for (size_t i = 0; i < n; i++)
		kids.push_back(thin_ngrams(q.get_subquery(i)));
	return Xapian::Query(op, kids.begin(), kids.end());
}

Xapian::Query synonym_field::operator()(const std::string &str)
{
	char *end;
	unsigned long n = strtoul(str.c_str(), &end, 10);
	if (!pq || str.empty() || *end || n >= pq->nsynonyms || !given(pq->synonyms[n]))
		return Xapian::Query::MatchNothing;
	std::vector<Xapian::Query> alts;
	std::string group(pq->synonyms[n]);
	for (size_t from = 0; from <= group.size();) {
		size_t tab = group.find('\t', from);
		if (tab == std::string::npos)
			tab = group.size();
		std::string term = group.substr(from, tab - from);
		from = tab + 1;
		if (term.empty())
			continue;
		/* As words, not phrases: measured in bench/relevance, each
		 * alternative as a phrase lost (0.885 nDCG@10 against 0.898). */
		Xapian::Query t = thin_ngrams(words.parse_query(term, Xapian::QueryParser::FLAG_CJK_NGRAM, prefix));
		if (!t.empty())
			alts.push_back(t);
	}
	if (alts.empty())
		return Xapian::Query::MatchNothing;
	return Xapian::Query(Xapian::Query::OP_SYNONYM, alts.begin(), alts.end());
}

/* Parse user text (parse_text()) or, with a prefix, the title's extra
 * weight, with pq's synonym groups at hand for "syn:N". */
static Xapian::Query parse_with_synonyms(pxap_reader *r, const struct pxap_query *pq, const char *prefix)
{
	struct reset {
		synonym_field *f;
		~reset() { f->pq = nullptr; f->prefix.clear(); }
	} after{ r->synonyms };
	r->synonyms->pq = pq;
	r->synonyms->prefix = prefix;
	if (!*prefix)
		return thin_ngrams(parse_text(r->qp, pq->q));
	return thin_ngrams(r->qp.parse_query(pq->q,
		Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_CJK_NGRAM, prefix));
}

static Xapian::Query restrict_query(Xapian::Query q, const struct pxap_query *pq);

/* Weight for the document types and the industry a query's intent favours
 * (intent.h): OP_AND_MAYBE, so they rank and never widen or filter. The
 * weight is a fixed amount from the type and industry values (facets); the
 * text's own BM25 weights are a few units per word. */
static double env_weight(const char *name, double dflt)
{
	const char *e = getenv(name);	/* bench/relevance sweeps them */
	return e && *e ? atof(e) : dflt;
}

static double prefer_weight()
{
	static double w = env_weight("PORTAL_PREFER_WEIGHT", PXAP_PREFER_WEIGHT);
	return w;
}

static double industry_weight()
{
	static double w = env_weight("PORTAL_INDUSTRY_WEIGHT", PXAP_INDUSTRY_WEIGHT);
	return w;
}

static Xapian::Query prefer_always(Xapian::Query q, const struct pxap_query *pq)
{
	double w = prefer_weight(), wi = industry_weight();
	if (pq->nprefer_type && w > 0) {
		Xapian::ValueMapPostingSource *src = new Xapian::ValueMapPostingSource(SLOT_TYPE);
		for (size_t i = 0; i < pq->nprefer_type; i++)
			if (given(pq->prefer_type[i]))
				src->add_mapping(pq->prefer_type[i], w * pq->prefer_type_share[i]);
		src->set_default_weight(0);
		q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, Xapian::Query(src->release()));
	}
	if (given(pq->prefer_industry) && wi > 0) {
		Xapian::ValueMapPostingSource *src = new Xapian::ValueMapPostingSource(SLOT_INDUSTRY);
		src->add_mapping(pq->prefer_industry, wi);
		src->set_default_weight(0);
		q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, Xapian::Query(src->release()));
	}
	return q;
}

static double value_weight()
{
	static double w = env_weight("PORTAL_VALUE_WEIGHT", PXAP_VALUE_WEIGHT);
	return w;
}

/* The values a query names (pxap_query.values): each group a fixed weight
 * for the documents carrying any of its terms (boolean terms: their own
 * weight is nothing). Empty when there are none. */
static Xapian::Query value_query(const struct pxap_query *pq)
{
	std::vector<Xapian::Query> groups;
	for (size_t i = 0; i < pq->nvalues; i++) {
		if (!given(pq->values[i]))
			continue;
		std::vector<Xapian::Query> terms;
		std::string group(pq->values[i]);
		for (size_t from = 0; from < group.size();) {
			size_t tab = group.find('\t', from);
			if (tab == std::string::npos)
				tab = group.size();
			if (tab > from)
				terms.push_back(Xapian::Query(group.substr(from, tab - from)));
			from = tab + 1;
		}
		if (terms.empty())
			continue;
		Xapian::Query w((new Xapian::FixedWeightPostingSource(value_weight()))->release());
		groups.push_back(Xapian::Query(Xapian::Query::OP_FILTER, w,
			Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end())));
	}
	if (groups.empty())
		return Xapian::Query();
	return Xapian::Query(Xapian::Query::OP_OR, groups.begin(), groups.end());
}

/* The preferences of a query with text (a blank query lists everything,
 * which they would reorder). */
static Xapian::Query prefer(Xapian::Query q, const struct pxap_query *pq)
{
	return blank(pq->q) ? q : prefer_always(q, pq);
}

/* The whole query: user text (or everything) and boost terms, then the field
 * filters, then the access filter. Filters never change the weights. */
static Xapian::Query build_query(pxap_reader *r, const struct pxap_query *pq)
{
	if (!pq->all_access && pq->naccess == 0)
		return Xapian::Query::MatchNothing;

	Xapian::Query q = blank(pq->q) ? Xapian::Query::MatchAll : parse_with_synonyms(r, pq, "");
	if (!blank(pq->q)) {
		/* Words that are in the title count again: the same text
		 * parsed into the title field adds weight, never matches. */
		try {
			Xapian::Query t = parse_with_synonyms(r, pq, "S");
			if (!t.empty())
				q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q,
					Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, t, TITLE_BOOST));
		} catch (const Xapian::QueryParserError &) {
		}
	}
	q = prefer(q, pq);
	std::vector<Xapian::Query> joins;
	for (size_t i = 0; i < pq->njoins; i++)
		if (given(pq->joins[i]))
			joins.push_back(Xapian::Query(pq->joins[i]));
	if (!joins.empty() && !blank(pq->q))
		q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q,
			Xapian::Query(Xapian::Query::OP_OR, joins.begin(), joins.end()));
	/* values: rank what the text matches; with no text, match */
	Xapian::Query v = value_query(pq);
	if (!v.empty() && !blank(pq->q))
		q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, v);
	std::vector<Xapian::Query> alts;
	for (size_t i = 0; i < pq->nalt; i++)
		if (given(pq->alt[i]))
			alts.push_back(Xapian::Query(pq->alt[i]));
	std::vector<Xapian::Query> boosts;
	for (size_t i = 0; i < pq->nboost; i++)
		if (given(pq->boost[i]))
			boosts.push_back(Xapian::Query(pq->boost[i]));
	Xapian::Query a;
	if (!alts.empty()) {
		a = Xapian::Query(Xapian::Query::OP_OR, alts.begin(), alts.end());
		a = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, a, BOOST);
	}
	if (!v.empty() && blank(pq->q))
		a = a.empty() ? v : Xapian::Query(Xapian::Query::OP_OR, a, v);
	if (!a.empty()) {
		if (!blank(pq->q))
			q = Xapian::Query(Xapian::Query::OP_OR, q, a);
		else if (boosts.empty())
			q = a;
	}
	if (!boosts.empty()) {
		Xapian::Query b(Xapian::Query::OP_OR, boosts.begin(), boosts.end());
		b = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, b, BOOST);
		if (!blank(pq->q))
			q = Xapian::Query(Xapian::Query::OP_AND, q, b);
		else if (!a.empty())	/* alternatives rank, never widen */
			q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, b, a);
		else
			q = b;
	}
	return restrict_query(q, pq);
}

/* Filters, excludes and the access filter around any query. */
static Xapian::Query restrict_query(Xapian::Query q, const struct pxap_query *pq)
{
	if (!pq->all_access && pq->naccess == 0)
		return Xapian::Query::MatchNothing;
	q = filter(q, "XI", pq->industry);
	q = filter(q, "XG", pq->grade);
	q = filter(q, "XT", pq->doc_type);
	q = filter(q, "XS", pq->sector);
	q = filter(q, "XY", pq->year);
	q = filter(q, "XC", pq->case_id);

	for (size_t i = 0; i < pq->nexclude; i++)
		if (given(pq->exclude[i]))
			q = Xapian::Query(Xapian::Query::OP_AND_NOT, q, Xapian::Query(pq->exclude[i]));

	if (!pq->all_access) {
		std::vector<Xapian::Query> groups;
		for (size_t i = 0; i < pq->naccess; i++)
			if (given(pq->access[i]))
				groups.push_back(Xapian::Query(std::string("XA") + pq->access[i]));
		if (groups.empty())
			return Xapian::Query::MatchNothing;
		q = Xapian::Query(Xapian::Query::OP_FILTER, q,
			Xapian::Query(Xapian::Query::OP_OR, groups.begin(), groups.end()));
	}
	return q;
}

/* ---- facets ----------------------------------------------------------- */

static const Xapian::valueno facet_slot[NFACETS] = {
	SLOT_TYPE, SLOT_SECTOR, SLOT_YEAR, SLOT_INDUSTRY, SLOT_GRADE,
};

/* Bring r->facets up to the revision r->db has open. Reading the five
 * value streams whole costs a few milliseconds per 10,000 documents, once
 * per commit; in exchange counting a match costs five array reads. (With
 * Xapian's ValueCountMatchSpy each match looked its values up in the index,
 * a quarter of a search's CPU at 100,000 documents.) May throw
 * DatabaseModifiedError; the table is then left unloaded. */
/* A docid's place in the samples: a fixed pseudo-random number, so that a
 * sample is spread over the whole index (old and new documents alike) and
 * never follows a pattern in upload order. */
static uint32_t sample_hash(Xapian::docid did)
{
	uint32_t h = (uint32_t)did * UINT32_C(0x9e3779b1);
	h ^= h >> 16;
	h *= UINT32_C(0x85ebca6b);
	h ^= h >> 13;
	h *= UINT32_C(0xc2b2ae35);
	h ^= h >> 16;
	return h;
}

static const facet_table &load_facets(pxap_reader *r)
{
	facet_table &t = r->facets;
	Xapian::rev rev = r->db.get_revision();
	if (t.loaded && t.rev == rev && t.opening == r->openings)
		return t;
	t.loaded = false;
	t.end = r->db.get_lastdocid() + 1;
	t.vals.assign((size_t)t.end * NFACETS, 0);
	for (int f = 0; f < NFACETS; f++) {
		std::vector<std::string> &names = t.names[f];
		std::unordered_map<std::string, uint32_t> number;
		names.clear();
		for (Xapian::ValueIterator v = r->db.valuestream_begin(facet_slot[f]);
		     v != r->db.valuestream_end(facet_slot[f]); ++v) {
			auto it = number.emplace(*v, (uint32_t)names.size() + 1);
			if (it.second)
				names.push_back(*v);
			Xapian::docid did = v.get_docid();
			if (did < t.end)
				t.vals[(size_t)did * NFACETS + f] = it.first->second;
		}
	}
	for (int k = 1; k < SAMPLE_LEVELS; k++)
		t.level[k].clear();
	for (Xapian::docid did = 1; did < t.end; did++) {
		uint32_t h = sample_hash(did);
		for (int k = 1; k < SAMPLE_LEVELS && h < (UINT32_C(1) << (32 - k)); k++)
			t.level[k].push_back(did);
	}
	t.rev = rev;
	t.opening = r->openings;
	t.loaded = true;
	return t;
}

/* Counts the facet values of every match it is shown, from the table. */
struct facet_spy : Xapian::MatchSpy {
	const facet_table &t;
	std::vector<Xapian::doccount> counts[NFACETS];
	Xapian::doccount seen = 0;

	explicit facet_spy(const facet_table &table) : t(table)
	{
		for (int f = 0; f < NFACETS; f++)
			counts[f].assign(t.names[f].size() + 1, 0);
	}

	void operator()(const Xapian::Document &doc, double) override
	{
		Xapian::docid did = doc.get_docid();
		seen++;
		if (did >= t.end)
			return;
		const uint32_t *v = &t.vals[(size_t)did * NFACETS];
		for (int f = 0; f < NFACETS; f++)
			counts[f][v[f]]++;
	}
};

/* The docids of one sample level, as a posting list to filter by. */
class sample_source : public Xapian::PostingSource {
	const std::vector<Xapian::docid> &ids;
	size_t pos = 0;
	bool started = false;

public:
	explicit sample_source(const std::vector<Xapian::docid> &docids) : ids(docids) {}
	Xapian::doccount get_termfreq_min() const override { return (Xapian::doccount)ids.size(); }
	Xapian::doccount get_termfreq_est() const override { return (Xapian::doccount)ids.size(); }
	Xapian::doccount get_termfreq_max() const override { return (Xapian::doccount)ids.size(); }
	void init(const Xapian::Database &) override
	{
		pos = 0;
		started = false;
	}
	void next(double) override
	{
		if (started)
			pos++;
		started = true;
	}
	void skip_to(Xapian::docid did, double) override
	{
		started = true;
		if (pos < ids.size() && ids[pos] < did)
			pos = std::lower_bound(ids.begin() + pos, ids.end(), did) - ids.begin();
	}
	bool at_end() const override { return started && pos >= ids.size(); }
	Xapian::docid get_docid() const override { return ids[pos]; }
	sample_source *clone() const override { return new sample_source(ids); }
};

/* Round an estimate to two significant digits: 18,251 -> 18,000. */
static Xapian::doccount round_estimate(double n)
{
	double unit = 1;
	while (n >= 100 * unit)
		unit *= 10;
	return (Xapian::doccount)(unit * (Xapian::doccount)(n / unit + 0.5));
}

static bool facet_order(const facet_entry &a, const facet_entry &b)
{
	if (a.freq != b.freq)
		return a.freq > b.freq;
	return a.name < b.name;
}

/* The query as a set of documents: what only weighs (the optional side of
 * OP_AND_MAYBE, the title words; weight scaling) goes. */
static Xapian::Query matching_part(const Xapian::Query &q)
{
	Xapian::Query::op op = q.get_type();
	if (op == Xapian::Query::OP_AND_MAYBE || op == Xapian::Query::OP_SCALE_WEIGHT)
		return matching_part(q.get_subquery(0));
	if (op != Xapian::Query::OP_AND && op != Xapian::Query::OP_OR &&
	    op != Xapian::Query::OP_AND_NOT && op != Xapian::Query::OP_FILTER &&
	    op != Xapian::Query::OP_XOR)
		return q;
	std::vector<Xapian::Query> kids;
	for (size_t i = 0; i < q.get_num_subqueries(); i++)
		kids.push_back(matching_part(q.get_subquery(i)));
	return Xapian::Query(op, kids.begin(), kids.end());
}

/* Whether matching q reads positions (phrases, NEAR): each candidate then
 * costs tens of microseconds, not tens of nanoseconds. */
static bool positional(const Xapian::Query &q)
{
	Xapian::Query::op op = q.get_type();
	if (op == Xapian::Query::OP_PHRASE || op == Xapian::Query::OP_NEAR)
		return true;
	for (size_t i = 0; i < q.get_num_subqueries(); i++)
		if (positional(q.get_subquery(i)))
			return true;
	return false;
}

/* One counting pass: the matches of query among the docids of sample
 * level k (every docid for k = 0), by facet value. Weights are not
 * computed (BoolWeight). */
static void count_level(pxap_reader *r, const facet_table &t, const Xapian::Query &query, int k,
	facet_spy &spy)
{
	sample_source src(t.level[k]);	/* outlives enq, which refers to it */
	Xapian::Enquire enq(r->db);
	enq.set_weighting_scheme(Xapian::BoolWeight());
	if (k == 0)
		enq.set_query(query);
	else
		enq.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(&src)));
	enq.add_matchspy(&spy);
	enq.get_mset(0, 0, r->db.get_doccount());
}

/* The sparsest sample level expected to hold at least want of n matches. */
static int level_for(const facet_table &t, double n, double want)
{
	int k = 0;
	while (k + 1 < SAMPLE_LEVELS && !t.level[k + 1].empty() &&
	       n * t.level[k + 1].size() / (t.end - 1) >= want)
		k++;
	return k;
}

/* ---- result cache ----------------------------------------------------- */

static std::string cache_key(const Xapian::Query &query, const struct pxap_query *pq)
{
	char page[64];
	snprintf(page, sizeof page, "%zu %zu %d %d ", pq->offset, pq->limit, pq->sort_by_date ? 1 : 0,
		 pq->count_all ? 1 : 0);
	return page + query.serialise();
}

static void cache_clear(result_cache &c)
{
	for (lru_results *l : { &c.pages, &c.counts }) {
		l->lru.clear();
		l->where.clear();
	}
}

/* Forget entries of another revision or opening than the one r has open. */
static void cache_follow(pxap_reader *r)
{
	result_cache &c = r->cache;
	Xapian::rev rev = r->db.get_revision();
	if (c.rev == rev && c.opening == r->openings)
		return;
	cache_clear(c);
	c.rev = rev;
	c.opening = r->openings;
}

static const pxap_results *cache_find(lru_results &c, const std::string &key)
{
	auto it = c.where.find(key);
	if (it == c.where.end())
		return NULL;
	c.lru.splice(c.lru.begin(), c.lru, it->second);
	c.hits++;
	return &it->second->second;
}

static void cache_store(lru_results &c, size_t capacity, const std::string &key, const pxap_results &res)
{
	while (!c.lru.empty() && c.lru.size() >= capacity) {
		c.where.erase(c.lru.back().first);
		c.lru.pop_back();
	}
	c.lru.emplace_front(key, res);
	c.where[key] = c.lru.begin();
}

/* ---- counting ---------------------------------------------------------- */

/* Count the matches of query and their facet values into res.
 *
 * Below about EXACT_BELOW matches every match is counted. Beyond that the
 * matches among a sample of the documents are counted (usually SAMPLE to
 * 2 * SAMPLE of them, never fewer than SAMPLE / 2; a quarter of that for a
 * query with phrases) and scaled up; the answer is marked estimated. The sample is a
 * fixed pseudo-random set of docids (sample_hash()), so it covers old and
 * new documents alike and follows no pattern of the upload order.
 *
 * Neither Xapian's figures will do. Its estimate of a total assumes that the
 * query's terms occur independently, which the n-grams of a Chinese word
 * never do: for 清洁生产审核 at 100,000 documents it said 2,000 where 18,738
 * matched. And the matches it examines when told to check at least N are the
 * first N in docid order, the oldest documents: their years are not the
 * index's. lower and upper are Xapian's bounds on the total; count_all
 * asks for every match to be counted whatever their number. */
static void census(pxap_reader *r, const Xapian::Query &whole, Xapian::doccount lower,
	Xapian::doccount upper, bool count_all, pxap_results &res)
{
	Xapian::Query query = matching_part(whole);
	result_cache &cache = r->cache;
	std::string key;
	if (cache.capacity > 0) {
		key = (count_all ? "all " : "sampled ") + query.serialise();
		if (const pxap_results *hit = cache_find(cache.counts, key)) {
			res.total = hit->total;
			res.exact = hit->exact;
			for (int f = 0; f < NFACETS; f++)
				res.facets[f] = hit->facets[f];
			return;
		}
	}
	const facet_table &t = load_facets(r);
	std::unique_ptr<facet_spy> spy;
	double scale = 1.0;
	/* Positions make every candidate dear: a sparser sample, a rougher count. */
	double want = positional(query) ? SAMPLE / 4 : SAMPLE;
	int k = count_all || upper < (Xapian::doccount)EXACT_BELOW ? 0 : level_for(t, upper, want);
	for (int pass = 0;; pass++) {
		spy.reset(new facet_spy(t));
		count_level(r, t, query, k, *spy);
		if (k == 0)
			break;
		scale = (double)(t.end - 1) / t.level[k].size();
		double est = spy->seen * scale;
		/* Few matches after all: count them all. Too few in the sample
		 * (upper was far above the count): a denser sample. */
		int next = est < EXACT_BELOW ? 0 : spy->seen < want / 2 ? level_for(t, est, want) : k;
		if (next == k || pass == 2)
			break;
		k = next;
	}
	if (k == 0) {
		res.total = spy->seen;
		res.exact = true;
		scale = 1.0;
	} else {
		/* A one-term query's total Xapian knows exactly; the facets are
		 * still estimated, and so is the answer as a whole. */
		if (lower == upper)
			scale = spy->seen ? (double)lower / spy->seen : 1.0;
		else
			res.total = std::min(std::max(round_estimate(spy->seen * scale), lower), upper);
		res.exact = false;
	}
	for (int f = 0; f < NFACETS; f++) {
		std::vector<facet_entry> &out = res.facets[f];
		for (size_t v = 1; v < spy->counts[f].size(); v++) {
			if (!spy->counts[f][v])
				continue;
			size_t c = (size_t)(spy->counts[f][v] * scale + 0.5);
			out.push_back(facet_entry{t.names[f][v - 1], c ? c : 1});
		}
		std::sort(out.begin(), out.end(), facet_order);
	}
	if (!key.empty()) {
		pxap_results counts;
		counts.total = res.total;
		counts.exact = res.exact;
		for (int f = 0; f < NFACETS; f++)
			counts.facets[f] = res.facets[f];
		cache_store(cache.counts, cache.capacity, key, counts);
	}
}

/* One attempt at the search against the current revision. May throw
 * DatabaseModifiedError, in which case res is left for the caller to
 * reset. */
static void run(pxap_reader *r, const Xapian::Query &query, const struct pxap_query *pq,
	bool with_facets, pxap_results &res)
{
	Xapian::Enquire enq(r->db);
	enq.set_query(query);
	if (pq->sort_by_date)
		enq.set_sort_by_value_then_relevance(SLOT_DATE, true);

	Xapian::doccount all = r->db.get_doccount();
	Xapian::doccount first = pq->offset < all ? (Xapian::doccount)pq->offset : all;
	Xapian::doccount n = pq->limit < all - first ? (Xapian::doccount)pq->limit : all - first;
	Xapian::MSet mset = enq.get_mset(first, n);
	Xapian::doccount lower = mset.get_matches_lower_bound();
	Xapian::doccount upper = mset.get_matches_upper_bound();
	res.total = mset.get_matches_estimated();
	res.exact = lower == upper;
	for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
		std::string data = it.get_document().get_data();
		size_t nul = data.find('\0');
		if (nul == std::string::npos) {
			res.ids.push_back(std::move(data));
			res.records.emplace_back();
		} else {
			res.ids.push_back(data.substr(0, nul));
			res.records.push_back(data.substr(nul + 1));
		}
		res.scores.push_back(it.get_percent());
	}
	if (with_facets && upper > 0)
		census(r, query, lower, upper, pq->count_all != 0, res);
}

/* The query's text terms without field prefixes (title:, type:, ...
 * terms are prefixed and left out): what snippets mark. */
static void collect_text_terms(const Xapian::Query &query, pxap_results &res)
{
	for (Xapian::TermIterator t = query.get_unique_terms_begin(); t != query.get_terms_end(); ++t) {
		const std::string &term = *t;
		if (!term.empty() && !(term[0] >= 'A' && term[0] <= 'Z'))
			res.terms.push_back(term);
	}
	res.point_at_terms();
}

void pxap_reader_set_cache(pxap_reader *r, size_t entries)
{
	if (!r)
		return;
	r->cache.capacity = entries;
	cache_clear(r->cache);
}

unsigned long pxap_reader_epoch(pxap_reader *r)
{
	if (!r)
		return 0;
	try {
		Xapian::rev rev = r->db.get_revision();
		if (r->epoch.n == 0 || r->epoch.rev != rev || r->epoch.opening != r->openings) {
			r->epoch.n++;
			r->epoch.rev = rev;
			r->epoch.opening = r->openings;
		}
	} catch (...) {
		r->epoch.n++;	/* unsure: a new epoch is always safe */
	}
	return r->epoch.n;
}

void pxap_reader_refresh(pxap_reader *r)
{
	if (!r)
		return;
	r->fresh = false;
	try {
		refresh(r);
		r->fresh = true;
	} catch (...) {	/* the search that follows reports it */
	}
}

unsigned long pxap_termfreq(pxap_reader *r, const char *term)
{
	if (!r || !term)
		return 0;
	try {
		return r->db.get_termfreq(term);
	} catch (...) {
		return 0;
	}
}

unsigned long pxap_reader_cache_hits(const pxap_reader *r)
{
	return r ? r->cache.pages.hits : 0;
}

unsigned long pxap_reader_count_hits(const pxap_reader *r)
{
	return r ? r->cache.counts.hits : 0;
}

pxap_results *pxap_search(pxap_reader *r, const struct pxap_query *q, char *err, size_t errlen)
{
	try {
		if (!r || !q)
			throw usage_error("pxap_search: no reader or query");
		Xapian::Query query = build_query(r, q);
		bool caching = r->cache.capacity > 0;
		std::string key = caching ? cache_key(query, q) : std::string();
		std::unique_ptr<pxap_results> res;
		for (int attempt = 0;; attempt++) {
			res.reset();
			try {
				if (attempt > 0 || !r->fresh)
					refresh(r);
				r->fresh = false;
				if (caching) {
					cache_follow(r);
					if (const pxap_results *hit = cache_find(r->cache.pages, key))
						return new pxap_results(*hit);
				}
				res.reset(new pxap_results);
				run(r, query, q, true, *res);
				break;
			} catch (const Xapian::DatabaseModifiedError &) {
				/* A commit outran our revision mid-search. */
				if (attempt == RETRIES)
					throw;
			}
		}
		collect_text_terms(query, *res);
		if (caching)
			cache_store(r->cache.pages, r->cache.capacity, key, *res);
		return res.release();
	} catch (...) {
		report(err, errlen);
		return NULL;
	}
}

/* Only plain text terms are worth feeding back: no prefixed (uppercase)
 * terms, no single CJK characters (too common to tell documents apart). */
struct text_terms : Xapian::ExpandDecider {
	bool operator()(const std::string &term) const override
	{
		if (term.empty() || (term[0] >= 'A' && term[0] <= 'Z'))
			return false;
		unsigned char c = (unsigned char)term[0];
		size_t clen = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		return !(c >= 0xE0 && term.size() == clen);
	}
};

pxap_results *pxap_similar(pxap_reader *r, const char *id, const struct pxap_query *q,
			   char *err, size_t errlen)
{
	try {
		if (!r || !q || !given(id))
			throw usage_error("pxap_similar: no reader, id or query");
		std::unique_ptr<pxap_results> res;
		for (int attempt = 0;; attempt++) {
			res.reset(new pxap_results);
			try {
				refresh(r);
				std::string idterm = std::string("Q") + id;
				Xapian::PostingIterator p = r->db.postlist_begin(idterm);
				if (p == r->db.postlist_end(idterm))
					return res.release();
				Xapian::RSet rset;
				rset.add_document(*p);
				Xapian::Enquire enq(r->db);
				enq.set_query(Xapian::Query(idterm));
				text_terms decider;
				Xapian::ESet eset = enq.get_eset(30, rset, &decider);
				Xapian::Query like(Xapian::Query::OP_ELITE_SET, eset.begin(), eset.end(), 15);
				like = Xapian::Query(Xapian::Query::OP_AND_NOT, like, Xapian::Query(idterm));
				run(r, restrict_query(like, q), q, false, *res);
				break;
			} catch (const Xapian::DatabaseModifiedError &) {
				if (attempt == RETRIES)
					throw;
			}
		}
		return res.release();
	} catch (...) {
		report(err, errlen);
		return NULL;
	}
}

pxap_results *pxap_similar_set(pxap_reader *r, const char *const *ids, size_t nids,
			       const struct pxap_query *q, char *err, size_t errlen)
{
	try {
		if (!r || !q || (nids && !ids))
			throw usage_error("pxap_similar_set: no reader, ids or query");
		std::unique_ptr<pxap_results> res;
		for (int attempt = 0;; attempt++) {
			res.reset(new pxap_results);
			try {
				refresh(r);
				Xapian::RSet rset;
				std::vector<Xapian::Query> own;
				std::string industry;
				for (size_t i = 0; i < nids; i++) {
					if (!given(ids[i]))
						continue;
					std::string idterm = std::string("Q") + ids[i];
					Xapian::PostingIterator p = r->db.postlist_begin(idterm);
					if (p == r->db.postlist_end(idterm))
						continue;
					rset.add_document(*p);
					own.push_back(Xapian::Query(idterm));
					if (industry.empty())
						industry = r->db.get_document(*p).get_value(SLOT_INDUSTRY);
				}
				if (rset.empty())
					return res.release();
				Xapian::Enquire enq(r->db);
				enq.set_query(Xapian::Query(Xapian::Query::OP_OR, own.begin(), own.end()));
				text_terms decider;
				Xapian::ESet eset = enq.get_eset(40, rset, &decider);
				Xapian::Query like(Xapian::Query::OP_ELITE_SET, eset.begin(), eset.end(), 20);
				like = Xapian::Query(Xapian::Query::OP_AND_NOT, like,
					Xapian::Query(Xapian::Query::OP_OR, own.begin(), own.end()));
				/* documents of some case only */
				like = Xapian::Query(Xapian::Query::OP_FILTER, like,
					Xapian::Query(Xapian::Query::OP_WILDCARD, "XC"));
				struct pxap_query pq = *q;
				if (!given(pq.prefer_industry) && !industry.empty())
					pq.prefer_industry = industry.c_str();
				run(r, restrict_query(prefer_always(like, &pq), &pq), &pq, false, *res);
				break;
			} catch (const Xapian::DatabaseModifiedError &) {
				if (attempt == RETRIES)
					throw;
			}
		}
		return res.release();
	} catch (...) {
		report(err, errlen);
		return NULL;
	}
}

/* ---- results ---------------------------------------------------------- */

size_t pxap_results_total(const pxap_results *res)
{
	return res ? res->total : 0;
}

int pxap_results_exact(const pxap_results *res)
{
	return res ? res->exact : 1;
}

size_t pxap_results_count(const pxap_results *res)
{
	return res ? res->ids.size() : 0;
}

const char *pxap_results_id(const pxap_results *res, size_t i)
{
	if (!res || i >= res->ids.size())
		return NULL;
	return res->ids[i].c_str();
}

const char *pxap_results_record(const pxap_results *res, size_t i, size_t *len)
{
	*len = 0;
	if (!res || i >= res->records.size() || res->records[i].empty())
		return NULL;
	*len = res->records[i].size();
	return res->records[i].data();
}

double pxap_results_score(const pxap_results *res, size_t i)
{
	if (!res || i >= res->scores.size())
		return 0.0;
	return res->scores[i];
}

size_t pxap_results_terms(const pxap_results *res, const char *const **terms)
{
	if (!res || res->term_ptrs.empty()) {
		*terms = NULL;
		return 0;
	}
	*terms = res->term_ptrs.data();
	return res->term_ptrs.size();
}

size_t pxap_results_facet_count(const pxap_results *res, int facet)
{
	if (!res || facet < 0 || facet >= NFACETS)
		return 0;
	return res->facets[facet].size();
}

const char *pxap_results_facet_name(const pxap_results *res, int facet, size_t i)
{
	if (!res || facet < 0 || facet >= NFACETS || i >= res->facets[facet].size())
		return NULL;
	return res->facets[facet][i].name.c_str();
}

size_t pxap_results_facet_freq(const pxap_results *res, int facet, size_t i)
{
	if (!res || facet < 0 || facet >= NFACETS || i >= res->facets[facet].size())
		return 0;
	return res->facets[facet][i].freq;
}

void pxap_results_free(pxap_results *res)
{
	delete res;
}
