/* meta.c: titles, identifiers, dates, units, sector and industry from text.
 *
 * The text (at most META_MAX_BYTES) is first cut into lines, each folded
 * (full-width ASCII to ASCII) and compacted: blank space between two
 * Chinese characters is dropped (PDF covers come out as "中 华 人 民"), runs
 * of other blank space become one space. Everything line-based works on
 * these lines; identifiers are found by normalize.c in the original text.
 *
 * The head is the first HEAD_LINES non-empty lines: cover, title and the
 * labelled fields (审核单位：…, 编制日期：…) that programme documents put
 * under the title. The tail is the last TAIL_LINES, where a notice is
 * signed and dated. */
#include "meta.h"
#include "results.h"
#include "buf.h"
#include "industry.h"
#include "log.h"
#include "normalize.h"
#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HEAD_LINES 25
#define TAIL_LINES 8
#define COVER_LINES 80
#define TITLE_MAX_CHARS 100
#define MAX_ITEMS 50		/* per array */

/* ---- UTF-8 and lines ----------------------------------------------------- */


static int is_han(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || cp == 0x3007;
}

/* Compact one line of n bytes into b (emptied first); fold: full-width
 * ASCII and dashes to ASCII as well. */
static void compact_line(const char *s, size_t n, struct buf *b, int fold)
{
	uint32_t last = 0;	/* last character kept */
	int pending = 0;	/* blank space seen since */

	buf_reset(b);
	for (size_t i = 0; i < n;) {
		uint32_t cp = portal_utf8_next(s, n, &i);
		if (fold)
			cp = portal_utf8_fold(cp, UTF8_FOLD_WIDTH | UTF8_FOLD_DASH);
		if (cp == ' ' || cp == '\t' || cp == '\r' || cp == 0x3000 || cp == 0xA0 || cp == '\f' ||
		    cp == 0xFEFF || cp == 0x200B) {
			pending = 1;
			continue;
		}
		if (cp == 0xFFFD)
			continue;
		if (pending && last && !is_han(last) && !is_han(cp))
			buf_putc(b, ' ');
		pending = 0;
		portal_utf8_put(b, cp);
		last = cp;
	}
}

struct lines {
	char **l;	/* compacted and folded, non-empty, in order */
	char **raw;	/* the same lines compacted only (for showing) */
	size_t n, cap;
};

static void lines_read(const char *text, size_t len, struct lines *ls)
{
	struct buf b = BUF_INIT;

	memset(ls, 0, sizeof *ls);
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - (text + i)) : len - i;
		compact_line(text + i, ll, &b, 1);
		if (b.len == 0) {
			i += ll + 1;
			continue;
		}
		if (ls->n == ls->cap) {
			ls->cap = ls->cap ? ls->cap * 2 : 256;
			ls->l = xrealloc(ls->l, ls->cap * sizeof *ls->l);
			ls->raw = xrealloc(ls->raw, ls->cap * sizeof *ls->raw);
		}
		ls->l[ls->n] = xstrdup(buf_str(&b));
		compact_line(text + i, ll, &b, 0);
		ls->raw[ls->n++] = xstrdup(buf_str(&b));
		i += ll + 1;
	}
	buf_free(&b);
}

static void lines_free(struct lines *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		free(ls->l[i]);
		free(ls->raw[i]);
	}
	free(ls->l);
	free(ls->raw);
}

static size_t han_count(const char *s)
{
	size_t n = strlen(s), i = 0, c = 0;
	while (i < n)
		c += is_han(portal_utf8_next(s, n, &i));
	return c;
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && memcmp(s + n - k, suf, k) == 0;
}

static int starts_with(const char *s, const char *pre)
{
	return strncmp(s, pre, strlen(pre)) == 0;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }

/* ---- dates --------------------------------------------------------------- */

struct date {
	int y, m, d;		/* d == 0: year and month only */
	size_t end;		/* offset after it */
};

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static int valid_ymd(int y, int m, int d)
{
	return y >= 1949 && y <= 2099 && m >= 1 && m <= 12 && d >= 0 && d <= month_days(y, m);
}

static size_t skip_sp(const char *s, size_t i)
{
	while (s[i] == ' ')
		i++;
	return i;
}

static size_t digits(const char *s, size_t i, int max, int *v)
{
	size_t k = 0;
	*v = 0;
	while (is_digit((unsigned char)s[i + k]) && (int)k <= max) {
		*v = *v * 10 + (s[i + k] - '0');
		k++;
	}
	return (int)k > max ? 0 : k;
}

/* The value of a Chinese numeral digit at s (3 bytes), or -1. */
static int cn_digit(const char *s)
{
	static const char *const d[] = { "〇", "一", "二", "三", "四", "五", "六", "七", "八", "九" };
	unsigned char c = (unsigned char)s[0];
	/* Called at every byte of the text: all of these begin with one of
	 * E2 (○), E3, E4, E5 or E9 (零), and most bytes do not. */
	if (c != 0xE2 && c != 0xE3 && c != 0xE4 && c != 0xE5 && c != 0xE9)
		return -1;
	if (strncmp(s, "○", 3) == 0 || strncmp(s, "零", 3) == 0)
		return 0;
	for (int i = 0; i < 10; i++)
		if (strncmp(s, d[i], 3) == 0)
			return i;
	return -1;
}

/* A number 1..31 in Chinese numerals at s (一, 十, 十二, 二十, 二十三, 三十一); its
 * byte length in *len, or -1. */
static int cn_small(const char *s, size_t *len)
{
	int v = -1;
	size_t i = 0;
	int a = cn_digit(s);

	if (strncmp(s, "十", 3) == 0) {
		v = 10;
		i = 3;
		int b = cn_digit(s + i);
		if (b > 0) {
			v += b;
			i += 3;
		}
	} else if (a > 0) {
		v = a;
		i = 3;
		if (strncmp(s + i, "十", 3) == 0) {
			v = a * 10;
			i += 3;
			int b = cn_digit(s + i);
			if (b > 0) {
				v += b;
				i += 3;
			}
		}
	}
	*len = i;
	return v;
}

