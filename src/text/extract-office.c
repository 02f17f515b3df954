/* extract-office.c: OOXML (.docx .xlsx .pptx) and ODF (.odt .ods .odp).
 *
 * Both are ZIP containers of XML parts. The container is opened through
 * extract-zip.c (caps against zip bombs) and the format is told by what it
 * holds, not by its name: a "mimetype" entry means ODF (content.xml),
 * word/document.xml a Word document (then footnotes, endnotes, headers
 * and footers), xl/workbook.xml a workbook (xl/sharedStrings.xml, then
 * xl/worksheets/sheetN.xml by N), ppt/presentation.xml a presentation
 * (ppt/slides/slideN.xml by N).
 *
 * Each part streams from the ZIP reader into expat with namespace
 * processing. Nothing from outside the document is ever loaded: parameter
 * entities are off, there is no external entity loader, and a document
 * that declares any entity is refused outright (its DTD is where billion
 * laughs and external entities live; office documents never need one).
 *
 * The walker keeps text only from the elements that carry it (w:t, a:t,
 * cell values, ODF paragraphs), drops deleted and moved text, comments,
 * phonetic guides and duplicate fallbacks, and turns structure into blank
 * space through one pending separator: a paragraph or table-cell end asks
 * for a line break, a tab for a tab, and the strongest request is written
 * once before the next text. Spreadsheets come out one row per line with
 * cells separated by tabs. */
#include "extract.h"
#include "extract-zip.h"
#include "log.h"

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TEXT ((size_t)64 * 1024 * 1024)	/* as the indexer's output cap */
#define MAX_SMALL_PART 4096			/* the ODF "mimetype" entry */

#define NS_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define NS_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_PRES "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
#define NS_DRAW "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"

enum sep { SEP_NONE, SEP_SPACE, SEP_TAB, SEP_LINE };

/* xlsx shared strings, by index. */
struct strings {
	char **v;
	size_t n, cap;
};

struct walker {
	XML_Parser p;
	enum portal_xml_part part;
	const char *name;	/* the part, for messages */
	struct buf *out;
	size_t base;		/* out->len before this document */
	enum sep sep;
	int text;		/* depth inside text-carrying elements */
	int skip;		/* depth inside dropped elements */
	/* spreadsheets */
	struct strings *ss;	/* collect shared strings here (NULL: print) */
	struct buf cell;	/* a cell's value, or a shared string */
	char cell_type[16];
	int row_cells;		/* cells with text so far in this row */
	int in_cell;
	size_t cell_start;	/* out->len when an ODF cell began */
	/* the outcome */
	const char *refusal;	/* why the walker stopped the parser */
	int failed;		/* expat reported an error */
};

/* ---- names ------------------------------------------------------------ */

/* With namespace processing expat names elements "uri|local". */
static const char *local_name(const char *name)
{
	const char *bar = strrchr(name, '|');
	return bar ? bar + 1 : name;
}

static int is(const char *name, const char *ns, const char *local)
{
	size_t n = strlen(ns);
	return strncmp(name, ns, n) == 0 && name[n] == '|' && strcmp(name + n + 1, local) == 0;
}

static const char *attr(const char **atts, const char *want)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(atts[i], want) == 0)
			return atts[i + 1];
	return NULL;
}

/* ---- output ----------------------------------------------------------- */

static void want(struct walker *w, enum sep s)
{
	if (s > w->sep)
		w->sep = s;
}

static void stop(struct walker *w, const char *why)
{
	if (!w->refusal)
		w->refusal = why;
	XML_StopParser(w->p, XML_FALSE);
}

/* Text s (n bytes) into out, after the pending separator. */
static void emit(struct walker *w, const char *s, size_t n)
{
	static const char seps[] = { 0, ' ', '\t', '\n' };

	if (!n)
		return;
	if (w->out->len + n + 1 > w->base + MAX_TEXT) {
		stop(w, "The document holds more text than the 64 MB allowed and was not read.");
		return;
	}
	if (w->sep && w->out->len > w->base)
		buf_putc(w->out, seps[w->sep]);
	w->sep = SEP_NONE;
	buf_append(w->out, s, n);
}

/* ODF text: runs of XML blank space are one space (ODF 1.2, 6.1.2). */
static void emit_collapsed(struct walker *w, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;
		while (j < n && !strchr(" \t\r\n", s[j]))
			j++;
		emit(w, s + i, j - i);
		if (j < n) {
			want(w, SEP_SPACE);
			j++;
		}
		i = j;
	}
}

