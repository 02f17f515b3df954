/* extract-html.c: HTML to plain text with a small hand-written scanner.
 *
 * Two passes. First the bytes become UTF-8: the charset named by a <meta>
 * tag in the first META_SCAN bytes wins, unless a BOM says otherwise or the
 * bytes are valid non-ASCII UTF-8 (pages re-saved as UTF-8 often keep an
 * old "gb2312" meta); without either, encoding.c detects. Then a scanner
 * walks the UTF-8 text: comments, <script>, <style>, <noscript> and
 * <template> vanish with their content; text inside <head> is dropped
 * except the first <title>, which becomes the first line of the output;
 * block elements become line breaks; entities are decoded once (so
 * "&amp;lt;" reads "&lt;"); runs of blank space collapse to one space or
 * one line break.
 *
 * This is not an HTML5 parser. It aims at pages people write and export
 * (news articles, regulations), and fails soft: a broken tag costs some
 * text, never the process. */
#include "extract.h"
#include "encoding.h"
#include "url.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define META_SCAN 8192

/* ---- finding the charset ---------------------------------------------- */

/* Case-insensitive search for needle in s (n bytes); index or n. */
static size_t find_ci(const char *s, size_t n, size_t from, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = from; i + m <= n; i++)
		if (strncasecmp(s + i, needle, m) == 0)
			return i;
	return n;
}

/* The value after "charset" (and "=", blanks, quotes) at s, n bytes. */
static int charset_value(const char *s, size_t n, char *cs, size_t cslen)
{
	size_t i = 7, j = 0;	/* past "charset" */

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= n || s[i] != '=')
		return 0;
	for (i++; i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '"' || s[i] == '\''); i++)
		;
	for (; i < n && j + 1 < cslen; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':'))
			break;
		cs[j++] = c;
	}
	cs[j] = '\0';
	return j > 0;
}

/* Charset from <meta charset=...> or <meta http-equiv=... content="...;
 * charset=...">, whichever comes first. */
static int meta_charset(const char *s, size_t len, char *cs, size_t cslen)
{
	size_t n = len < META_SCAN ? len : META_SCAN;

	for (size_t i = find_ci(s, n, 0, "<meta"); i < n; i = find_ci(s, n, i + 5, "<meta")) {
		const char *gt = memchr(s + i, '>', n - i);
		size_t end = gt ? (size_t)(gt - s) : n;
		size_t at = find_ci(s, end, i, "charset");
		if (at < end && charset_value(s + at, end - at, cs, cslen))
			return 1;
	}
	return 0;
}