/* 二〇一四年五月十九日 (or without the day) at s[i]. 1 when found. */
static int date_cn(const char *s, size_t i, struct date *dt)
{
	int y = 0, m, d;
	size_t l;
	for (size_t k = 0; k < 4; k++) {
		int v = cn_digit(s + i + 3 * k);
		if (v < 0)
			return 0;
		y = y * 10 + v;
	}
	size_t j = i + 12;
	if (strncmp(s + j, "年", 3) != 0)
		return 0;
	j += 3;
	if ((m = cn_small(s + j, &l)) < 1 || strncmp(s + j + l, "月", 3) != 0)
		return 0;
	j += l + 3;
	d = cn_small(s + j, &l);
	if (d >= 1 && strncmp(s + j + l, "日", 3) == 0)
		j += l + 3;
	else
		d = 0;
	if (!valid_ymd(y, m, d))
		return 0;
	*dt = (struct date){ y, m, d, j };
	return 1;
}

/* 年 at s[j] after the year y: 2014年5月19日 or 2014年5月. 1 when found. */
static int date_nian(const char *s, size_t j, int y, struct date *dt)
{
	int m, d = 0;
	size_t k;
	j = skip_sp(s, j + 3);
	if (!(k = digits(s, j, 2, &m)))
		return 0;
	j = skip_sp(s, j + k);
	if (strncmp(s + j, "月", 3) != 0)
		return 0;
	j += 3;
	size_t e = j;
	j = skip_sp(s, j);
	if ((k = digits(s, j, 2, &d)) && strncmp(s + skip_sp(s, j + k), "日", 3) == 0)
		e = skip_sp(s, j + k) + 3;
	else
		d = 0;
	if (!valid_ymd(y, m, d))
		return 0;
	*dt = (struct date){ y, m, d, e };
	return 1;
}

/* The separator sep at s[at] after the year y: 2014-05-19, 2014.5.19,
 * 2014/5/19, "2022 - 06 - 01" on some covers. 1 when found. */
static int date_sep(const char *s, size_t at, char sep, int y, struct date *dt)
{
	int m, d;
	size_t k, j = skip_sp(s, at + 1);
	if (!(k = digits(s, j, 2, &m)))
		return 0;
	j = skip_sp(s, j + k);
	if (s[j] != sep)
		return 0;
	j = skip_sp(s, j + 1);
	if (!(k = digits(s, j, 2, &d)) || d == 0 || is_digit((unsigned char)s[j + k]))
		return 0;
	if (!valid_ymd(y, m, d))
		return 0;
	*dt = (struct date){ y, m, d, j + k };
	return 1;
}

/* "2005 07 27" followed by 发布 or 实施, as on a standard's cover, with the
 * month at s[j]. 1 when found. */
static int date_spaced(const char *s, size_t j, int y, struct date *dt)
{
	int m, d;
	if (digits(s, j, 2, &m) != 2 || s[j + 2] != ' ' || digits(s, j + 3, 2, &d) != 2)
		return 0;
	size_t e = skip_sp(s, j + 5);
	if (strncmp(s + e, "发布", 6) != 0 && strncmp(s + e, "实施", 6) != 0)
		return 0;
	if (!valid_ymd(y, m, d) || d == 0)
		return 0;
	*dt = (struct date){ y, m, d, j + 5 };
	return 1;
}

/* A date starting at s[i]: 2014年5月19日, 2014年5月, 2014-05-19, 2014.5.19,
 * 2014/5/19, "2005 07 27" before 发布/实施, or 二〇一四年五月十九日. 1 when found. */
static int date_at(const char *s, size_t i, struct date *dt)
{
	int y;
	memset(dt, 0, sizeof *dt);
	if (i > 0 && is_digit((unsigned char)s[i - 1]))
		return 0;
	if (cn_digit(s + i) >= 0)
		return date_cn(s, i, dt);
	if (digits(s, i, 4, &y) != 4 || is_digit((unsigned char)s[i + 4]) || y < 1949 || y > 2099)
		return 0;
	size_t j = skip_sp(s, i + 4);
	if (strncmp(s + j, "年", 3) == 0)
		return date_nian(s, j, y, dt);
	if (s[j] == '-' || s[j] == '.' || s[j] == '/')
		return date_sep(s, j, s[j], y, dt);
	if (s[i + 4] == ' ')
		return date_spaced(s, i + 5, y, dt);
	return 0;
}

/* The first date in line s, or 0. */
static int first_date(const char *s, struct date *dt)
{
	for (size_t i = 0; s[i]; i++)
		if (date_at(s, i, dt))
			return 1;
	return 0;
}

/* A line that is a date and nothing else (some punctuation allowed). */
static int date_only(const char *s, struct date *dt)
{
	if (!date_at(s, 0, dt))
		return 0;
	const char *rest = s + dt->end;
	return *rest == '\0' || strcmp(rest, "。") == 0;
}

/* ---- the title ---------------------------------------------------------- */

/* A labelled field ("审核单位：…", "发布时间：…"): a short label naming a kind
 * of value, then a colon. "药监局：甜品站采购食品有规定" is a title. */