/* ---- OOXML: Word, slides ---------------------------------------------- */

static int ooxml_dropped(const char *local)
{
	/* deleted, moved-away and field-code text; phonetic guides; the
	 * VML copy of a text box (mc:Fallback) next to its DrawingML one */
	return !strcmp(local, "del") || !strcmp(local, "moveFrom") ||
	       !strcmp(local, "rPh") || !strcmp(local, "Fallback") ||
	       !strcmp(local, "instrText") || !strcmp(local, "delText");
}

static void word_start(struct walker *w, const char *local)
{
	if (!strcmp(local, "t"))
		w->text++;
	else if (!strcmp(local, "tab"))
		want(w, SEP_TAB);
	else if (!strcmp(local, "br") || !strcmp(local, "cr"))
		want(w, SEP_LINE);
	else if (!strcmp(local, "noBreakHyphen") && !w->skip)
		emit(w, "-", 1);
}

static void word_end(struct walker *w, const char *local)
{
	if (!strcmp(local, "t") && w->text > 0)
		w->text--;
	else if (!strcmp(local, "p") || !strcmp(local, "tc") || !strcmp(local, "tr") ||
		 !strcmp(local, "txbxContent"))
		want(w, SEP_LINE);
}

/* ---- OOXML: worksheets and shared strings ---------------------------- */

static void strings_push(struct strings *ss, struct buf *b)
{
	if (ss->n == ss->cap) {
		ss->cap = ss->cap ? ss->cap * 2 : 256;
		ss->v = xrealloc(ss->v, ss->cap * sizeof *ss->v);
	}
	ss->v[ss->n++] = xstrndup(buf_str(b), b->len);
}

static void strings_free(struct strings *ss)
{
	for (size_t i = 0; i < ss->n; i++)
		free(ss->v[i]);
	free(ss->v);
	ss->v = NULL;
	ss->n = ss->cap = 0;
}

/* The text of a finished cell, or NULL to skip it. */
static const char *cell_text(struct walker *w, size_t *len)
{
	const char *t = w->cell_type;

	*len = w->cell.len;
	if (!strcmp(t, "s")) {
		char *end;
		unsigned long i = strtoul(buf_str(&w->cell), &end, 10);
		if (!w->ss || end == buf_str(&w->cell) || i >= w->ss->n)
			return NULL;
		*len = strlen(w->ss->v[i]);
		return w->ss->v[i];
	}
	if (!strcmp(t, "b") || !strcmp(t, "e"))	/* booleans, errors */
		return NULL;
	return buf_str(&w->cell);
}

static void sheet_start(struct walker *w, const char *local, const char **atts)
{
	if (!strcmp(local, "c")) {
		const char *t = attr(atts, "t");
		snprintf(w->cell_type, sizeof w->cell_type, "%s", t ? t : "n");
		buf_reset(&w->cell);
		w->in_cell = 1;
	} else if (w->in_cell && (!strcmp(local, "v") || !strcmp(local, "t"))) {
		w->text++;
	}
}

static void sheet_end(struct walker *w, const char *local)
{
	if ((!strcmp(local, "v") || !strcmp(local, "t")) && w->text > 0) {
		w->text--;
	} else if (!strcmp(local, "c") && w->in_cell) {
		size_t len;
		const char *s = cell_text(w, &len);
		w->in_cell = 0;
		if (s && len) {
			if (w->row_cells++)
				want(w, SEP_TAB);
			emit(w, s, len);
		}
	} else if (!strcmp(local, "row")) {
		want(w, SEP_LINE);
		w->row_cells = 0;
	}
}

static void strings_start(struct walker *w, const char *local)
{
	if (!strcmp(local, "si"))
		buf_reset(&w->cell);
	else if (!strcmp(local, "t"))
		w->text++;
}

static void strings_end(struct walker *w, const char *local)
{
	if (!strcmp(local, "t") && w->text > 0) {
		w->text--;
	} else if (!strcmp(local, "si")) {
		if (w->ss) {
			strings_push(w->ss, &w->cell);
		} else {
			emit(w, w->cell.data, w->cell.len);
			want(w, SEP_LINE);
		}
		buf_reset(&w->cell);
	}
}

/* ---- ODF -------------------------------------------------------------- */

static int odf_dropped(const char *name)
{
	/* comments, tracked deletions, speaker notes */
	return is(name, NS_OFFICE, "annotation") || is(name, NS_TEXT, "tracked-changes") ||
	       is(name, NS_PRES, "notes");
}

