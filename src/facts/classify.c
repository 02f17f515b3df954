/* classify.c: document types from title and structure cues plus naive Bayes.
 *
 * Text to features. The first PORTAL_CLASSIFY_MAX_CHARS characters are
 * read with full-width ASCII folded to ASCII and letters lowered. Features
 * are CJK character bigrams (blank space between two characters does not
 * break a bigram: PDF covers come out as "中 华 人 民"; anything else does)
 * and ASCII words of two letters or more (the first 11 letters kept). Each
 * feature is a 64-bit key that can be turned back into its text: a bigram
 * is flag 62 | cp1 << 21 | cp2, a word is flag 63 | length << 55 | five
 * bits per letter. The title's features count TITLE_WEIGHT times.
 *
 * Training keeps the features found in at least MIN_DF documents, the
 * VOCAB_MAX most widespread of them, and counts them per type; each
 * document's counts are first scaled to DOC_MASS in total, so a
 * 20000-character law weighs no more than a two-page notice. Smoothing is
 * Lidstone with ALPHA. Scoring takes the average log-likelihood per token
 * (so long and short texts get comparable scores) and the calibration in
 * classify.h.
 *
 * The model file is text:
 *
 *	portal-doc-type-model 1
 *	types audit_report feasibility_study ... other
 *	docs 8 8 60 8 11 8 8 343
 *	params alpha=0.1 temperature=0.031 prior_weight=0.5 cue_scale=1 evidence_cap=5
 *	features 12000
 *	清洁<TAB>c0 c1 c2 c3 c4 c5 c6 c7	(weighted counts per type)
 *	...
 *
 * Cues are a table of title endings and a few structural tests (below). */
#include "classify.h"
#include "log.h"
#include "utf8.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define K PORTAL_DOC_TYPES
#define T_AUDIT 0
#define T_FEAS 1
#define T_STD 2
#define T_GUIDE 3
#define T_NOTICE 4
#define T_APPL 5
#define T_ACCEPT 6
#define T_OTHER 7

#define TITLE_WEIGHT 3.0
#define MIN_DF 2
#define VOCAB_MAX 40000
#define DOC_MASS 1000.0
#define ALPHA 0.1
#define HEAD_BYTES 3000		/* where cover and title lines are looked for */
#define HEAD_LINES 80
#define MODEL_MAGIC "portal-doc-type-model 1"

const char *const portal_classify_types[K] = {
	"audit_report", "feasibility_study", "standard", "guideline",
	"policy_notice", "project_application", "acceptance_report", "other",
};

int portal_classify_type_index(const char *name)
{
	for (int i = 0; name && i < K; i++)
		if (strcmp(portal_classify_types[i], name) == 0)
			return i;
	return -1;
}

/* ---- characters ------------------------------------------------------- */

static int is_cjk(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF);
}

static int is_blank(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v';
}

/* ---- a hash map from 64-bit keys -------------------------------------- */

struct fmap {
	uint64_t *keys;		/* 0 = empty */
	uint32_t *vals;
	size_t cap, n;
};

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

static void fmap_init(struct fmap *m, size_t want)
{
	size_t cap = 64;
	while (cap < want * 2)
		cap *= 2;
	m->keys = xcalloc(cap, sizeof *m->keys);
	m->vals = xcalloc(cap, sizeof *m->vals);
	m->cap = cap;
	m->n = 0;
}

static void fmap_free(struct fmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* The slot of key: where it is, or the empty slot where it would go. */
static size_t fmap_slot(const struct fmap *m, uint64_t key)
{
	size_t i = (size_t)mix(key) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static int fmap_get(const struct fmap *m, uint64_t key, uint32_t *val)
{
	if (!m->cap)
		return 0;
	size_t i = fmap_slot(m, key);
	if (!m->keys[i])
		return 0;
	*val = m->vals[i];
	return 1;
}

/* The value of key, inserting it with val when absent. */
static uint32_t fmap_put(struct fmap *m, uint64_t key, uint32_t val)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct fmap bigger;
		fmap_init(&bigger, m->cap);
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t s = fmap_slot(&bigger, m->keys[i]);
				bigger.keys[s] = m->keys[i];
				bigger.vals[s] = m->vals[i];
				bigger.n++;
			}
		fmap_free(m);
		*m = bigger;
	}
	size_t i = fmap_slot(m, key);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->vals[i] = val;
		m->n++;
	}
	return m->vals[i];
}

/* ---- features --------------------------------------------------------- */

#define KEY_BIGRAM (1ULL << 62)
#define KEY_WORD (1ULL << 63)
#define WORD_MAX 11

static uint64_t bigram_key(uint32_t a, uint32_t b)
{
	return KEY_BIGRAM | ((uint64_t)a << 21) | b;
}

static uint64_t word_key(const char *w, size_t n)
{
	uint64_t k = KEY_WORD | ((uint64_t)n << 55);
	for (size_t i = 0; i < n; i++)
		k |= (uint64_t)(w[i] - 'a' + 1) << (5 * i);
	return k;
}

/* The text of a key into out (at least 16 bytes). 0, or -1 when the key
 * is not one of ours. */