static int field_line(const char *s)
{
	static const char *const kinds[] = { "单位", "日期", "时间", "曰期", "代码", "机构", "名称",
		"地址", "电话", "联系人", "部门", "编号", "发布人", "来源", "作者", "号", "方式", "邮编",
		"传真", "网址", "主题词", "关键词", "附件", "抄送", "报送", "主送", "分类", "负责人",
		"性质", "行业", "地点", "投资", "规模", "期限", "周期", "内容", "名单", "项目" };
	const char *c = strstr(s, "：");
	size_t cl = 3;

	if (!c || (strchr(s, ':') && strchr(s, ':') < c)) {
		c = strchr(s, ':');
		cl = 1;
	}
	if (!c || c == s || (size_t)(c - s) > 30)
		return 0;
	char *label = xstrndup(s, (size_t)(c - s));
	char *paren = strchr(label, '(');	/* folded: 申报单位(盖章) */
	if (paren && paren != label && ends_with(label, ")"))
		*paren = '\0';
	int yes = 0;
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds && !yes; i++)
		yes = ends_with(label, kinds[i]);
	free(label);
	(void)cl;
	return yes;
}

/* Lines that are neither title nor the start of one: cover headers,
 * numbers, dates, labelled fields, English, running text. */
static int not_title(const char *s)
{
	static const char *const starts[] = { "ICS", "备案号", "代替", "部分代替", "UDC", "CCS",
		"本电子版", "附件", "目录", "目次", "前言", "抄送", "—", "-", "第" };
	struct date dt;
	char tmp[PORTAL_IDENT_MAX];

	for (size_t i = 0; i < sizeof starts / sizeof *starts; i++)
		if (starts_with(s, starts[i]))
			return 1;
	if (ends_with(s, "地方标准") || (starts_with(s, "中华人民共和国") && ends_with(s, "标准")))
		return 1;
	if ((ends_with(s, "发布") || ends_with(s, "实施")) && first_date(s, &dt))
		return 1;
	if (field_line(s))
		return 1;
	if (date_only(s, &dt) || (first_date(s, &dt) && portal_utf8_count_str(s) < 40))
		return 1;
	if (portal_norm_docno(s, strlen(s), tmp, sizeof tmp, NULL, 0) == 0 ||
	    portal_norm_standard(s, strlen(s), tmp, sizeof tmp, NULL, 0) == 0)
		return 1;
	if (strstr(s, "。"))
		return 1;
	return han_count(s) == 0;
}

/* Lines that may begin a title. */
static int cover_line(const char *s)
{
	static const char *const notes[] = { "(发布稿)", "(征求意见稿)", "(送审稿)", "(报批稿)",
		"发布稿", "修订信息" };
	for (size_t i = 0; i < sizeof notes / sizeof *notes; i++)
		if (strcmp(s, notes[i]) == 0)
			return 1;
	return han_count(s) < 4 || not_title(s);
}

/* Endings after which a title is complete. */
static int title_complete(const char *s)
{
	static const char *const ends[] = { "报告", "通知", "指南", "标准", "体系", "要求", "规范", "办法",
		"条例", "法", "规定", "细则", "导则", "规程", "意见", "复函", "决定", "解释", "）", ")",
		"》", "书", "函", "批复", "公告", "通报", "目录", "名录", "方案", "计划", "纪要", "限值",
		"通则", "稿" };
	for (size_t i = 0; i < sizeof ends / sizeof *ends; i++)
		if (ends_with(s, ends[i]))
			return 1;
	return 0;
}

static void truncate_chars(char *s, size_t max_chars)
{
	size_t c = 0;
	for (char *p = s; *p; p++)
		if (((unsigned char)*p & 0xC0) != 0x80 && c++ == max_chars) {
			*p = '\0';
			return;
		}
}

/* The title from the head lines into b (shown as written, without the
 * folding): 1 when found as a title, 2 for the first line with words when
 * nothing looks like a title, 0 when none. */
static int find_title(const struct lines *ls, struct buf *b)
{
	size_t limit = ls->n < HEAD_LINES ? ls->n : HEAD_LINES, found = SIZE_MAX, end = 0;
	int rc = 0;

	buf_reset(b);
	for (size_t i = 0; i < limit && found == SIZE_MAX; i++) {
		const char *s = ls->l[i];
		if (cover_line(s))
			continue;
		found = i;
		end = i + 1;
		size_t chars = portal_utf8_count_str(s);
		/* a title a PDF broke over lines: join a continuation that is
		 * short, or follows a line as long as a page is wide; never a
		 * repeat (web pages repeat their title) */
		for (size_t j = i + 1; j < limit && j < i + 3 && !title_complete(ls->l[j - 1]); j++) {
			const char *t = ls->l[j];
			size_t tc = portal_utf8_count_str(t), bc = portal_utf8_count_str(ls->l[j - 1]);
			if (strcmp(t, ls->l[j - 1]) == 0 || strcmp(t, s) == 0 || tc > 24 || not_title(t) ||
			    (tc > 8 && bc < 18) || chars + tc > TITLE_MAX_CHARS)
				break;
			chars += tc;
			end = j + 1;
		}
		rc = 1;
	}
	/* a one-line text, or a head of cover lines only: the first line with words */
	for (size_t i = 0; i < limit && found == SIZE_MAX; i++)
		if (han_count(ls->l[i]) >= 4) {
			found = i;
			end = i + 1;
			rc = 2;
		}
	if (found == SIZE_MAX)
		return 0;
	for (size_t i = found; i < end; i++)
		buf_puts(b, ls->raw[i]);
	char *copy = xstrdup(buf_str(b));
	truncate_chars(copy, TITLE_MAX_CHARS);
	buf_reset(b);
	buf_puts(b, copy);
	free(copy);
	return rc;
}

size_t portal_meta_title(const char *text, size_t len, char *out, size_t outlen)
{
	struct lines ls;
	struct buf b = BUF_INIT;
	size_t n = 0;

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	if (!text)
		return 0;
	lines_read(text, len < 16384 ? len : 16384, &ls);
	if (find_title(&ls, &b)) {
		n = b.len < outlen ? b.len : outlen - 1;
		while (n > 0 && n < b.len && ((unsigned char)b.data[n] & 0xC0) == 0x80)
			n--;
		memcpy(out, b.data, n);
		out[n] = '\0';
	}
	buf_free(&b);
	lines_free(&ls);
	return n;
}