static int odf_cell(const char *name)
{
	return is(name, NS_TABLE, "table-cell") || is(name, NS_TABLE, "covered-table-cell");
}

static void odf_start(struct walker *w, const char *name)
{
	if (is(name, NS_TEXT, "p") || is(name, NS_TEXT, "h"))
		w->text++;
	else if (is(name, NS_TEXT, "s"))
		want(w, SEP_SPACE);
	else if (is(name, NS_TEXT, "tab"))
		want(w, SEP_TAB);
	else if (is(name, NS_TEXT, "line-break"))
		want(w, SEP_LINE);
	else if (w->part == PORTAL_XML_ODF_SHEET && odf_cell(name)) {
		w->in_cell = 1;
		w->cell_start = w->out->len;
		if (w->row_cells)
			want(w, SEP_TAB);
	}
}

static void odf_end(struct walker *w, const char *name)
{
	int sheet = w->part == PORTAL_XML_ODF_SHEET;

	if (is(name, NS_TEXT, "p") || is(name, NS_TEXT, "h")) {
		if (w->text > 0)
			w->text--;
		want(w, sheet && w->in_cell ? SEP_SPACE : SEP_LINE);
	} else if (odf_cell(name)) {
		if (!sheet) {
			want(w, SEP_LINE);
		} else {
			w->in_cell = 0;
			if (w->out->len > w->cell_start)
				w->row_cells++;
		}
	} else if (is(name, NS_TABLE, "table-row") || is(name, NS_TABLE, "table") ||
		   is(name, NS_DRAW, "page")) {
		want(w, SEP_LINE);
		w->row_cells = 0;
	}
}

/* ---- expat callbacks -------------------------------------------------- */

static int dropped(const struct walker *w, const char *name)
{
	if (w->part == PORTAL_XML_ODF || w->part == PORTAL_XML_ODF_SHEET)
		return odf_dropped(name);
	return ooxml_dropped(local_name(name));
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct walker *w = ud;

	if (w->skip || dropped(w, name)) {
		w->skip++;
		return;
	}
	switch (w->part) {
	case PORTAL_XML_WORD:
	case PORTAL_XML_SLIDE:
		word_start(w, local_name(name));
		break;
	case PORTAL_XML_SHEET:
		sheet_start(w, local_name(name), atts);
		break;
	case PORTAL_XML_STRINGS:
		strings_start(w, local_name(name));
		break;
	default:
		odf_start(w, name);
	}
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct walker *w = ud;

	if (w->skip) {
		w->skip--;
		return;
	}
	switch (w->part) {
	case PORTAL_XML_WORD:
	case PORTAL_XML_SLIDE:
		word_end(w, local_name(name));
		break;
	case PORTAL_XML_SHEET:
		sheet_end(w, local_name(name));
		break;
	case PORTAL_XML_STRINGS:
		strings_end(w, local_name(name));
		break;
	default:
		odf_end(w, name);
	}
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct walker *w = ud;

	if (w->skip || w->text <= 0 || len <= 0)
		return;
	switch (w->part) {
	case PORTAL_XML_SHEET:
	case PORTAL_XML_STRINGS:
		if (w->cell.len + (size_t)len > MAX_TEXT)
			stop(w, "The document holds more text than the 64 MB allowed and was not read.");
		else
			buf_append(&w->cell, s, (size_t)len);
		break;
	case PORTAL_XML_ODF:
	case PORTAL_XML_ODF_SHEET:
		emit_collapsed(w, s, (size_t)len);
		break;
	default:
		emit(w, s, (size_t)len);
	}
}

static void XMLCALL on_entity_decl(void *ud, const XML_Char *name, int is_param,
				   const XML_Char *value, int value_len, const XML_Char *base,
				   const XML_Char *system_id, const XML_Char *public_id,
				   const XML_Char *notation)
{
	stop(ud, "The file was refused: the document declares XML entities.");
}

/* Never called while parameter entities are off and no entity may be
 * declared; refusing here keeps it so if either changes. */
static int XMLCALL on_external_entity(XML_Parser p, const XML_Char *context,
				      const XML_Char *base, const XML_Char *system_id,
				      const XML_Char *public_id)
{
	struct walker *w = XML_GetUserData(p);

	if (!w->refusal)
		w->refusal = "The file was refused: the document refers to an external entity.";
	return XML_STATUS_ERROR;
}

/* ---- one part --------------------------------------------------------- */