static int key_text(uint64_t key, char *out)
{
	if (key & KEY_WORD) {
		size_t n = (size_t)((key >> 55) & 0xF);
		if (n < 2 || n > WORD_MAX)
			return -1;
		for (size_t i = 0; i < n; i++) {
			unsigned v = (unsigned)((key >> (5 * i)) & 0x1F);
			if (v < 1 || v > 26)
				return -1;
			out[i] = (char)('a' + v - 1);
		}
		out[n] = '\0';
		return 0;
	}
	if (key & KEY_BIGRAM) {
		uint32_t a = (uint32_t)((key >> 21) & 0x1FFFFF), b = (uint32_t)(key & 0x1FFFFF);
		if (!is_cjk(a) || !is_cjk(b))
			return -1;
		size_t n = portal_utf8_encode(out, a);
		n += portal_utf8_encode(out + n, b);
		out[n] = '\0';
		return 0;
	}
	return -1;
}

/* The key of a feature's text, or 0. */
static uint64_t text_key(const char *s)
{
	size_t n = strlen(s), i = 0;
	if (n >= 2 && n <= WORD_MAX && strspn(s, "abcdefghijklmnopqrstuvwxyz") == n)
		return word_key(s, n);
	uint32_t a = portal_utf8_next(s, n, &i);
	if (i >= n)
		return 0;
	uint32_t b = portal_utf8_next(s, n, &i);
	if (i != n || !is_cjk(a) || !is_cjk(b))
		return 0;
	return bigram_key(a, b);
}

/* A sparse vector: keys with weights. */
struct fvec {
	uint64_t *keys;
	double *w;
	size_t n, cap;
	struct fmap at;		/* key -> position */
};

static void fvec_add(struct fvec *v, uint64_t key, double w)
{
	uint32_t pos = fmap_put(&v->at, key, (uint32_t)v->n);
	if (pos == v->n) {
		if (v->n == v->cap) {
			v->cap = v->cap ? v->cap * 2 : 256;
			v->keys = xrealloc(v->keys, v->cap * sizeof *v->keys);
			v->w = xrealloc(v->w, v->cap * sizeof *v->w);
		}
		v->keys[v->n] = key;
		v->w[v->n++] = 0;
	}
	v->w[pos] += w;
}

static void fvec_free(struct fvec *v)
{
	free(v->keys);
	free(v->w);
	fmap_free(&v->at);
	memset(v, 0, sizeof *v);
}

/* Add the features of s (n bytes, at most max_chars characters) to v with
 * weight w each. */
static void add_features(struct fvec *v, const char *s, size_t n, size_t max_chars, double w)
{
	uint32_t prev = 0;	/* the last CJK character, while a bigram can continue */
	char word[WORD_MAX];
	size_t wl = 0, wlen = 0, chars = 0;

	for (size_t i = 0; i < n && chars < max_chars; chars++) {
		uint32_t cp = portal_utf8_fold(portal_utf8_next(s, n, &i),
					       UTF8_FOLD_WIDTH | UTF8_FOLD_SPACE | UTF8_FOLD_CASE);
		if (cp >= 'a' && cp <= 'z') {
			if (wl < WORD_MAX)
				word[wl++] = (char)cp;
			wlen++;
			prev = 0;
			continue;
		}
		if (wlen >= 2)
			fvec_add(v, word_key(word, wl), w);
		wl = wlen = 0;
		if (is_cjk(cp)) {
			if (prev)
				fvec_add(v, bigram_key(prev, cp), w);
			prev = cp;
		} else if (!is_blank(cp)) {
			prev = 0;
		}
	}
	if (wlen >= 2)
		fvec_add(v, word_key(word, wl), w);
}

/* ---- the head of a text: title lines and the cover ------------------- */

/* A line of the head, folded and without blank space, in out (cap bytes). */
static size_t compact(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp = portal_utf8_fold(portal_utf8_next(s, n, &i), UTF8_FOLD_WIDTH);
		if (is_blank(cp) || cp == 0x3000 || cp == 0xA0 || cp == 0xFFFD)
			continue;
		if (o + 4 >= cap)
			break;
		o += portal_utf8_encode(out + o, cp);
	}
	out[o] = '\0';
	return o;
}

static int ends_with(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && memcmp(s + n - k, suf, k) == 0;
}

static int starts_with(const char *s, const char *pre)
{
	return strncmp(s, pre, strlen(pre)) == 0;
}

/* Drop trailing notes such as （终稿）, (试行), 【征求意见稿】, "终稿", and
 * trailing punctuation, from a compacted title line. Returns the new length. */
static size_t strip_notes(char *s, size_t n)
{
	static const char *const words[] = { "终稿", "定稿", "送审稿", "征求意见稿", "报批稿",
		"发布稿", "试行", "暂行", "修订", "草案", "摘要", "全文" };
	for (int round = 0; round < 3; round++) {
		size_t before = n;
		while (n && strchr(":：,，.。;；、-_", s[n - 1]) && (unsigned char)s[n - 1] < 0x80)
			n--;
		while (ends_with(s, n, "：") || ends_with(s, n, "，") || ends_with(s, n, "。") ||
		       ends_with(s, n, "；"))
			n -= 3;
		/* a closing bracket: cut back to its opening one if the note is short */
		const char *close = ends_with(s, n, "）") ? "（" : ends_with(s, n, ")") ? "(" :
				    ends_with(s, n, "】") ? "【" : NULL;
		if (close) {
			size_t cl = ends_with(s, n, ")") ? 1 : 3;
			for (size_t j = n - cl; j-- > 0;) {
				if (strncmp(s + j, close, strlen(close)) == 0 || (cl == 3 && s[j] == '(')) {
					if (portal_utf8_count(s + j, n - j) <= 14 && j > 0)
						n = j;
					break;
				}
			}
		}
		for (size_t w = 0; w < sizeof words / sizeof *words; w++)
			if (ends_with(s, n, words[w]) &&
			    portal_utf8_count(s, n) > portal_utf8_count_str(words[w]) + 3)
				n -= strlen(words[w]);
		s[n] = '\0';
		if (n == before)
			break;
	}
	return n;
}

