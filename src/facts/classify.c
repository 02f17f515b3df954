/* classify.c: document types from title and structure cues plus naive Bayes.
 *
 * The features (classify-features.c) of the text and title are scored by
 * the model (classify-model.c); the cues are a table of
 * title endings and a few structural tests (below); the two are combined as
 * classify.h says. The model is trained by portal-train (src/cmd/train.c). */
#include "classify.h"
#include "classify-features.h"
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
#define HEAD_BYTES 3000		/* where cover and title lines are looked for */
#define HEAD_LINES 80

/* ---- the head of a text: title lines and the cover ------------------- */

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
			if (ends_with(s, n, words[w]) && portal_utf8_count(s, n) > portal_utf8_count_str(words[w]) + 3)
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
		size_t n = portal_feature_compact(title, strlen(title), line, sizeof line);
		n = strip_notes(line, n);
		h->rule = title_rule(line, n);
		set_title(h, line, n);
	}
	for (size_t i = 0; i < end && lines < HEAD_LINES;) {
		const char *nl = memchr(text + i, '\n', end - i);
		size_t ll = nl ? (size_t)(nl - (text + i)) : end - i;
		size_t n = portal_feature_compact(text + i, ll < LINE_MAX_BYTES ? ll : LINE_MAX_BYTES, line, sizeof line);
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

/* The features of a document: text, and title (given, else the head's). */
static void doc_features(const char *title, const char *text, size_t len, const struct head *h,
			 struct fvec *v)
{
	memset(v, 0, sizeof *v);
	u64map_init(&v->at, 1024);
	portal_features_add(v, text, len, PORTAL_CLASSIFY_MAX_CHARS, 1.0);
	const char *t = title && *title ? title : h->title;
	if (t && *t)
		portal_features_add(v, t, strlen(t), 200, TITLE_WEIGHT);
}

int portal_classify_softmax(const double logit[K], double p[K])
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

void portal_classify_logits(int have_model, int have_ll, const double ll[K], const double lp[K],
			    const double cue[K], double T, double beta, double s, double cap,
			    double out[K])
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
		have_ll = portal_model_loglik(m, &v, ll);
		portal_fvec_free(&v);
	}
	const struct portal_model *mm = (use & PORTAL_CLASSIFY_MODEL) ? m : NULL;
	if (mm)
		portal_classify_logits(1, have_ll, ll, mm->logprior, cue, mm->temperature, mm->prior_weight,
		       mm->cue_scale, mm->evidence_cap, logit);
	else
		portal_classify_logits(0, 0, ll, ll, cue, 1, 0, 1, 0, logit);
	int best = portal_classify_softmax(logit, out->prob);
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


void portal_classify_evidence(const char *title, const char *text, size_t len, struct fvec *v,
			      double cue[K])
{
	struct head h;
	const char *desc;

	read_head(title, text, len, &h);
	doc_features(title, text, len, &h, v);
	cues(&h, text, len, cue, &desc);
}