static void walker_init(struct walker *w, enum portal_xml_part part, const char *name,
			struct buf *out, size_t base, struct strings *ss)
{
	memset(w, 0, sizeof *w);
	w->part = part;
	w->name = name;
	w->out = out;
	w->base = base;
	w->ss = ss;
	w->sep = SEP_LINE;	/* parts after the first start on a new line */
	w->p = XML_ParserCreateNS(NULL, '|');
	if (!w->p)
		portal_fatal("expat: out of memory");
	XML_SetUserData(w->p, w);
	XML_SetParamEntityParsing(w->p, XML_PARAM_ENTITY_PARSING_NEVER);
	XML_SetEntityDeclHandler(w->p, on_entity_decl);
	XML_SetExternalEntityRefHandler(w->p, on_external_entity);
	XML_SetElementHandler(w->p, on_start, on_end);
	XML_SetCharacterDataHandler(w->p, on_text);
}

static void walker_free(struct walker *w)
{
	XML_ParserFree(w->p);
	buf_free(&w->cell);
}

/* Feed len bytes (final: the last of them). 0, or -1 (see walker_error). */
static int walker_feed(struct walker *w, const char *s, size_t len, int final)
{
	while (len > 0 || final) {
		int n = len > (1 << 20) ? 1 << 20 : (int)len;
		int last = final && (size_t)n == len;
		if (XML_Parse(w->p, s, n, last) != XML_STATUS_OK) {
			w->failed = 1;
			return -1;
		}
		s += n;
		len -= (size_t)n;
		if (last)
			break;
	}
	return 0;
}

static void walker_error(const struct walker *w, char *err, size_t errlen)
{
	if (w->refusal) {
		snprintf(err, errlen, "%s", w->refusal);
		return;
	}
	snprintf(err, errlen, "The document is damaged: its part %s is not well-formed XML "
		 "(line %lu: %s), so its text could not be read.", w->name,
		 (unsigned long)XML_GetCurrentLineNumber(w->p),
		 XML_ErrorString(XML_GetErrorCode(w->p)));
}

int portal_extract_office_xml(const char *xml, size_t len, enum portal_xml_part part,
			      struct buf *out, char *err, size_t errlen)
{
	struct walker w;

	if (part >= PORTAL_XML_PARTS) {
		snprintf(err, errlen, "Unknown kind of document part.");
		return -1;
	}
	walker_init(&w, part, "XML", out, out->len, NULL);
	int rc = walker_feed(&w, xml, len, 1);
	if (rc != 0) {
		walker_error(&w, err, errlen);
		out->len = w.base;	/* nothing from a refused part */
		if (out->data)
			out->data[w.base] = '\0';
	}
	walker_free(&w);
	return rc;
}

/* ---- parts from the container ---------------------------------------- */

struct doc {
	struct portal_zip *z;
	struct buf *out;
	size_t base;
	struct strings ss;
};

static int feed_chunk(void *ctx, const char *data, size_t len)
{
	return walker_feed(ctx, data, len, 0) != 0;
}

/* Walk the entry at index i (named name) as part. */
static int walk(struct doc *d, long i, enum portal_xml_part part, char *err, size_t errlen)
{
	struct walker w;
	const char *name = portal_zip_name(d->z, (size_t)i);

	/* shared strings are collected, and looked up by the sheets */
	walker_init(&w, part, name, d->out, d->base, &d->ss);
	int rc = portal_zip_read(d->z, (size_t)i, feed_chunk, &w, err, errlen);
	if (rc == 0)
		rc = walker_feed(&w, "", 0, 1);
	if (rc != 0 && w.failed)
		walker_error(&w, err, errlen);
	walker_free(&w);
	return rc;
}

/* Walk the entry called name, if there is one. */
static int walk_named(struct doc *d, const char *name, enum portal_xml_part part,
		      char *err, size_t errlen)
{
	long i = portal_zip_find(d->z, name);
	return i < 0 ? 0 : walk(d, i, part, err, errlen);
}

struct numbered {
	unsigned long n;
	size_t index;
};

static int by_number(const void *a, const void *b)
{
	const struct numbered *x = a, *y = b;
	return x->n < y->n ? -1 : x->n > y->n;
}

/* Walk every entry named prefix<N>.xml, in the order of N. */
static int walk_numbered(struct doc *d, const char *prefix, enum portal_xml_part part,
			 char *err, size_t errlen)
{
	size_t count = portal_zip_count(d->z), n = 0, plen = strlen(prefix);
	struct numbered *v = xcalloc(count ? count : 1, sizeof *v);
	int rc = 0;

	for (size_t i = 0; i < count; i++) {
		const char *name = portal_zip_name(d->z, i);
		char *end;
		if (strncmp(name, prefix, plen) != 0 || name[plen] < '0' || name[plen] > '9')
			continue;
		unsigned long num = strtoul(name + plen, &end, 10);
		if (strcmp(end, ".xml") == 0)
			v[n++] = (struct numbered){ num, i };
	}
	qsort(v, n, sizeof *v, by_number);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = walk(d, (long)v[i].index, part, err, errlen);
	free(v);
	return rc;
}