/* ---- units (enterprises and institutions) -------------------------------- */

/* What a unit's name ends with. */
static const char *const unit_ends[] = {
	"股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司", "专业合作社", "合作社",
	"集团", "医院", "卫生院", "学院", "大学", "中学", "小学", "学校", "幼儿园", "酒店",
	"宾馆", "饭店", "养殖场", "农场", "牧场", "研究院", "研究所", "技术服务中心",
	"购物中心", "事务所", "厂",
};

/* Where a name found in running text may begin. */
static const char *const places[] = {
	"北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏",
	"浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南",
	"四川", "贵州", "云南", "陕西", "甘肃", "青海", "内蒙古", "广西", "西藏", "宁夏",
	"新疆", "中国", "深圳", "广州", "杭州", "南京", "苏州", "武汉", "成都", "西安",
	"济南", "青岛", "大连", "沈阳", "宁波", "厦门", "合肥", "郑州", "长沙", "福州",
	"昆明", "无锡", "佛山", "东莞", "淄博", "济宁", "唐山", "石家庄", "太原", "哈尔滨",
};

/* Characters a name does not run across, read backwards from its ending. */
static const char *const name_stops[] = {
	"的", "及", "与", "在", "由", "为", "向", "将", "把", "被", "是", "到", "等", "对",
	"经", "从", "于", "并", "或", "即", "系", "如", "后", "前",
};

static int name_stop(const char *s)
{
	for (size_t i = 0; i < sizeof name_stops / sizeof *name_stops; i++)
		if (starts_with(s, name_stops[i]))
			return 1;
	return 0;
}

/* A list of distinct strings, in order. */
struct strs {
	char **s;
	size_t n, cap;
};

static void strs_add(struct strs *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->s[i], s) == 0)
			return;
	if (l->n >= MAX_ITEMS)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->s = xrealloc(l->s, l->cap * sizeof *l->s);
	}
	l->s[l->n++] = xstrdup(s);
}

static void strs_free(struct strs *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->s[i]);
	free(l->s);
	memset(l, 0, sizeof *l);
}

static json_t *strs_json(const struct strs *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->s[i]));
	return a;
}

/* A unit ending found in a line: where it starts and ends. */
struct ending {
	size_t start, end;
};

static int cmp_ending(const void *a, const void *b)
{
	const struct ending *x = a, *y = b;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Names in one compacted line: each unit ending (the longest of those
 * ending at the same place), read back over Chinese characters (and
 * brackets) to the leftmost place name before any stop. */
static void names_in_line(const char *s, struct strs *out)
{
	size_t n = strlen(s), ne = 0, cap = 0;
	struct ending *e = NULL;

	for (size_t u = 0; u < sizeof unit_ends / sizeof *unit_ends; u++)
		for (const char *p = strstr(s, unit_ends[u]); p; p = strstr(p + 3, unit_ends[u])) {
			size_t st = (size_t)(p - s), en = st + strlen(unit_ends[u]);
			/* 厂 only as a last character (厂界, 厂区 are not names) */
			if (strcmp(unit_ends[u], "厂") == 0 && en < n && (unsigned char)s[en] >= 0xE0)
				continue;
			if (ne == cap) {
				cap = cap ? cap * 2 : 8;
				e = xrealloc(e, cap * sizeof *e);
			}
			e[ne++] = (struct ending){ st, en };
		}
	if (ne > 1)
		qsort(e, ne, sizeof *e, cmp_ending);
	for (size_t k = 0; k < ne; k++) {
		if (k > 0 && e[k].end == e[k - 1].end)
			continue;	/* a shorter ending inside a longer one */
		size_t i = e[k].start;
		/* back to the start of the run */
		size_t b = i, chars = 0;
		while (b > 0 && chars < 30) {
			size_t p = b - 1;
			while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80)
				p--;
			size_t q = p;
			uint32_t cp = portal_utf8_next(s, n, &q);
			if (!(is_han(cp) || cp == '(' || cp == ')') || name_stop(s + p))
				break;
			b = p;
			chars++;
		}
		/* the leftmost place in the run */
		size_t start = SIZE_MAX;
		for (size_t q = b; q < i && start == SIZE_MAX; q++)
			for (size_t pl = 0; pl < sizeof places / sizeof *places; pl++)
				if (s[q] == places[pl][0] && starts_with(s + q, places[pl])) {
					start = q;
					break;
				}
		if (start != SIZE_MAX) {
			char *name = xstrndup(s + start, e[k].end - start);
			size_t c = portal_utf8_count_str(name);
			if (c >= 5 && c <= 40)
				strs_add(out, name);
			free(name);
		}
	}
	free(e);
}

/* Labels of fields naming the unit a document is about. */
static const char *const unit_labels[] = {
	"审核单位", "申报单位", "申请单位", "建设单位", "项目单位", "承办单位", "实施单位",
	"业主单位", "受审核单位", "企业名称", "单位名称", "企业(单位)名称",
};

