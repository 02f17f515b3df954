/* results.h: what a project or an audit achieved, read from a report's
 * text: energy saved (tce), water saved (m³), electricity saved (kWh),
 * pollutants cut (COD, SO₂, NOₓ, VOCs, 氨氮 in t/a) and the yearly economic
 * benefit (万元).
 *
 * Acceptance and audit reports state their results in one concluding
 * sentence ("经核算，项目实现年节能量145.3tce，年节水量28057m³，COD削减
 * 6.37t/a、NOx削减0.261t/a"), among many figures of single options and
 * baselines. The sentence is the one that says 项目实现 (else 经核算, else
 * 合计/共计/累计/总计) and holds at least one figure; figures elsewhere are
 * not results. Numbers may use full-width digits, 万 and thousands
 * separators; units are normalised (吨标准煤 = tce, 立方米 = m³, 吨/年 =
 * t/a, 万千瓦时 = 10⁴ kWh, kg/a = 0.001 t/a). */
#ifndef PORTAL_RESULTS_H
#define PORTAL_RESULTS_H

#include <jansson.h>
#include <stddef.h>

/* [{"measure": "energy_tce" | "water_m3" | "electricity_kwh" | "cod_t" |
 * "so2_t" | "nox_t" | "vocs_t" | "nh3n_t" | "benefit_wan", "value": number
 * in the canonical unit, "unit": "tce" | "m³" | "kWh" | "t/a" | "万元",
 * "text": the figure as written}], each measure at most once, in the order
 * the sentence gives them; [] when the text states no results. A new
 * reference. */
json_t *portal_results_extract(const char *text, size_t len);

/* The i-th measure's name, in the order above; NULL past the last. */
const char *portal_results_measure(size_t i);
/* The Chinese name of a measure ("节能量"), or NULL for an unknown one. */
const char *portal_results_label(const char *measure);
/* The canonical unit of a measure ("tce"), or NULL. */
const char *portal_results_unit(const char *measure);

#endif