static int word(struct doc *d, char *err, size_t errlen)
{
	int rc = walk_named(d, "word/document.xml", PORTAL_XML_WORD, err, errlen);
	if (rc == 0)
		rc = walk_named(d, "word/footnotes.xml", PORTAL_XML_WORD, err, errlen);
	if (rc == 0)
		rc = walk_named(d, "word/endnotes.xml", PORTAL_XML_WORD, err, errlen);
	if (rc == 0)
		rc = walk_numbered(d, "word/header", PORTAL_XML_WORD, err, errlen);
	if (rc == 0)
		rc = walk_numbered(d, "word/footer", PORTAL_XML_WORD, err, errlen);
	return rc;
}

static int workbook(struct doc *d, char *err, size_t errlen)
{
	int rc = walk_named(d, "xl/sharedStrings.xml", PORTAL_XML_STRINGS, err, errlen);
	if (rc == 0)
		rc = walk_numbered(d, "xl/worksheets/sheet", PORTAL_XML_SHEET, err, errlen);
	return rc;
}

/* An encrypted ODF package lists encryption data in its manifest. */
static int odf_encrypted(struct doc *d)
{
	struct buf m = BUF_INIT;
	char err[256];
	long i = portal_zip_find(d->z, "META-INF/manifest.xml");
	int yes = i >= 0 && portal_zip_read_buf(d->z, (size_t)i, 4 * 1024 * 1024, &m,
						 err, sizeof err) == 0 &&
		  strstr(buf_str(&m), "encryption-data") != NULL;
	buf_free(&m);
	return yes;
}

static int odf(struct doc *d, long mimetype, char *err, size_t errlen)
{
	struct buf mt = BUF_INIT;
	enum portal_xml_part part = PORTAL_XML_ODF;
	long content = portal_zip_find(d->z, "content.xml");

	if (mimetype >= 0 && portal_zip_read_buf(d->z, (size_t)mimetype, MAX_SMALL_PART, &mt,
						 err, errlen) != 0) {
		buf_free(&mt);
		return -1;
	}
	if (strstr(buf_str(&mt), "opendocument.spreadsheet"))
		part = PORTAL_XML_ODF_SHEET;
	buf_free(&mt);
	if (content < 0) {
		snprintf(err, errlen, "The OpenDocument file is damaged: it has no content.xml, "
			 "so its text could not be read.");
		return -1;
	}
	int rc = walk(d, content, part, err, errlen);
	if (rc != 0 && odf_encrypted(d))
		snprintf(err, errlen, "The document is encrypted (password-protected), so its "
			 "text could not be read.");
	return rc;
}

int portal_extract_office(const char *path, struct buf *out, char *err, size_t errlen)
{
	struct doc d = { NULL, out, out->len, { NULL, 0, 0 } };
	int rc;

	if (portal_zip_open(path, &d.z, err, errlen) != 0)
		return -1;
	long mimetype = portal_zip_find(d.z, "mimetype");
	if (mimetype >= 0 || portal_zip_find(d.z, "content.xml") >= 0) {
		rc = odf(&d, mimetype, err, errlen);
	} else if (portal_zip_find(d.z, "word/document.xml") >= 0) {
		rc = word(&d, err, errlen);
	} else if (portal_zip_find(d.z, "xl/workbook.xml") >= 0) {
		rc = workbook(&d, err, errlen);
	} else if (portal_zip_find(d.z, "ppt/presentation.xml") >= 0) {
		rc = walk_numbered(&d, "ppt/slides/slide", PORTAL_XML_SLIDE, err, errlen);
	} else {
		snprintf(err, errlen, "This ZIP archive is not a Word, Excel, PowerPoint or "
			 "OpenDocument file; other archives are not supported.");
		rc = -1;
	}
	if (rc == 0 && out->len == d.base) {
		snprintf(err, errlen, "The document holds no text.");
		rc = -1;
	}
	if (rc != 0 && out->data) {	/* no half documents */
		out->len = d.base;
		out->data[d.base] = '\0';
	}
	strings_free(&d.ss);
	portal_zip_close(d.z);
	return rc;
}
