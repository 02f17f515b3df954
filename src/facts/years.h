/* years.h: years in a query as values, not digits (issue #18).
 *
 * "2014年 清洁生产审核", "2013-2015年 节能", "近三年 审核报告", "十二五 节能
 * 目标", "2014年上半年": each names years, and the search favours documents
 * of those years (their year: SLOT_YEAR, the "XY" term) instead of
 * matching "2014" as text. Read here:
 *
 *   2014年, 2014年度, 2014年上半年/下半年   that year
 *   2013-2015年, 2013年至2015年, 2013～2015年, 2013到2015年   those years
 *   近三年, 近3年, 最近五年, 过去两年       this year and the N before it
 *                                        (both readings of 近三年: the
 *                                        last three whole years, or three
 *                                        counting this one)
 *   今年, 去年, 前年                       this year, the one before, ...
 *   十一五 ... 十五五 (“十二五”)             2006-2010 ... 2026-2030
 *
 * A year needs 年 (or a five-year plan's name): a bare 2014 may be a
 * standard's number, and 京发改[2014]123 stays a document number
 * (normalize.h). A five-year plan's name is also a word documents use, so
 * it stays in the text (keep_text); the others leave it. */
#ifndef PORTAL_YEARS_H
#define PORTAL_YEARS_H

#include <stddef.h>

#define PORTAL_YEARS_SPAN 30	/* at most this many years in one range */

struct portal_years {
	size_t start, end;	/* text[start, end) */
	int from, to;		/* the years, both included */
	int keep_text;		/* a word documents use: leave it in the text */
};

/* The first max year ranges of q (a query, folded: ASCII digits), with
 * this_year for 近三年 and 今年, into out; returns how many. */
size_t portal_years_find(const char *q, size_t len, int this_year, struct portal_years *out, size_t max);

#endif