/* The unit named by a labelled field in a head line, into out; 1 if found. */
static int labelled_unit(const char *s, struct buf *out)
{
	for (size_t i = 0; i < sizeof unit_labels / sizeof *unit_labels; i++) {
		const char *p = strstr(s, unit_labels[i]);
		if (!p || p != s)	/* the label starts the line */
			continue;
		p += strlen(unit_labels[i]);
		if (starts_with(p, "（盖章）"))
			p += strlen("（盖章）");
		else if (starts_with(p, "(盖章)"))
			p += strlen("(盖章)");
		if (starts_with(p, "："))
			p += 3;
		else if (*p == ':' || *p == ' ' || *p == '|')
			p++;
		while (*p == ' ' || *p == '|')
			p++;
		/* up to blank space, a separator or the next field */
		const char *q = p;
		while (*q && *q != ' ' && *q != '|' && *q != ',' && !starts_with(q, "统一社会信用代码"))
			q++;
		buf_reset(out);
		buf_append(out, p, (size_t)(q - p));
		const char *name = buf_str(out);
		for (size_t k = 0; k < sizeof unit_ends / sizeof *unit_ends; k++)
			if (ends_with(name, unit_ends[k]) && portal_utf8_count_str(name) >= 4 && portal_utf8_count_str(name) <= 40)
				return 1;
	}
	return 0;
}

/* ---- sector and industry ------------------------------------------------- */

enum sector { NO_SECTOR, INDUSTRY, SERVICES, AGRICULTURE };
static const char *const sector_names[] = { NULL, "industry", "services", "agriculture" };

struct trade {
	const char *word;	/* in the text */
	const char *industry;	/* its canonical name (industry.h) */
	enum sector sector;
};

/* Words naming an industry, most specific first. */
static const struct trade trades[] = {
	{ "数据中心", "数据中心", SERVICES },
	{ "医疗", "医疗机构", SERVICES },
	{ "医院", "医疗机构", SERVICES },
	{ "卫生院", "医疗机构", SERVICES },
	{ "餐饮", "餐饮", SERVICES },
	{ "饮食业", "餐饮", SERVICES },
	{ "宾馆", "宾馆饭店", SERVICES },
	{ "饭店", "宾馆饭店", SERVICES },
	{ "酒店", "宾馆饭店", SERVICES },
	{ "购物中心", "商场超市", SERVICES },
	{ "商场", "商场超市", SERVICES },
	{ "超市", "商场超市", SERVICES },
	{ "洗涤", "洗染", SERVICES },
	{ "洗衣", "洗染", SERVICES },
	{ "学校", "教育", SERVICES },
	{ "学院", "教育", SERVICES },
	{ "大学", "教育", SERVICES },
	{ "道路运输", "交通运输", SERVICES },
	{ "公交", "交通运输", SERVICES },
	{ "客运", "交通运输", SERVICES },
	{ "出租汽车", "交通运输", SERVICES },
	{ "物流", "交通运输", SERVICES },
	{ "印刷", "印刷", INDUSTRY },
	{ "汽车零部件", "汽车制造", INDUSTRY },
	{ "汽车配件", "汽车制造", INDUSTRY },
	{ "电路板", "电子元器件制造", INDUSTRY },
	{ "电路", "电子元器件制造", INDUSTRY },
	{ "电子", "电子元器件制造", INDUSTRY },
	{ "制药", "医药制造", INDUSTRY },
	{ "医药", "医药制造", INDUSTRY },
	{ "乳制品", "食品加工", INDUSTRY },
	{ "食品", "食品加工", INDUSTRY },
	{ "水泥", "建材", INDUSTRY },
	{ "化工", "化工", INDUSTRY },
	{ "化学工业", "化工", INDUSTRY },
	{ "化学原料", "化工", INDUSTRY },
	{ "化学制品", "化工", INDUSTRY },
	{ "电镀", "电镀", INDUSTRY },
	{ "表面处理", "电镀", INDUSTRY },
	{ "奶牛", "奶牛养殖", AGRICULTURE },
	{ "生猪", "生猪养殖", AGRICULTURE },
	{ "养猪", "生猪养殖", AGRICULTURE },
	{ "母猪", "生猪养殖", AGRICULTURE },
	{ "猪场", "生猪养殖", AGRICULTURE },
	{ "蔬菜", "设施种植", AGRICULTURE },
	{ "温室", "设施种植", AGRICULTURE },
	{ "水产", "水产养殖", AGRICULTURE },
	{ "渔业", "水产养殖", AGRICULTURE },
	{ "养鱼", "水产养殖", AGRICULTURE },
};

/* Words that name only a sector (looked for in the title). */
static const struct trade sector_words[] = {
	{ "服务业", NULL, SERVICES },
	{ "民用建筑", NULL, SERVICES },
	{ "公共机构", NULL, SERVICES },
	{ "工业", NULL, INDUSTRY },
	{ "制造", NULL, INDUSTRY },
	{ "农业", NULL, AGRICULTURE },
	{ "农村", NULL, AGRICULTURE },
	{ "畜禽", NULL, AGRICULTURE },
	{ "养殖", NULL, AGRICULTURE },
	{ "种植", NULL, AGRICULTURE },
};

static const struct trade *trade_in(const char *s)
{
	for (size_t i = 0; s && i < sizeof trades / sizeof *trades; i++)
		if (strstr(s, trades[i].word))
			return &trades[i];
	return NULL;
}

static const struct trade *sector_word_in(const char *s)
{
	for (size_t i = 0; s && i < sizeof sector_words / sizeof *sector_words; i++)
		if (strstr(s, sector_words[i].word))
			return &sector_words[i];
	return NULL;
}

/* The industry given in a 所属行业 / 行业类别 field of a head line, into out. */
static int industry_field(const char *s, struct buf *out)
{
	static const char *const labels[] = { "所属行业", "行业类别", "所属领域", "行业" };
	for (size_t i = 0; i < sizeof labels / sizeof *labels; i++) {
		const char *p = strstr(s, labels[i]);
		if (!p || (p != s && p[-1] != ' ' && p[-1] != '|'))
			continue;
		p += strlen(labels[i]);
		if (starts_with(p, "："))
			p += 3;
		else if (*p == ':' || *p == ' ' || *p == '|')
			p++;
		else
			continue;
		while (*p == ' ' || *p == '|')
			p++;
		const char *q = p;
		while (*q && *q != ' ' && *q != '|' && *q != ',' && *q != ';' && !starts_with(q, "。"))
			q++;
		buf_reset(out);
		buf_append(out, p, (size_t)(q - p));
		size_t c = portal_utf8_count_str(buf_str(out));
		if (c >= 2 && c <= 16 && han_count(buf_str(out)) >= 2)
			return 1;
	}
	return 0;
}

