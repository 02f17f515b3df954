/* results.c: results stated in a report's text (results.h). */
#include "results.h"
#include "buf.h"
#include "log.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

struct unit {
	const char *written;
	double factor;	/* to the canonical unit */
};

struct measure {
	const char *name, *label, *unit;
	const char *const *keys;	/* the figure follows one of these */
	const struct unit *units;
};

static const char *const k_energy[] = { "节能量", "节约标准煤", "节约标煤", "节省标准煤", "节约能源", "节能", NULL };
static const char *const k_water[] = { "节水量", "节约用水", "节约水", "节水", NULL };
static const char *const k_power[] = { "节电量", "节约电量", "节约用电", "节电", NULL };
static const char *const k_cod[] = { "COD削减", "COD减排", "化学需氧量削减", "化学需氧量减排", "减少COD排放",
				     "减少化学需氧量排放", NULL };
static const char *const k_so2[] = { "SO2削减", "SO2减排", "SO₂削减", "二氧化硫削减", "二氧化硫减排", "减少SO2排放",
				     "减少二氧化硫排放", NULL };
static const char *const k_nox[] = { "NOx削减", "NOx减排", "NOₓ削减", "氮氧化物削减", "氮氧化物减排", "减少NOx排放",
				     "减少氮氧化物排放", NULL };
static const char *const k_vocs[] = { "VOCs削减", "VOCs减排", "VOC削减", "挥发性有机物削减", "挥发性有机物减排", NULL };
static const char *const k_nh3n[] = { "氨氮削减", "氨氮减排", NULL };
static const char *const k_benefit[] = { "经济效益", "经济收益", "节约成本", NULL };

/* "节约标准煤 320 吨": after 标准煤 a bare 吨 is tonnes of coal equivalent */
static const struct unit u_energy[] = { { "tce", 1 }, { "吨标准煤", 1 }, { "吨标煤", 1 }, { "t标准煤", 1 }, { "万tce", 1e4 },
					{ "吨", 1 }, { "t", 1 }, { NULL, 0 } };
static const struct unit u_water[] = { { "m³", 1 }, { "m3", 1 }, { "立方米", 1 }, { "吨", 1 }, { "t", 1 }, { NULL, 0 } };
static const struct unit u_power[] = { { "万千瓦时", 1e4 }, { "万kWh", 1e4 }, { "万度", 1e4 }, { "千瓦时", 1 }, { "kWh", 1 }, { "度", 1 }, { NULL, 0 } };
static const struct unit u_mass[] = { { "t/a", 1 }, { "吨/年", 1 }, { "kg/a", 0.001 }, { "千克/年", 0.001 }, { "吨", 1 }, { "t", 1 }, { NULL, 0 } };
static const struct unit u_money[] = { { "万元", 1 }, { "元", 1e-4 }, { NULL, 0 } };

static const struct measure measures[] = {
	{ "energy_tce", "节能量", "tce", k_energy, u_energy },
	{ "water_m3", "节水量", "m³", k_water, u_water },
	{ "electricity_kwh", "节电量", "kWh", k_power, u_power },
	{ "cod_t", "COD 削减量", "t/a", k_cod, u_mass },
	{ "so2_t", "SO₂ 削减量", "t/a", k_so2, u_mass },
	{ "nox_t", "NOₓ 削减量", "t/a", k_nox, u_mass },
	{ "vocs_t", "VOCs 削减量", "t/a", k_vocs, u_mass },
	{ "nh3n_t", "氨氮削减量", "t/a", k_nh3n, u_mass },
	{ "benefit_wan", "年经济效益", "万元", k_benefit, u_money },
};
#define NMEASURES (sizeof measures / sizeof measures[0])

static const struct measure *measure_of(const char *name)
{
	for (size_t i = 0; name && i < NMEASURES; i++)
		if (strcmp(measures[i].name, name) == 0)
			return &measures[i];
	return NULL;
}

const char *portal_results_measure(size_t i) { return i < NMEASURES ? measures[i].name : NULL; }
const char *portal_results_label(const char *m) { return measure_of(m) ? measure_of(m)->label : NULL; }
const char *portal_results_unit(const char *m) { return measure_of(m) ? measure_of(m)->unit : NULL; }

/* The text as one line: line breaks and spaces dropped (reports break
 * sentences across lines, "COD 削减 1.23t/a"), full-width ASCII folded
 * (１２．５ → 12.5), so sentences and figures read in one pass. */