struct title_rule {
	const char *ending;
	int type;
	double weight;
	const char *desc;
};

/* Title endings, most specific first; the first that fits wins. */
static const struct title_rule title_rules[] = {
	{ "审核工作指南", T_GUIDE, 6, "title ends in 指南" },
	{ "审核报告", T_AUDIT, 6, "title ends in 审核报告" },
	{ "可行性研究报告", T_FEAS, 6, "title ends in 可行性研究报告" },
	{ "可行性研究报告书", T_FEAS, 6, "title ends in 可行性研究报告" },
	{ "可行性分析报告", T_FEAS, 5, "title ends in 可行性研究报告" },
	{ "可研报告", T_FEAS, 6, "title ends in 可研报告" },
	{ "可行性研究", T_FEAS, 5, "title ends in 可行性研究报告" },
	{ "验收报告", T_ACCEPT, 6, "title ends in 验收报告" },
	{ "资金申请报告", T_APPL, 6, "title ends in 申请报告" },
	{ "申请报告", T_APPL, 6, "title ends in 申请报告" },
	{ "申报书", T_APPL, 5, "title ends in 申报书" },
	{ "申请书", T_APPL, 4, "title ends in 申请书" },
	{ "指南", T_GUIDE, 6, "title ends in 指南" },
	{ "指引", T_GUIDE, 4, "title ends in 指引" },
	{ "通知", T_NOTICE, 6, "title ends in 通知" },
	{ "通报", T_NOTICE, 4, "title ends in 通报" },
	{ "复函", T_NOTICE, 6, "title ends in 复函" },
	{ "批复", T_NOTICE, 6, "title ends in 批复" },
	{ "评价指标体系", T_STD, 5, "title ends in 评价指标体系" },
	{ "排放标准", T_STD, 4, "title ends in 标准" },
	{ "控制标准", T_STD, 4, "title ends in 标准" },
	{ "质量标准", T_STD, 4, "title ends in 标准" },
	{ "标准", T_STD, 2, "title ends in 标准" },
	{ "技术要求", T_STD, 3, "title ends in 技术要求" },
	{ "技术规范", T_STD, 3, "title ends in 技术规范" },
	{ "导则", T_STD, 3, "title ends in 导则" },
	{ "规程", T_STD, 3, "title ends in 规程" },
	{ "通则", T_STD, 3, "title ends in 通则" },
	{ "限值", T_STD, 3, "title ends in 限值" },
	{ "法", T_OTHER, 4, "title names a law or rule" },
	{ "条例", T_OTHER, 4, "title names a law or rule" },
	{ "办法", T_OTHER, 4, "title names a law or rule" },
	{ "规定", T_OTHER, 4, "title names a law or rule" },
	{ "细则", T_OTHER, 4, "title names a law or rule" },
	{ "规则", T_OTHER, 4, "title names a law or rule" },
	{ "解释", T_OTHER, 4, "title names a law or rule" },
	{ "决定", T_OTHER, 4, "title names a law or rule" },
	{ "纪要", T_OTHER, 3, "title names a law or rule" },
	{ "目录", T_OTHER, 3, "title names a catalogue" },
	{ "名录", T_OTHER, 3, "title names a catalogue" },
};

/* The rule a compacted, stripped title fits, or NULL. A title in two parts
 * ("……项目申请报告——餐厨垃圾处理设备") is judged by its first part when
 * the whole fits no rule. */
static const struct title_rule *title_rule_1(const char *t, size_t n);
static const struct title_rule *title_rule(const char *t, size_t n)
{
	const struct title_rule *r = title_rule_1(t, n);
	const char *dash = strstr(t, "\xe2\x80\x94");	/* — */
	if (!r && dash && dash > t)
		r = title_rule_1(t, (size_t)(dash - t));
	return r;
}

static const struct title_rule *title_rule_1(const char *t, size_t n)
{
	size_t chars = portal_utf8_count(t, n);

	if (chars < 4 || chars > 90)
		return NULL;
	/* 关于申请……的报告: an application in the form of a report */
	if (starts_with(t, "关于申请") && ends_with(t, n, "报告")) {
		static const struct title_rule r = { "报告", T_APPL, 6, "title 关于申请……的报告" };
		return &r;
	}
	/* 关于……的意见 and the like, from an authority */
	if (starts_with(t, "关于") && (ends_with(t, n, "的意见") || ends_with(t, n, "的函"))) {
		static const struct title_rule r = { "意见", T_NOTICE, 4, "title 关于……的意见/函" };
		return &r;
	}
	for (size_t i = 0; i < sizeof title_rules / sizeof *title_rules; i++)
		if (ends_with(t, n, title_rules[i].ending))
			return &title_rules[i];
	return NULL;
}