/* The sector an industry name as written belongs to: by the table, else
 * by its own words (…制造 is industry, …养殖/…种植 agriculture). */
static enum sector sector_of_industry(const char *name)
{
	const char *known = portal_industry_sector(name);
	for (int i = 1; known && i < 4; i++)
		if (strcmp(sector_names[i], known) == 0)
			return (enum sector)i;
	const struct trade *t = trade_in(name);
	if (t)
		return t->sector;
	if (strstr(name, "制造") || strstr(name, "加工") || strstr(name, "工业"))
		return INDUSTRY;
	if (strstr(name, "养殖") || strstr(name, "种植") || strstr(name, "农业"))
		return AGRICULTURE;
	if (strstr(name, "服务") || strstr(name, "零售") || strstr(name, "住宿"))
		return SERVICES;
	return NO_SECTOR;
}

/* ---- the year ------------------------------------------------------------ */

static const char *const date_labels[] = {
	"编制日期", "编制时间", "申报日期", "申报曰期", "申请日期", "报告日期", "报告时间",
	"发布日期", "发布时间", "印发日期", "成文日期", "完成日期", "完成时间", "提交日期",
	"日期",
};

static int labelled_date(const char *s, struct date *dt)
{
	for (size_t i = 0; i < sizeof date_labels / sizeof *date_labels; i++) {
		const char *p = strstr(s, date_labels[i]);
		if (!p)
			continue;
		p += strlen(date_labels[i]);
		while (*p == ' ')
			p++;
		if (starts_with(p, "："))
			p += 3;
		else if (*p == ':')
			p++;
		else
			continue;
		while (*p == ' ')
			p++;
		if (date_at(p, 0, dt))
			return 1;
	}
	return 0;
}

/* A year written in a title: "2016年…", "关于开展2014年…", "（2015年版）". */
static int title_year(const char *t)
{
	for (size_t i = 0; t && t[i]; i++) {
		int y;
		if ((i == 0 || !is_digit((unsigned char)t[i - 1])) && digits(t, i, 4, &y) == 4 &&
		    !is_digit((unsigned char)t[i + 4]) && starts_with(t + i + 4, "年") &&
		    y >= 1949 && y <= 2099)
			return y;
	}
	return 0;
}

static int guess_year(const struct lines *ls, const char *title)
{
	size_t head = ls->n < HEAD_LINES ? ls->n : HEAD_LINES;
	struct date dt;

	/* a standard's cover: "2015-04-24发布" (a PDF's cover may spread
	 * over many short lines) */
	for (size_t i = 0; i < ls->n && i < COVER_LINES; i++) {
		const char *p = strstr(ls->l[i], "发布");
		if (p && first_date(ls->l[i], &dt) && dt.d && ls->l[i] + dt.end <= p)
			return dt.y;
	}
	/* else the cover's number line: "GB 12348—2008" alone on a line */
	for (size_t i = 0; i < ls->n && i < COVER_LINES; i++) {
		char canon[PORTAL_IDENT_MAX];
		const char *dash;
		if (portal_norm_standard(ls->l[i], strlen(ls->l[i]), canon, sizeof canon, NULL, 0) == 0 &&
		    (dash = strrchr(canon, '-')))
			return atoi(dash + 1);
	}
	for (size_t i = 0; i < head; i++)
		if (labelled_date(ls->l[i], &dt))
			return dt.y;
	/* a document number in the first lines */
	for (size_t i = 0; i < head && i < 3; i++) {
		char canon[PORTAL_IDENT_MAX];
		if (portal_norm_docno(ls->l[i], strlen(ls->l[i]), canon, sizeof canon, NULL, 0) == 0) {
			const char *y = strstr(canon, "〔");
			if (y)
				return atoi(y + 3);
		}
	}
	for (size_t i = 0; i < head; i++)
		if (date_only(ls->l[i], &dt))
			return dt.y;
	int ty = title ? title_year(title) : 0;
	if (ty)
		return ty;
	for (size_t i = ls->n; i-- > 0 && i + TAIL_LINES >= ls->n && i >= head;)
		if (date_only(ls->l[i], &dt))
			return dt.y;
	return 0;
}

/* ---- identifiers --------------------------------------------------------- */

struct idents {
	struct strs std, docno, credit;
};

static int take_ident(const struct portal_ident *id, void *arg)
{
	struct idents *ids = arg;
	if (id->kind == PORTAL_IDENT_STANDARD)
		strs_add(&ids->std, id->canon);
	else if (id->kind == PORTAL_IDENT_DOCNO)
		strs_add(&ids->docno, id->canon);
	else
		strs_add(&ids->credit, id->canon);
	return 0;
}

/* Drop "GB 18466" when "GB 18466-2005" is there too. */
static void drop_yearless(struct strs *l)
{
	unsigned char *drop = xcalloc(l->n ? l->n : 1, 1);
	size_t o = 0;

	for (size_t i = 0; i < l->n; i++) {
		size_t n = strlen(l->s[i]);
		if (strchr(l->s[i], '-'))
			continue;
		for (size_t j = 0; j < l->n && !drop[i]; j++)
			drop[i] = j != i && strncmp(l->s[j], l->s[i], n) == 0 && l->s[j][n] == '-';
	}
	for (size_t i = 0; i < l->n; i++) {
		if (drop[i])
			free(l->s[i]);
		else
			l->s[o++] = l->s[i];
	}
	l->n = o;
	free(drop);
}