static void flatten(const char *s, size_t n, struct buf *out)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp = portal_utf8_next(s, n, &i);
		if (cp == '\n' || cp == '\r' || cp == ' ' || cp == '\t' || cp == 0x3000)
			continue;
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0;
		portal_utf8_put(out, cp);
	}
}

static int starts(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

/* Words between a measure's name and its figure: 年节能量约为 145.3, 节水：500. */
static const char *skip_filler(const char *p, const char *end)
{
	static const char *const filler[] = { "量", "约", "为", "：", ":", "达到", "达", "共", "合计", "可", "每年", "年", NULL };
	for (int again = 1; again && p < end;) {
		again = 0;
		for (const char *const *f = filler; *f; f++)
			if (starts(p, *f)) {
				p += strlen(*f);
				again = 1;
				break;
			}
	}
	return p;
}

/* A number at p (1,234.5 or 12.5); its end in *after. 0 when none. */
static int number_at(const char *p, double *v, const char **after)
{
	char digits[64];
	size_t n = 0;
	const char *q = p;
	while ((*q >= '0' && *q <= '9') || *q == '.' || (*q == ',' && q > p && q[1] >= '0' && q[1] <= '9')) {
		if (*q != ',' && n < sizeof digits - 1)
			digits[n++] = *q;
		q++;
	}
	if (!n || digits[0] == '.')
		return 0;
	digits[n] = '\0';
	*v = strtod(digits, NULL);
	*after = q;
	return 1;
}

/* Measure m's figure in the sentence [s, end), into *o; 1 when found. */
static int figure(const struct measure *m, const char *s, const char *end, json_t **o)
{
	for (const char *const *k = m->keys; *k; k++) {
		for (const char *p = s; (p = strstr(p, *k)) && p < end; p += strlen(*k)) {
			const char *q = skip_filler(p + strlen(*k), end), *after;
			double v;
			if (!number_at(q, &v, &after))
				continue;
			double mult = 1;
			if (starts(after, "万") && !starts(after, "万元") && !starts(after, "万千瓦时") &&
			    !starts(after, "万kWh") && !starts(after, "万度") && !starts(after, "万tce")) {
				mult = 1e4;
				after += strlen("万");
			}
			for (const struct unit *u = m->units; u->written; u++) {
				if (!starts(after, u->written))
					continue;
				const char *stop = after + strlen(u->written);
				*o = json_pack("{s:s,s:f,s:s,s:s%}", "measure", m->name, "value", v * mult * u->factor,
					       "unit", m->unit, "text", p, (size_t)(stop - p));
				return 1;
			}
		}
	}
	return 0;
}

/* The measures of sentence [s, end) into a (each once). */
static size_t figures(const char *s, const char *end, json_t *a)
{
	size_t found = 0;
	for (size_t i = 0; i < NMEASURES; i++) {
		json_t *o;
		if (figure(&measures[i], s, end, &o)) {
			json_array_append_new(a, o);
			found++;
		}
	}
	return found;
}

/* How strongly sentence [s, end) reads as the report's conclusion. */
static int conclusion_weight(const char *s, const char *end)
{
	static const struct { const char *word; int w; } cue[] = {
		{ "项目实现", 4 }, { "项目实际", 4 }, { "经核算", 3 }, { "经第三方", 3 }, { "合计", 2 }, { "共计", 2 }, { "累计", 2 }, { "总计", 2 },
	};
	int best = 0;
	for (size_t i = 0; i < sizeof cue / sizeof cue[0]; i++) {
		const char *p = strstr(s, cue[i].word);
		if (p && p < end && cue[i].w > best)
			best = cue[i].w;
	}
	return best;
}

json_t *portal_results_extract(const char *text, size_t len)
{
	struct buf flat = BUF_INIT;
	json_t *best = json_array();
	int best_w = 0;
	if (!best)
		portal_fatal("out of memory");
	flatten(text ? text : "", text ? len : 0, &flat);
	buf_str(&flat);	/* terminated */
	char *s = flat.data, *all_end = s + flat.len;
	while (s && s < all_end) {
		char *end = strstr(s, "。");
		if (!end)
			end = all_end;
		char saved = *end;
		*end = '\0';	/* each search stays within the sentence */
		int w = conclusion_weight(s, end);
		if (w > best_w) {
			json_t *a = json_array();
			if (figures(s, end, a)) {
				json_decref(best);
				best = a;
				best_w = w;
			} else {
				json_decref(a);
			}
		}
		*end = saved;
		s = end + (end < all_end ? strlen("。") : 0);
	}
	buf_free(&flat);
	return best;
}