#define LINE_MAX_BYTES 512

struct head {
	char title[LINE_MAX_BYTES];	/* the title line chosen, compacted */
	const struct title_rule *rule;	/* the rule it fits, or NULL */
	int cover_dates;		/* "…2015-04-24发布" and "…实施" on the cover */
	int byline;			/* a web page's 发布时间：/来源：/记者 lines */
	int cover_docno;		/* a document number line near the top */
};

/* A line that ends the title area: running text. */
static int body_line(const char *c, size_t n)
{
	int commas = 0;	/* "，" was folded to "," */
	for (const char *p = c; (p = memchr(p, ',', n - (size_t)(p - c))); p++)
		commas++;
	return strstr(c, "。") != NULL || commas >= 2;
}

/* 1 when "发布"/"实施" in c follows a digit (a date, as on a standard's cover). */
static int dated(const char *c, const char *word)
{
	for (const char *p = c; (p = strstr(p, word)); p += strlen(word))
		if (p > c && p[-1] >= '0' && p[-1] <= '9')
			return 1;
	return 0;
}

/* Keep s (n bytes) as the head's title, cut to fit on a character
 * boundary. (A title joined from two lines can be twice a line's size.) */
static void set_title(struct head *h, const char *s, size_t n)
{
	if (n >= sizeof h->title) {
		n = sizeof h->title - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(h->title, s, n);
	h->title[n] = '\0';
}

static void read_head(const char *title, const char *text, size_t len, struct head *h)
{
	char line[LINE_MAX_BYTES], joined[LINE_MAX_BYTES * 2];
	size_t end = len < HEAD_BYTES ? len : HEAD_BYTES;
	int lines = 0, published = 0, effective = 0, stop = 0;
	size_t prev_len = 0;
	char prev[LINE_MAX_BYTES] = "";

	memset(h, 0, sizeof *h);
	if (title && *title) {
		size_t n = compact(title, strlen(title), line, sizeof line);
		n = strip_notes(line, n);
		h->rule = title_rule(line, n);
		set_title(h, line, n);
	}
	for (size_t i = 0; i < end && lines < HEAD_LINES;) {
		const char *nl = memchr(text + i, '\n', end - i);
		size_t ll = nl ? (size_t)(nl - (text + i)) : end - i;
		size_t n = compact(text + i, ll < LINE_MAX_BYTES ? ll : LINE_MAX_BYTES, line, sizeof line);
		i += ll + 1;
		if (n == 0)
			continue;
		lines++;
		published |= dated(line, "发布");
		effective |= dated(line, "实施");
		if (lines <= 3 && strstr(line, "〔") && ends_with(line, n, "号"))
			h->cover_docno = 1;
		if (lines <= 12 && (starts_with(line, "发布时间") || starts_with(line, "来源:") ||
				    starts_with(line, "发布人") || starts_with(line, "本报记者") ||
				    starts_with(line, "记者")))
			h->byline = 1;
		if (stop)
			continue;
		if (body_line(line, n)) {
			stop = 1;
			continue;
		}
		/* a title broken over two lines, then the line alone */
		const struct title_rule *r = NULL;
		if (prev_len && prev_len + n < sizeof joined) {
			memcpy(joined, prev, prev_len);
			memcpy(joined + prev_len, line, n + 1);
			size_t jn = strip_notes(joined, prev_len + n);
			if ((r = title_rule(joined, jn)) && !h->rule) {
				h->rule = r;
				set_title(h, joined, jn);
			}
		}
		char alone[LINE_MAX_BYTES];
		memcpy(alone, line, n + 1);
		size_t an = strip_notes(alone, n);
		if (!h->rule && (r = title_rule(alone, an))) {
			h->rule = r;
			set_title(h, alone, an);
		}
		if (!h->title[0] && portal_utf8_count(alone, an) >= 4 && !strchr(alone, ':') &&
		    !strstr(alone, "："))
			set_title(h, alone, an);
		memcpy(prev, line, n + 1);
		prev_len = n;
	}
	h->cover_dates = published && effective;
}

static size_t count_of(const char *s, size_t n, const char *what)
{
	size_t c = 0, k = strlen(what);
	for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), what, k)); p += k)
		c++;
	return c;
}

/* The cues' weights per type, and the strongest cue's description. */
static void cues(const struct head *h, const char *text, size_t len, double cue[K], const char **desc)
{
	double best = 0;
	size_t n = len < 60000 ? len : 60000;

	memset(cue, 0, K * sizeof *cue);
	*desc = NULL;
#define CUE(t, w, d) do { cue[t] += (w); if ((w) > best) { best = (w); *desc = (d); } } while (0)
	if (h->rule)
		CUE(h->rule->type, h->rule->weight, h->rule->desc);
	if (h->cover_dates)
		CUE(T_STD, 5.0, "a standard's cover (published and effective dates)");
	if (count_of(text, n, "本标准") >= 3)
		CUE(T_STD, 2.0, "text says 本标准");
	if (count_of(text, n, "本指南") >= 2)
		CUE(T_GUIDE, 2.0, "text says 本指南");
	if (count_of(text, n, "特此通知") || count_of(text, n, "通知如下"))
		CUE(T_NOTICE, 2.0, "text says 特此通知/通知如下");
	if (h->cover_docno)
		CUE(T_NOTICE, 1.5, "a document number at the top");
	if (h->byline)
		CUE(T_OTHER, 2.0, "a news page's byline (发布时间, 来源, 记者)");
	if (count_of(text, n, "本条例") + count_of(text, n, "本法") + count_of(text, n, "本办法") +
	    count_of(text, n, "本规定") >= 3)
		CUE(T_OTHER, 2.0, "text says 本条例/本法/本办法/本规定");
#undef CUE
}

