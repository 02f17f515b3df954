/* quantity.h: figures with units in one form, so a figure quoted from a
 * report finds it.
 *
 * Reports state results as figures: 年节约标煤320t, 节约标准煤 320 吨,
 * 年节电 5.6 万千瓦时, 节水 1.2万m³/a, 投资 150 万元. Each figure with its unit
 * becomes a term "UNIT:VALUE" (index.c prefixes it with XQ), the same for
 * every spelling:
 *
 *   unit   written                                     value
 *   tce    吨标准煤 吨标煤 tce t标煤; 千克标准煤 kgce    in tonnes of coal equivalent
 *          (/1000); 吨 or t right after 标准煤/标煤
 *          (标煤320t, 节约标准煤约 320 吨)
 *   kwh    千瓦时 kWh kW·h 度电; 万度; MWh 兆瓦时 (x1000) in kWh
 *   m3     立方米 m3 m³; 万方                            in cubic metres
 *   nm3    Nm3 Nm³ 标立方米                               in normal cubic metres
 *   t      吨 t; 千克 公斤 kg (/1000)                     in tonnes
 *   yuan   元                                          in yuan
 *   kw     千瓦 kW; 兆瓦 MW (x1000)                      in kW
 *   tco2   吨二氧化碳 tCO2 tCO2e                          in tonnes
 *   mg/l   mg/L 毫克/升; mg/m3 mg/m³ mg/Nm3 毫克/立方米    as written
 *   pct    % ％                                          as written
 *
 * A multiplier before the unit counts: 万 (x10^4), 亿 (x10^8), 千 before
 * 吨/元 (x1000), 百万 (x10^6). A rate after it is kept apart: "/a" (/a /年
 * /y), "/d" (/d /日 /天), "/h" (/h /小时): "t/a:5000". The value is
 * written in decimal with no exponent, no leading and no trailing zeros:
 * 5.6万千瓦时 -> "kwh:56000", 12.5 kg -> "t:0.0125", 1,200 m³ -> "m3:1200".
 * A figure in tce is a figure in tonnes too ("also": "t:320"), so 320 吨
 * finds 320吨标煤.
 *
 * Digits must be ASCII (fold full-width ones first: fold.h); a number
 * right after a letter, a digit or a dot is part of something else (GB
 * 3838, CO2) and is not read. */
#ifndef PORTAL_QUANTITY_H
#define PORTAL_QUANTITY_H

#include <stddef.h>

#define PORTAL_QTY_MAX 40	/* bytes for a term, NUL included */

struct portal_qty {
	size_t start, end;		/* the figure and its unit: text[start, end) */
	size_t num_end;			/* where the number itself ends */
	char term[PORTAL_QTY_MAX];	/* "tce:320" */
	char also[PORTAL_QTY_MAX];	/* a second term ("t:320"), or "" */
};

/* Call fn for every figure with a unit in text (len bytes, UTF-8), in
 * order; fn returns 0 to go on. Returns the number of calls. */
typedef int (*portal_qty_fn)(const struct portal_qty *q, void *arg);
size_t portal_qty_scan(const char *text, size_t len, portal_qty_fn fn, void *arg);

/* The first max figures of q (a query) into out; returns how many. */
size_t portal_qty_find(const char *q, size_t len, struct portal_qty *out, size_t max);


/* ---- figures as values: ranges and bounds (issue #18) --------------------
 *
 * A figure is also a number a range can match. Its value, rounded to four
 * significant digits, becomes bucket terms (index.c prefixes them with XR):
 * "<unit>:<e>" for its order of magnitude (e = floor(log10 value)) and
 * "<unit>:<e>:<d>" for its first 1, 2, 3 and 4 significant digits d:
 *
 *   320 t   ->  t:2  t:2:3  t:2:32  t:2:320  t:2:3200
 *
 * A range of one unit is then the OR of the fewest bucket terms that cover
 * it (portal_qty_range_terms): [300, 500] t -> t:2:3 t:2:4 t:2:5000. A
 * document holds many figures, so terms, not a value slot (one value per
 * document): see bench/relevance/RESULTS.md for the measurement. Values
 * are compared at four significant digits; orders of magnitude from
 * PORTAL_QTY_EXP_MIN to PORTAL_QTY_EXP_MAX are bucketed (others keep only
 * their exact term). */
#define PORTAL_QTY_EXP_MIN (-3)
#define PORTAL_QTY_EXP_MAX 12
#define PORTAL_QTY_BUCKETS 5	/* bucket terms per unit of a figure */

/* The bucket terms of the value in term ("t:320", a portal_qty term) into
 * out; returns how many (0: not bucketed). */
size_t portal_qty_buckets(const char *term, char out[][PORTAL_QTY_MAX]);

/* How a figure in a query is bounded. */
enum portal_qty_bound {
	PORTAL_QTY_RANGE,	/* 300-500吨, 300～500 t, 300到500吨标准煤 */
	PORTAL_QTY_MORE,	/* 超过 大于 高于 多于 > ; 以上 after it counts as at least */
	PORTAL_QTY_AT_LEAST,	/* 不低于 不少于 不小于 至少 >= ≥ ; 100万元以上 */
	PORTAL_QTY_LESS,	/* 低于 小于 少于 不足 不到 < */
	PORTAL_QTY_AT_MOST,	/* 不超过 未超过 不高于 不大于 不多于 至多 最多 <= ≤ ; 以下 以内 */
	PORTAL_QTY_ABOUT,	/* 约 大约 ; 左右 上下: within PORTAL_QTY_ABOUT_SHARE */
};

#define PORTAL_QTY_ABOUT_SHARE 0.1	/* 约 320 吨: 288 to 352 */

struct portal_qty_range {
	size_t start, end;		/* bound words, numbers and unit: text[start, end) */
	struct portal_qty q;		/* the figure with the unit (the upper one of a range) */
	char unit[PORTAL_QTY_MAX];	/* "t/a" */
	double lo, hi;			/* the values matched, ends included; 0 and
					 * HUGE_VAL when open (strict bounds leave the
					 * bound itself out) */
	enum portal_qty_bound bound;
};

/* The first max figures of q (a query, folded) that have a bound or are
 * ranges, into out; returns how many. Figures without either are only
 * portal_qty_find()'s. */
size_t portal_qty_ranges(const char *q, size_t len, struct portal_qty_range *out, size_t max);

/* The bucket terms (without prefix) that cover [r->lo, r->hi] of r->unit,
 * at most max of them, into out; returns how many. */
size_t portal_qty_range_terms(const struct portal_qty_range *r, char out[][PORTAL_QTY_MAX], size_t max);

#endif