/* ---- editions ------------------------------------------------------------ */

struct window_ctx {
	struct strs *out;
	const char *skip;	/* the document's own number, never one it replaces */
};

static int take_dated(const struct portal_ident *id, void *arg)
{
	struct window_ctx *w = arg;
	if (strchr(id->canon, '-') && (!w->skip || strcmp(w->skip, id->canon) != 0)) {
		for (size_t i = 0; i < w->out->n; i++)
			if (strcmp(w->out->s[i], id->canon) == 0)
				return 0;
		strs_add(w->out, id->canon);
	}
	return 0;
}

/* The end of the clause that starts at p: the first 。；; or line end, at
 * most max bytes on (a cover's "代替 GB 18466—2001" is a line of its own). */
static size_t clause_end(const char *p, size_t left, size_t max)
{
	size_t e = 0;
	while (e < left && e < max && p[e] != '\n' && p[e] != ';' &&
	       !(left - e >= 3 && (memcmp(p + e, "。", 3) == 0 || memcmp(p + e, "；", 3) == 0)))
		e++;
	return e;
}

/* The start of the clause that ends at p (text begins at t). */
static const char *clause_start(const char *t, const char *p, size_t max)
{
	const char *b = p;
	while (b > t && (size_t)(p - b) < max && b[-1] != '\n' &&
	       !(b - t >= 3 && (memcmp(b - 3, "。", 3) == 0 || memcmp(b - 3, "；", 3) == 0)))
		b--;
	return b;
}

#define EDITION_HEAD 20000	/* bytes where a standard says what it replaces */

/* What the text says of editions: the dated standard numbers it replaces
 * ("代替 GB 18466—2001", "本标准代替…", "自本标准实施之日起，… 废止"; not
 * "部分代替"), the ones a notice withdraws ("…标准废止" without a
 * replacement), and whether it says it is withdrawn itself. own is the
 * document's own number (or NULL). */
static void add_editions(json_t *o, const char *text, size_t len, const char *own)
{
	struct strs repl = { 0 }, gone = { 0 };
	struct window_ctx wr = { &repl, own }, wg = { &gone, NULL };
	if (len > EDITION_HEAD)
		len = EDITION_HEAD;
	const char *end = text + len;
	for (const char *p = text; p < end && (p = memmem(p, (size_t)(end - p), "代替", 6));) {
		int partial = p - text >= 6 && memcmp(p - 6, "部分", 6) == 0;
		const char *q = p + 6;
		size_t e = clause_end(q, (size_t)(end - q), 240);
		if (!partial)
			portal_norm_scan(q, e, PORTAL_IDENT_STANDARD, take_dated, &wr);
		p = q;
	}
	int self_withdrawn = 0;
	for (const char *p = text; p < end && (p = memmem(p, (size_t)(end - p), "废止", 6));) {
		const char *b = clause_start(text, p, 240);
		if (own && memmem(b, (size_t)(p - b), "本标准", 9)) {
			/* "自本标准实施之日起，GB 12348—90 废止": replaced by this one */
			portal_norm_scan(b, (size_t)(p - b), PORTAL_IDENT_STANDARD, take_dated, &wr);
		} else if (!memmem(b, (size_t)(p - b), "代替", 6)) {
			size_t before = gone.n;
			portal_norm_scan(b, (size_t)(p - b), PORTAL_IDENT_STANDARD, take_dated, &wg);
			if (gone.n == before && p - b <= 12 && p - text < 2000)
				self_withdrawn = 1;	/* "（已废止）" near the top */
		}
		p += 6;
	}
	/* replaced and then withdrawn ("代替 GB 13271-2001", later "…废止"):
	 * replaced, by this one */
	size_t kept = 0;
	for (size_t i = 0; i < gone.n; i++) {
		int dup = 0;
		for (size_t k = 0; k < repl.n && !dup; k++)
			dup = strcmp(gone.s[i], repl.s[k]) == 0;
		if (dup)
			free(gone.s[i]);
		else
			gone.s[kept++] = gone.s[i];
	}
	gone.n = kept;
	if (repl.n)
		json_object_set_new(o, "replaces", strs_json(&repl));
	if (gone.n)
		json_object_set_new(o, "withdraws", strs_json(&gone));
	if (self_withdrawn)
		json_object_set_new(o, "withdrawn", json_true());
	strs_free(&repl);
	strs_free(&gone);
}

/* The document's own standard number: the one in its title, else the
 * first its text names when that comes near the top (a cover); NULL. */
static const char *own_number(const char *title, const struct idents *ids)
{
	if (!ids->std.n)
		return NULL;
	if (title && *title) {
		struct portal_ident id[4];
		size_t n = portal_norm_find(title, strlen(title), id, 4);
		for (size_t i = 0; i < n; i++)
			if (id[i].kind == PORTAL_IDENT_STANDARD)
				for (size_t k = 0; k < ids->std.n; k++)
					if (strcmp(ids->std.s[k], id[i].canon) == 0)
						return ids->std.s[k];
	}
	return strchr(ids->std.s[0], '-') ? ids->std.s[0] : NULL;
}

/* ---- all together -------------------------------------------------------- */

/* The title, given (trimmed) or found in the lines, into t and o. 1 when
 * it is a title (given, or found as one), 0 when only a guess. */
static int add_title(json_t *o, const char *title, const struct lines *ls, struct buf *t)
{
	int title_kind = 0;
	if (title && *title) {
		size_t b0 = 0, e0 = strlen(title);
		while (b0 < e0 && strchr(" \t\r\n", title[b0]))
			b0++;
		while (e0 > b0 && strchr(" \t\r\n", title[e0 - 1]))
			e0--;
		buf_append(t, title + b0, e0 - b0);
		title_kind = t->len > 0;
	} else {
		title_kind = find_title(ls, t) == 1;
	}
	if (t->len)
		json_object_set_new(o, "title", json_string(buf_str(t)));
	return title_kind;
}