/* ---- the model --------------------------------------------------------- */

struct portal_model {
	size_t nfeat;
	uint64_t *keys;		/* per feature */
	double *count;		/* nfeat * K weighted counts */
	double total[K];
	size_t ndocs[K];
	double alpha, temperature, prior_weight, cue_scale, evidence_cap;
	/* derived when made or loaded */
	float *logp;		/* nfeat * K */
	double logprior[K];
	struct fmap index;	/* key -> feature */
};

static void model_derive(struct portal_model *m)
{
	size_t docs = 0;
	double v = (double)m->nfeat;

	for (int c = 0; c < K; c++)
		docs += m->ndocs[c];
	m->logp = xmalloc((m->nfeat ? m->nfeat : 1) * K * sizeof *m->logp);
	for (size_t f = 0; f < m->nfeat; f++)
		for (int c = 0; c < K; c++)
			m->logp[f * K + c] = (float)log((m->count[f * K + c] + m->alpha) /
							(m->total[c] + m->alpha * v));
	for (int c = 0; c < K; c++)
		m->logprior[c] = log((m->ndocs[c] + 1.0) / (docs + (double)K));
	fmap_init(&m->index, m->nfeat);
	for (size_t f = 0; f < m->nfeat; f++)
		fmap_put(&m->index, m->keys[f], (uint32_t)f);
}

void portal_model_free(struct portal_model *m)
{
	if (!m)
		return;
	free(m->keys);
	free(m->count);
	free(m->logp);
	fmap_free(&m->index);
	free(m);
}

/* The features of a document: text, and title (given, else the head's). */
static void doc_features(const char *title, const char *text, size_t len, const struct head *h,
			 struct fvec *v)
{
	memset(v, 0, sizeof *v);
	fmap_init(&v->at, 1024);
	add_features(v, text, len, PORTAL_CLASSIFY_MAX_CHARS, 1.0);
	const char *t = title && *title ? title : h->title;
	if (t && *t)
		add_features(v, t, strlen(t), 200, TITLE_WEIGHT);
}

/* Average log-likelihood per token for each type. 0 when no feature is known. */
static int model_loglik(const struct portal_model *m, const struct fvec *v, double ll[K])
{
	double mass = 0;

	memset(ll, 0, K * sizeof *ll);
	for (size_t i = 0; i < v->n; i++) {
		uint32_t f;
		if (!fmap_get(&m->index, v->keys[i], &f))
			continue;
		mass += v->w[i];
		for (int c = 0; c < K; c++)
			ll[c] += v->w[i] * m->logp[(size_t)f * K + c];
	}
	if (mass <= 0)
		return 0;
	for (int c = 0; c < K; c++)
		ll[c] /= mass;
	return 1;
}

/* Softmax of logits into p; the index of the largest. */
static int softmax(const double logit[K], double p[K])
{
	double max = logit[0], sum = 0;
	int best = 0;
	for (int c = 1; c < K; c++)
		if (logit[c] > max) {
			max = logit[c];
			best = c;
		}
	for (int c = 0; c < K; c++)
		sum += p[c] = exp(logit[c] - max);
	for (int c = 0; c < K; c++)
		p[c] /= sum;
	return best;
}

/* The logits from the parts. The model's evidence (log-likelihood per token
 * over the temperature, plus the weighted log prior) is taken relative to
 * the best type and cut off at -cap: however sure the model is that a
 * text is not an audit report, that counts for at most cap logits, so a
 * strong title cue (weight 6, scale >= 1, cap <= 5) always outweighs the
 * model alone. The model was trained on few examples of most types, so it
 * may not know the phrasing of a real report by other authors; the title
 * is the more reliable witness. Without a model: the cues, and a small head
 * start for "other". */
static void logits(int have_model, int have_ll, const double ll[K], const double lp[K],
		   const double cue[K], double T, double beta, double s, double cap, double out[K])
{
	double base[K], max = -INFINITY;

	for (int c = 0; c < K; c++) {
		if (!have_model)
			base[c] = c == T_OTHER ? 1.0 : 0.0;
		else
			base[c] = (have_ll ? ll[c] / T : 0) + beta * lp[c];
		if (base[c] > max)
			max = base[c];
	}
	for (int c = 0; c < K; c++) {
		double b = base[c] - max;
		if (have_model && b < -cap)
			b = -cap;
		out[c] = b + (have_model ? s : 1.0) * cue[c];
	}
}