static int has_high_bytes(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

/* The charset to hand to portal_to_utf8(), or NULL to detect. */
static const char *pick_charset(const char *s, size_t len, char *cs, size_t cslen)
{
	const unsigned char *u = (const unsigned char *)s;

	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return NULL;
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
		return NULL;
	if (!meta_charset(s, len, cs, cslen))
		return NULL;
	/* A meta tag readable as ASCII cannot be in UTF-16 (as browsers rule). */
	if (strncasecmp(cs, "utf-16", 6) == 0)
		snprintf(cs, cslen, "UTF-8");
	if (has_high_bytes(s, len) && portal_utf8_valid(s, len))
		snprintf(cs, cslen, "UTF-8");
	return cs;
}

/* ---- output with collapsed blank space -------------------------------- */

/* Text goes out through a sink: blank space and line breaks are only
 * remembered, and written (one of them) before the next visible text. */
struct sink {
	struct buf *b;
	int space;
	int line;
};

static void sink_text(struct sink *k, const char *s, size_t n)
{
	if (!n)
		return;
	if (k->b->len > 0 && k->line)
		buf_putc(k->b, '\n');
	else if (k->b->len > 0 && k->space)
		buf_putc(k->b, ' ');
	k->space = k->line = 0;
	buf_append(k->b, s, n);
}

static int blank_cp(unsigned long cp)
{
	return cp == 0x20 || cp == 0xA0 || (cp >= 0x2002 && cp <= 0x200A);
}

static void sink_cp(struct sink *k, unsigned long cp)
{
	char u[UTF8_MAX];
	size_t n;

	if (blank_cp(cp)) {
		k->space = 1;
		return;
	}
	if (cp > 0x10FFFF)
		cp = UTF8_REPLACEMENT;
	n = portal_utf8_encode(u, portal_utf8_text_cp((uint32_t)cp));
	sink_text(k, u, n);
}

/* ---- entities --------------------------------------------------------- */

static const struct {
	const char *name;
	unsigned long cp;
	int bare;		/* also recognised without the ';' */
} entities[] = {
	{ "amp", '&', 1 }, { "lt", '<', 1 }, { "gt", '>', 1 }, { "quot", '"', 1 },
	{ "apos", '\'', 0 }, { "nbsp", 0xA0, 1 }, { "ensp", 0x2002, 0 },
	{ "emsp", 0x2003, 0 }, { "thinsp", 0x2009, 0 },
	{ "ldquo", 0x201C, 0 }, { "rdquo", 0x201D, 0 }, { "lsquo", 0x2018, 0 },
	{ "rsquo", 0x2019, 0 }, { "laquo", 0xAB, 0 }, { "raquo", 0xBB, 0 },
	{ "mdash", 0x2014, 0 }, { "ndash", 0x2013, 0 }, { "hellip", 0x2026, 0 },
	{ "middot", 0xB7, 0 }, { "bull", 0x2022, 0 }, { "copy", 0xA9, 0 },
	{ "reg", 0xAE, 0 }, { "trade", 0x2122, 0 }, { "times", 0xD7, 0 },
	{ "divide", 0xF7, 0 }, { "deg", 0xB0, 0 }, { "plusmn", 0xB1, 0 },
	{ "yen", 0xA5, 0 }, { "sect", 0xA7, 0 }, { "para", 0xB6, 0 },
	{ "permil", 0x2030, 0 }, { "larr", 0x2190, 0 }, { "rarr", 0x2192, 0 },
};

/* "&#NNN;" or "&#xHH;" at s: bytes used (0 if none); too large becomes
 * 0x110000 so that sink_cp() replaces it. */
static size_t numeric_entity(const char *s, size_t n, unsigned long *cp)
{
	size_t i = 2;
	int base = 10, digits = 0;

	if (i < n && (s[i] == 'x' || s[i] == 'X')) {
		base = 16;
		i++;
	}
	*cp = 0;
	for (; i < n; i++, digits++) {
		int d = url_hexval((unsigned char)s[i]);
		if (d < 0 || d >= base)
			break;
		*cp = *cp * (unsigned long)base + (unsigned long)d;
		if (*cp > 0x10FFFF)
			*cp = 0x110000;
	}
	if (!digits)
		return 0;
	return (i < n && s[i] == ';') ? i + 1 : i;
}

static size_t named_entity(const char *s, size_t n, unsigned long *cp)
{
	size_t len = 1;

	while (len < n && len < 12 && ((s[len] >= 'a' && s[len] <= 'z') ||
				       (s[len] >= 'A' && s[len] <= 'Z')))
		len++;
	int semi = len < n && s[len] == ';';
	for (size_t e = 0; e < sizeof entities / sizeof entities[0]; e++) {
		if (strlen(entities[e].name) != len - 1 ||
		    strncmp(entities[e].name, s + 1, len - 1) != 0)
			continue;
		if (!semi && !entities[e].bare)
			return 0;
		*cp = entities[e].cp;
		return len + semi;
	}
	return 0;
}

/* The entity at s ('&'): bytes used, or 0 when it is a plain '&'. */
static size_t entity(const char *s, size_t n, unsigned long *cp)
{
	if (n > 1 && s[1] == '#')
		return numeric_entity(s, n, cp);
	return named_entity(s, n, cp);
}

/* ---- text and tags ------------------------------------------------------ */

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Character data (no tags) into k: entities decoded, blanks collapsed. */
static void put_text(struct sink *k, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != '&' && !blank(s[j]))
			j++;
		sink_text(k, s + i, j - i);
		if (j >= n)
			break;
		unsigned long cp;
		size_t used = s[j] == '&' ? entity(s + j, n - j, &cp) : 0;
		if (used) {
			sink_cp(k, cp);
			i = j + used;
		} else if (s[j] == '&') {
			sink_text(k, "&", 1);
			i = j + 1;
		} else {
			k->space = 1;
			i = j + 1;
		}
	}
}

static int in_list(const char *name, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(name, list[i]) == 0)
			return 1;
	return 0;
}

static int is_block(const char *name)
{
	static const char *const block[] = {
		"p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table",
		"thead", "tbody", "tfoot", "caption", "section", "article", "header",
		"footer", "nav", "aside", "main", "blockquote", "pre", "hr", "form",
		"fieldset", "legend", "figure", "figcaption", "address", "center",
		"h1", "h2", "h3", "h4", "h5", "h6", "body", "html", "option", NULL
	};
	return in_list(name, block);
}

static int is_head_only(const char *name)
{
	static const char *const head[] = {
		"base", "link", "meta", "title", "script", "style", "noscript",
		"template", NULL
	};
	return in_list(name, head);
}

static int is_dropped(const char *name)
{
	static const char *const drop[] = { "script", "style", "noscript", "template", NULL };
	return in_list(name, drop);
}

/* Index just past the '>' closing the tag whose attributes start at i;
 * quoted values may contain '>'. An unclosed quote falls back to the
 * first '>'. */
