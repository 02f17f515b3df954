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

#endif