int portal_classify_with(const struct portal_model *m, unsigned use, const char *title,
			 const char *text, size_t len, struct portal_classification *out)
{
	struct head h;
	double cue[K] = { 0 }, ll[K] = { 0 }, logit[K];
	const char *desc = NULL;
	int have_ll = 0;

	if (!text)
		len = 0;
	memset(out, 0, sizeof *out);
	read_head(title, text ? text : "", len, &h);
	if (use & PORTAL_CLASSIFY_CUES)
		cues(&h, text ? text : "", len, cue, &desc);
	if (m && (use & PORTAL_CLASSIFY_MODEL)) {
		struct fvec v;
		doc_features(title, text ? text : "", len, &h, &v);
		have_ll = model_loglik(m, &v, ll);
		fvec_free(&v);
	}
	const struct portal_model *mm = (use & PORTAL_CLASSIFY_MODEL) ? m : NULL;
	if (mm)
		logits(1, have_ll, ll, mm->logprior, cue, mm->temperature, mm->prior_weight,
		       mm->cue_scale, mm->evidence_cap, logit);
	else
		logits(0, 0, ll, ll, cue, 1, 0, 1, 0, logit);
	int best = softmax(logit, out->prob);
	out->doc_type = portal_classify_types[best];
	out->confidence = out->prob[best];
	out->cue = desc;
	if (len == 0 && !(title && *title)) {
		out->doc_type = portal_classify_types[T_OTHER];
		out->confidence = 0;
		return -1;
	}
	return 0;
}

int portal_classify(const struct portal_model *m, const char *title, const char *text, size_t len,
		    struct portal_classification *out)
{
	return portal_classify_with(m, PORTAL_CLASSIFY_CUES | PORTAL_CLASSIFY_MODEL, title, text, len,
				    out);
}

/* ---- training ----------------------------------------------------------- */

/* One example, prepared once: features scaled to DOC_MASS (keys, and their
 * numbers in the training run's dictionary), and its cues. */
struct prepared {
	struct fvec v;
	uint32_t *ids;
	double cue[K];
	int type;
};

/* Every key seen in a training run, numbered. */
struct dict {
	struct fmap at;		/* key -> number */
	uint64_t *keys;		/* number -> key */
	size_t n, cap;
};

static uint32_t dict_id(struct dict *d, uint64_t key)
{
	uint32_t id = fmap_put(&d->at, key, (uint32_t)d->n);
	if (id == d->n) {
		if (d->n == d->cap) {
			d->cap = d->cap ? d->cap * 2 : 1 << 16;
			d->keys = xrealloc(d->keys, d->cap * sizeof *d->keys);
		}
		d->keys[d->n++] = key;
	}
	return id;
}