static size_t tag_end(const char *s, size_t n, size_t i)
{
	char quote = 0;

	for (size_t j = i; j < n; j++) {
		if (quote) {
			if (s[j] == quote)
				quote = 0;
		} else if (s[j] == '"' || s[j] == '\'') {
			quote = s[j];
		} else if (s[j] == '>') {
			return j + 1;
		}
	}
	const char *gt = memchr(s + i, '>', n - i);
	return gt ? (size_t)(gt - s) + 1 : n;
}

struct scan {
	const char *s;
	size_t n;
	struct sink body, title;
	int in_head, got_title;
};

/* Past "</name ...>" from i on, or the end. */
static size_t skip_element(struct scan *sc, size_t i, const char *name, size_t *content_end)
{
	char close[24];

	snprintf(close, sizeof close, "</%s", name);
	size_t at = find_ci(sc->s, sc->n, i, close);
	*content_end = at;
	return at < sc->n ? tag_end(sc->s, sc->n, at + strlen(close)) : sc->n;
}

/* The element name at s[i...] lower-cased into name; its length. */
static size_t tag_name(const char *s, size_t n, size_t i, char *name, size_t namelen)
{
	size_t len = 0;

	while (i + len < n) {
		char c = s[i + len];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			break;
		if (len + 1 < namelen)
			name[len] = c;
		len++;
	}
	name[len < namelen ? len : namelen - 1] = '\0';
	return len;
}

static void start_tag(struct scan *sc, const char *name)
{
	if (strcmp(name, "head") == 0)
		sc->in_head = 1;
	else if (sc->in_head && !is_head_only(name))
		sc->in_head = 0;	/* browsers close <head> here too */
	if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
		sc->body.space = 1;
}

/* The markup at s[i] == '<': act on it and return where text resumes. */
static size_t markup(struct scan *sc, size_t i)
{
	const char *s = sc->s;
	size_t n = sc->n, end;
	char name[16];

	if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
		size_t at = find_ci(s, n, i + 4, "-->");
		return at < n ? at + 3 : n;
	}
	if (i + 1 < n && (s[i + 1] == '!' || s[i + 1] == '?'))
		return tag_end(s, n, i + 2);
	int closing = i + 1 < n && s[i + 1] == '/';
	size_t at = i + 1 + (size_t)closing;
	size_t len = tag_name(s, n, at, name, sizeof name);
	if (!len || !((s[at] >= 'a' && s[at] <= 'z') || (s[at] >= 'A' && s[at] <= 'Z'))) {
		if (!sc->in_head)
			sink_text(&sc->body, "<", 1);
		return i + 1;
	}
	end = tag_end(s, n, at + len);
	if (closing) {
		if (strcmp(name, "head") == 0)
			sc->in_head = 0;
	} else if (is_dropped(name)) {
		return skip_element(sc, end, name, &at);
	} else if (strcmp(name, "title") == 0) {
		size_t after = skip_element(sc, end, name, &at);
		if (!sc->got_title)
			put_text(&sc->title, s + end, at - end);
		sc->got_title = 1;
		return after;
	} else {
		start_tag(sc, name);
	}
	if (is_block(name))
		sc->body.line = 1;
	return end;
}

static void strip_tags(const char *s, size_t n, struct buf *out)
{
	struct buf body = BUF_INIT, title = BUF_INIT;
	struct scan sc = { s, n, { &body, 0, 0 }, { &title, 0, 0 }, 0, 0 };
	size_t i = 0;

	while (i < n) {
		const char *lt = memchr(s + i, '<', n - i);
		size_t j = lt ? (size_t)(lt - s) : n;
		if (!sc.in_head)
			put_text(&sc.body, s + i, j - i);
		if (j >= n)
			break;
		i = markup(&sc, j);
	}
	if (title.len) {
		buf_append(out, title.data, title.len);
		if (body.len)
			buf_putc(out, '\n');
	}
	buf_append(out, body.data ? body.data : "", body.len);
	buf_free(&body);
	buf_free(&title);
}

int portal_extract_html(const char *data, size_t len, struct buf *out, char *err, size_t errlen)
{
	char cs[64];
	const char *charset = pick_charset(data, len, cs, sizeof cs);
	struct buf utf8 = BUF_INIT;

	/* A meta tag naming a charset iconv does not know is ignored. */
	if (portal_to_utf8(data, len, charset, &utf8, NULL, 0, err, errlen) != 0) {
		buf_reset(&utf8);
		if (portal_to_utf8(data, len, NULL, &utf8, NULL, 0, err, errlen) != 0) {
			buf_free(&utf8);
			return -1;
		}
	}
	strip_tags(utf8.data ? utf8.data : "", utf8.len, out);
	buf_free(&utf8);
	return 0;
}