/* Identifiers in the title and the text into ids; document and standard
 * numbers into o. */
static void add_identifiers(json_t *o, const char *title, const char *text, size_t len,
			    struct idents *ids)
{
	if (title && *title)
		portal_norm_scan(title, strlen(title), PORTAL_IDENT_ALL, take_ident, ids);
	portal_norm_scan(text, len, PORTAL_IDENT_ALL, take_ident, ids);
	drop_yearless(&ids->std);
	if (ids->docno.n)
		json_object_set_new(o, "doc_no", strs_json(&ids->docno));
	if (ids->std.n)
		json_object_set_new(o, "standard_no", strs_json(&ids->std));
}

/* The document's year, unless it lies beyond next year (a deadline or a
 * plan). */
static void add_year(json_t *o, const struct lines *ls, const char *title)
{
	int year = guess_year(ls, title);
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm) && year > tm.tm_year + 1900 + 1)
		year = 0;	/* a deadline or a plan, not the document's year */
	if (year) {
		char y[8];
		snprintf(y, sizeof y, "%d", year);
		json_object_set_new(o, "year", json_string(y));
	}
}

/* Every full date in the lines, as YYYY-MM-DD. */
static void add_dates(json_t *o, const struct lines *ls)
{
	struct strs dates = { 0 };
	for (size_t i = 0; i < ls->n; i++) {
		const char *s = ls->l[i];
		for (size_t k = 0; s[k];) {
			struct date dt;
			if (date_at(s, k, &dt) && dt.d) {
				char iso[16];
				snprintf(iso, sizeof iso, "%04d-%02d-%02d", dt.y, dt.m, dt.d);
				strs_add(&dates, iso);
				k = dt.end;
			} else {
				k++;
			}
		}
	}
	if (dates.n)
		json_object_set_new(o, "dates", strs_json(&dates));
	strs_free(&dates);
}

/* The units named into units, the labelled one ("单位名称：…") first; b is
 * scratch. The number of labelled ones. */
static size_t add_units(json_t *o, const struct lines *ls, struct strs *units, struct buf *b)
{
	size_t head = ls->n < HEAD_LINES ? ls->n : HEAD_LINES;
	for (size_t i = 0; i < head; i++)
		if (labelled_unit(ls->l[i], b))
			strs_add(units, buf_str(b));
	size_t labelled = units->n;
	for (size_t i = 0; i < ls->n && units->n < MAX_ITEMS; i++)
		names_in_line(ls->l[i], units);
	if (units->n)
		json_object_set_new(o, "enterprise", strs_json(units));
	return labelled;
}

/* The industry and sector: a labelled field, else a trade named in the
 * title, the labelled unit or (a unit's own document) its first lines,
 * else a sector word in the title. b is scratch. */
static void add_industry(json_t *o, const struct lines *ls, const char *title,
			 const struct strs *units, size_t labelled, struct buf *b)
{
	size_t head = ls->n < HEAD_LINES ? ls->n : HEAD_LINES;
	const char *industry = NULL;
	enum sector sector = NO_SECTOR;
	for (size_t i = 0; i < head && !industry; i++)
		if (industry_field(ls->l[i], b)) {
			industry = buf_str(b);
			sector = sector_of_industry(industry);
		}
	const struct trade *tr = NULL;
	if (!industry && (tr = trade_in(title)) == NULL && labelled)
		tr = trade_in(units->s[0]);
	/* a unit's own document: its first lines describe what it does */
	for (size_t i = 0; !industry && !tr && labelled && i < ls->n && i < HEAD_LINES; i++)
		tr = trade_in(ls->l[i]);
	if (tr) {
		industry = tr->industry;
		sector = tr->sector;
	}
	if (!industry && sector == NO_SECTOR) {
		const struct trade *sw = sector_word_in(title);
		if (sw)
			sector = sw->sector;
	}
	if (industry)	/* one name per industry, whoever wrote it how */
		json_object_set_new(o, "industry", json_string(portal_industry_fold(industry)));
	if (sector != NO_SECTOR)
		json_object_set_new(o, "sector", json_string(sector_names[sector]));
}

json_t *portal_meta_extract(const char *title, const char *text, size_t len)
{
	json_t *o = json_object();
	struct lines ls;
	struct buf b = BUF_INIT, t = BUF_INIT;
	struct idents ids = { { 0 }, { 0 }, { 0 } };
	struct strs units = { 0 };

	if (!o)
		portal_fatal("out of memory");
	if (!text)
		len = 0;
	if (len > META_MAX_BYTES)
		len = META_MAX_BYTES;
	lines_read(text ? text : "", len, &ls);

	int title_kind = add_title(o, title, &ls, &t);
	add_identifiers(o, title, text ? text : "", len, &ids);
	add_editions(o, text ? text : "", len, own_number(title, &ids));
	add_year(o, &ls, title_kind ? buf_str(&t) : NULL);
	add_dates(o, &ls);
	if (ids.credit.n)
		json_object_set_new(o, "credit_code", strs_json(&ids.credit));
	size_t labelled = add_units(o, &ls, &units, &b);
	add_industry(o, &ls, buf_str(&t), &units, labelled, &b);
	json_t *results = portal_results_extract(text, len);
	if (json_array_size(results))
		json_object_set_new(o, "results", results);
	else
		json_decref(results);

	strs_free(&ids.std);
	strs_free(&ids.docno);
	strs_free(&ids.credit);
	strs_free(&units);
	lines_free(&ls);
	buf_free(&b);
	buf_free(&t);
	return o;
}
