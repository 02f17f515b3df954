/* meta.h: facts read from a document's own text.
 *
 * portal_meta_extract() reads a title and the text (UTF-8) and returns what
 * it can state from them, as a JSON object for the documents table and the
 * index. Keys are present only when something was found:
 *
 *   "title"        the title as the top of the text gives it (the caller's
 *                  title when one was given): cover lines such as
 *                  "京发改〔2014〕412号", "ICS 13.020", "北京市地方标准" are
 *                  skipped and a title broken over two lines is joined
 *   "doc_no"       ["京发改〔2014〕412号", ...]   canonical (normalize.h)
 *   "standard_no"  ["DB11/T 1259-2015", "GB/T 24001-2016", ...] canonical,
 *                  in order of appearance (a standard's own number first, as
 *                  its cover comes first); a number without a year is left
 *                  out when the same number with a year is there
 *   "year"         "2014": the document's own year, from the first of: a
 *                  standard's "…发布" date on the cover, a labelled date on
 *                  the cover (编制日期：2012年12月, 申报日期, 报告日期, 发布时间,
 *                  ...), a document number in the first lines, a date alone on
 *                  a line near the top, a year in the title, a signing date
 *                  alone on one of the last lines. Never just any date.
 *   "dates"        ["2014-05-19", ...] every full date in the text (2014年5月19日,
 *                  2014-05-19, 2014.5.19, 二〇一四年五月十九日), valid ones only,
 *                  in order, without repeats
 *   "credit_code"  ["91110101M964186382", ...] unified social credit codes
 *                  whose check character is right
 *   "enterprise"   ["北京华彩盛印刷有限公司", ...]: the unit a labelled field
 *                  names (审核单位：, 申报单位（盖章）：, 建设单位：, 项目单位：,
 *                  单位名称 ...) first, then organisations named in the text:
 *                  a place (北京, 北京市…区, a province or a large city) up to
 *                  有限公司, 合作社, 医院, 酒店, 学院, …
 *   "sector"       "industry" | "services" | "agriculture", when the text says
 *                  so: the industry named (所属行业 field, the title, the unit's
 *                  name, for a unit's document its first lines) or words such
 *                  as 工业, 农业, 服务业 in the title
 *   "industry"     the industry in Chinese ("奶牛养殖", "医疗机构", "电镀", ...):
 *                  the 所属行业 field, else the industry a keyword points to,
 *                  by its canonical name (industry.h: 医疗卫生 and 医院 are
 *                  医疗机构); a field naming an industry the table does not
 *                  know stays as written
 *
 *   "results"      [{"measure", "value", "unit", "text"}]: what the report
 *                  states it achieved (results.h), from its concluding sentence
 *
 * title may be NULL or "". Only the first META_MAX_BYTES of text are read.
 * Returns a new reference the caller owns (json_decref); never NULL (an
 * allocation failure is fatal, as everywhere in the portal). Keeps no
 * state; safe in any process. */
#ifndef PORTAL_META_H
#define PORTAL_META_H

#include <jansson.h>
#include <stddef.h>

#define META_MAX_BYTES (512 * 1024)

json_t *portal_meta_extract(const char *title, const char *text, size_t len);

/* Only the title, as in "title" above, into out (outlen bytes, truncated at
 * a character boundary). Returns its length; 0 when the text gives none. */
size_t portal_meta_title(const char *text, size_t len, char *out, size_t outlen);

#endif
