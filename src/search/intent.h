/* intent.h: what a query typed as a question means (issue #18).
 *
 * Enterprises, experts and auditors type questions and conditions, not
 * titles: "洗车店 用水 有什么要求", "其他医院 怎么 节水", "电镀厂 必须
 * 做清洁生产审核吗". intent_read() takes such a query apart:
 *   - question and filler words (有什么, 怎么, 如何, 哪些, 是多少, 吗, 其他,
 *     需要, 必须, 案例, 啥, 咋, 那个, 的, ...) leave the text: they say what
 *     kind of answer is wanted, not what it is about; they also end the word
 *     they sit in (北京那个节水的条例 reads as 北京 节水 条例), and a long
 *     run-together word starting with a business name is split after it
 *     (皮革厂废水排放限值);
 *   - what is wanted: the applicable rules (要求, 规定, 标准, 限值, 指标,
 *     处罚, a yes/no question) or how others did it (其他, 案例, 经验,
 *     效果, 做法, 怎么 + a business); the search then favours the document
 *     types that answer it (intent_types());
 *   - an everyday business name (洗车店, 印染厂, 奶牛场, 学校, 饭店, ...)
 *     becomes the words documents use for that business and, where the
 *     programme has one, its canonical industry (industry.h), which the
 *     search favours too; an unknown X厂/X公司 is searched by its stem.
 * Nothing here filters: the preferences only add weight (xap.h:
 * pxap_query.prefer_*). The business names are a data table in intent.c. */
#ifndef PORTAL_INTENT_H
#define PORTAL_INTENT_H

#include <stddef.h>

struct arena;

enum query_want {
	WANT_ANY = 0,	/* no intent seen */
	WANT_RULES,	/* standards, guidelines, policy notices, indicator systems */
	WANT_CASES,	/* audit reports, feasibility studies, acceptance reports */
};

struct query_intent {
	const char *text;	/* the query without its question words (arena) */
	enum query_want want;
	const char *industry;	/* canonical industry the query names, or NULL */
	int changed;		/* text differs from the query */
};

/* Read q (UTF-8, words separated by spaces). Queries with operators, quotes,
 * fields or digits are left alone (text = q, WANT_ANY, no industry): they are
 * written for the engine, or are figures and identifiers. */
void intent_read(struct arena *a, const char *q, struct query_intent *out);

/* The document types want favours and each one's share of the weight
 * (0..1), NULL-terminated; NULL for WANT_ANY. */
struct intent_type {
	const char *type;
	double share;
};
const struct intent_type *intent_types(enum query_want want);

/* The business table entry whose everyday name is s, or NULL (for tests):
 * *words are the words documents use, *industry the canonical industry
 * (NULL when the programme has none). */
int intent_business(const char *s, const char **words, const char **industry);

#endif