static int cmp_df(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;	/* triples: df, key, id */
	if (x[0] != y[0])
		return x[0] < y[0] ? 1 : -1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Count a model from the examples whose index has use[i] set: the
 * features in at least MIN_DF of them, at most VOCAB_MAX, most widespread
 * first (ties by key, so the choice does not depend on order). */
static struct portal_model *fit(const struct prepared *p, size_t n, const unsigned char *use,
				const struct dict *d)
{
	struct portal_model *m = xcalloc(1, sizeof *m);
	uint32_t *df = xcalloc(d->n ? d->n : 1, sizeof *df);
	int32_t *feat = xmalloc((d->n ? d->n : 1) * sizeof *feat);
	uint64_t *triples = xmalloc((d->n ? d->n : 1) * 3 * sizeof *triples);
	size_t nt = 0;

	for (size_t i = 0; i < n; i++) {
		if (!use[i])
			continue;
		m->ndocs[p[i].type]++;
		for (size_t j = 0; j < p[i].v.n; j++)
			df[p[i].ids[j]]++;	/* a vector's keys are distinct */
	}
	for (size_t id = 0; id < d->n; id++) {
		feat[id] = -1;
		if (df[id] < MIN_DF)
			continue;
		triples[nt * 3] = df[id];
		triples[nt * 3 + 1] = d->keys[id];
		triples[nt * 3 + 2] = id;
		nt++;
	}
	qsort(triples, nt, 3 * sizeof *triples, cmp_df);
	m->nfeat = nt < VOCAB_MAX ? nt : VOCAB_MAX;
	m->keys = xmalloc((m->nfeat ? m->nfeat : 1) * sizeof *m->keys);
	m->count = xcalloc((m->nfeat ? m->nfeat : 1) * K, sizeof *m->count);
	for (size_t f = 0; f < m->nfeat; f++) {
		m->keys[f] = triples[f * 3 + 1];
		feat[triples[f * 3 + 2]] = (int32_t)f;
	}
	for (size_t i = 0; i < n; i++) {
		if (!use[i])
			continue;
		for (size_t j = 0; j < p[i].v.n; j++) {
			int32_t f = feat[p[i].ids[j]];
			if (f >= 0) {
				m->count[(size_t)f * K + p[i].type] += p[i].v.w[j];
				m->total[p[i].type] += p[i].v.w[j];
			}
		}
	}
	free(df);
	free(feat);
	free(triples);
	m->alpha = ALPHA;
	m->temperature = 0.05;
	m->prior_weight = 1;
	m->cue_scale = 1;
	m->evidence_cap = 5;
	model_derive(m);
	return m;
}

static void prepare(const struct portal_train_doc *d, struct prepared *p, struct dict *dict)
{
	struct head h;
	const char *desc;
	const char *text = d->text ? d->text : "";

	read_head(d->title, text, d->len, &h);
	doc_features(d->title, text, d->len, &h, &p->v);
	double mass = 0;
	for (size_t j = 0; j < p->v.n; j++)
		mass += p->v.w[j];
	for (size_t j = 0; j < p->v.n && mass > 0; j++)
		p->v.w[j] *= DOC_MASS / mass;
	p->ids = xmalloc((p->v.n ? p->v.n : 1) * sizeof *p->ids);
	for (size_t j = 0; j < p->v.n; j++)
		p->ids[j] = dict_id(dict, p->v.keys[j]);
	fmap_free(&p->v.at);
	cues(&h, text, d->len, p->cue, &desc);
	p->type = d->type;
}

/* Fit temperature, prior weight and cue scale by an inner stratified
 * cross-validation: the values with the least log-loss on held-out
 * examples. Left at their defaults when there are too few examples. */
#define INNER_FOLDS 5
static void calibrate(struct portal_model *m, const struct prepared *p, size_t n, const struct dict *d)
{
	static const double betas[] = { 0, 0.25, 0.5, 1 };
	/* scale >= 1 and cap <= 5 keep a strong title cue above the model */
	static const double scales[] = { 1, 1.25, 1.5, 2, 3 };
	static const double caps[] = { 2, 3, 4, 5 };
	size_t seen[K] = { 0 };
	unsigned char *fold = xmalloc(n), *use = xmalloc(n), *have = xcalloc(n, 1);
	double (*ll)[K] = xcalloc(n, sizeof *ll), (*lp)[K] = xcalloc(n, sizeof *lp);

	if (n < 2 * INNER_FOLDS)
		goto out;
	for (size_t i = 0; i < n; i++)
		fold[i] = (unsigned char)(seen[p[i].type]++ % INNER_FOLDS);
	for (unsigned f = 0; f < INNER_FOLDS; f++) {
		for (size_t i = 0; i < n; i++)
			use[i] = fold[i] != f;
		struct portal_model *sub = fit(p, n, use, d);
		for (size_t i = 0; i < n; i++) {
			if (use[i])
				continue;
			have[i] = (unsigned char)model_loglik(sub, &p[i].v, ll[i]);
			memcpy(lp[i], sub->logprior, sizeof lp[i]);
		}
		portal_model_free(sub);
	}
	/* temperature on a coarse grid (x1.7 apart, 0.001 .. ~1), then finer
	 * around the best one */
	double best = INFINITY, coarse_T = 0.05;
	for (int round = 0; round < 2; round++) {
		double T0 = round ? coarse_T / 1.7 : 0.001;
		double step = round ? pow(1.7 * 1.7, 1 / 8.0) : 1.7;
		int steps = round ? 9 : 14;
		for (int ti = 0; ti < steps; ti++) {
			double T = T0 * pow(step, ti);
			for (size_t bi = 0; bi < sizeof betas / sizeof *betas; bi++)
				for (size_t si = 0; si < sizeof scales / sizeof *scales; si++)
					for (size_t ci = 0; ci < sizeof caps / sizeof *caps; ci++) {
						double loss = 0;
						for (size_t i = 0; i < n && loss < best; i++) {
							double logit[K], q[K];
							logits(1, have[i], ll[i], lp[i], p[i].cue, T, betas[bi],
							       scales[si], caps[ci], logit);
							softmax(logit, q);
							loss -= log(q[p[i].type] > 1e-12 ? q[p[i].type] : 1e-12);
						}
						if (loss < best) {
							best = loss;
							m->temperature = T;
							m->prior_weight = betas[bi];
							m->cue_scale = scales[si];
							m->evidence_cap = caps[ci];
						}
					}
		}
		coarse_T = m->temperature;
	}
out:
	free(fold);
	free(use);
	free(have);
	free(ll);
	free(lp);
}

struct portal_model *portal_model_train(const struct portal_train_doc *docs, size_t n,
					char *err, size_t errlen)
{
	if (n == 0) {
		snprintf(err, errlen, "There are no examples to train on.");
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (docs[i].type < 0 || docs[i].type >= K) {
			snprintf(err, errlen, "Example %zu has no valid type.", i + 1);
			return NULL;
		}
	struct prepared *p = xcalloc(n, sizeof *p);
	unsigned char *use = xmalloc(n);
	struct dict dict = { { 0 }, NULL, 0, 0 };
	fmap_init(&dict.at, 1 << 16);
	for (size_t i = 0; i < n; i++) {
		prepare(&docs[i], &p[i], &dict);
		use[i] = 1;
	}
	struct portal_model *m = fit(p, n, use, &dict);
	calibrate(m, p, n, &dict);
	for (size_t i = 0; i < n; i++) {
		fvec_free(&p[i].v);
		free(p[i].ids);
	}
	free(p);
	free(use);
	fmap_free(&dict.at);
	free(dict.keys);
	return m;
}

/* ---- the model file ----------------------------------------------------- */

int portal_model_save(const struct portal_model *m, const char *path, char *err, size_t errlen)
{
	char tmp[4096];
	FILE *fp;

	if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
		snprintf(err, errlen, "The model path is too long.");
		return -1;
	}
	if (!(fp = fopen(tmp, "w"))) {
		snprintf(err, errlen, "The model could not be written to %s: %s.", tmp, strerror(errno));
		return -1;
	}
	fprintf(fp, "%s\ntypes", MODEL_MAGIC);
	for (int c = 0; c < K; c++)
		fprintf(fp, " %s", portal_classify_types[c]);
	fprintf(fp, "\ndocs");
	for (int c = 0; c < K; c++)
		fprintf(fp, " %zu", m->ndocs[c]);
	fprintf(fp, "\nparams alpha=%.17g temperature=%.17g prior_weight=%.17g cue_scale=%.17g "
		"evidence_cap=%.17g\n", m->alpha, m->temperature, m->prior_weight, m->cue_scale,
		m->evidence_cap);
	fprintf(fp, "features %zu\n", m->nfeat);
	for (size_t f = 0; f < m->nfeat; f++) {
		char name[16];
		if (key_text(m->keys[f], name) < 0)
			portal_fatal("model feature %zu has a bad key", f);
		fputs(name, fp);
		for (int c = 0; c < K; c++)
			fprintf(fp, "%c%.9g", c ? ' ' : '\t', m->count[f * K + c]);
		fputc('\n', fp);
	}
	int bad = ferror(fp);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		bad = 1;
	if (fclose(fp) != 0 || bad) {
		snprintf(err, errlen, "The model could not be written to %s: %s.", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "The model could not be put at %s: %s.", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int bad_model(FILE *fp, struct portal_model *m, char *line, const char *path, int lineno,
		     char *err, size_t errlen)
{
	snprintf(err, errlen, "%s is not a document-type model (line %d is wrong); "
		 "rebuild it with make model/doc-type.model.", path, lineno);
	free(line);
	fclose(fp);
	portal_model_free(m);
	return -1;
}

struct portal_model *portal_model_load(const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int lineno = 0;
	struct portal_model *m;

	if (!fp) {
		snprintf(err, errlen, "The document-type model %s could not be opened: %s.", path,
			 strerror(errno));
		return NULL;
	}
	m = xcalloc(1, sizeof *m);
#define NEXT() ((got = getline(&line, &cap, fp)) > 0 ? (lineno++, line[got - 1] == '\n' ? (line[--got] = '\0') : 0, 1) : 0)
	if (!NEXT() || strcmp(line, MODEL_MAGIC) != 0)
		goto bad;
	if (!NEXT() || strncmp(line, "types", 5) != 0)
		goto bad;
	{
		char *save = NULL, *tok = strtok_r(line + 5, " ", &save);
		for (int c = 0; c < K; c++, tok = strtok_r(NULL, " ", &save))
			if (!tok || strcmp(tok, portal_classify_types[c]) != 0)
				goto bad;
	}
	if (!NEXT() || strncmp(line, "docs", 4) != 0)
		goto bad;
	{
		char *p = line + 4;
		for (int c = 0; c < K; c++) {
			char *end;
			m->ndocs[c] = strtoul(p, &end, 10);
			if (end == p)
				goto bad;
			p = end;
		}
	}
	if (!NEXT() || sscanf(line, "params alpha=%lf temperature=%lf prior_weight=%lf cue_scale=%lf "
			      "evidence_cap=%lf", &m->alpha, &m->temperature, &m->prior_weight,
			      &m->cue_scale, &m->evidence_cap) != 5 || !(m->evidence_cap > 0) ||
	    !(m->alpha > 0) || !(m->temperature > 0))
		goto bad;
	if (!NEXT() || sscanf(line, "features %zu", &m->nfeat) != 1 || m->nfeat > 10000000)
		goto bad;
	m->keys = xmalloc((m->nfeat ? m->nfeat : 1) * sizeof *m->keys);
	m->count = xcalloc((m->nfeat ? m->nfeat : 1) * K, sizeof *m->count);
	for (size_t f = 0; f < m->nfeat; f++) {
		if (!NEXT())
			goto bad;
		char *tab = strchr(line, '\t');
		if (!tab)
			goto bad;
		*tab = '\0';
		if (!(m->keys[f] = text_key(line)))
			goto bad;
		char *p = tab + 1;
		for (int c = 0; c < K; c++) {
			char *end;
			double v = strtod(p, &end);
			if (end == p || v < 0)
				goto bad;
			m->count[f * K + c] = v;
			m->total[c] += v;
			p = end;
		}
	}
#undef NEXT
	free(line);
	fclose(fp);
	model_derive(m);
	return m;
bad:
	bad_model(fp, m, line, path, lineno, err, errlen);
	return NULL;
}

void portal_model_describe(const struct portal_model *m, char *out, size_t outlen)
{
	size_t docs = 0, o;

	for (int c = 0; c < K; c++)
		docs += m->ndocs[c];
	o = (size_t)snprintf(out, outlen, "%zu features, %zu documents (", m->nfeat, docs);
	for (int c = 0; c < K && o < outlen; c++)
		o += (size_t)snprintf(out + o, outlen - o, "%s%s %zu", c ? ", " : "",
				      portal_classify_types[c], m->ndocs[c]);
	if (o < outlen)
		snprintf(out + o, outlen - o, "), temperature %.4g, prior weight %.3g, cue scale %.3g, "
			 "evidence cap %.3g", m->temperature, m->prior_weight, m->cue_scale, m->evidence_cap);
}
