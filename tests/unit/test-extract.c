/* test-extract.c: unit tests for the ingestion formats beyond text, HTML
 * and PDF text: OOXML and ODF (extract-office.c over extract-zip.c), the
 * legacy formats through Debian's converters (extract-legacy.c), text
 * recognition (extract-ocr.c, and extract-pdf.c's fallback to it), the
 * dispatch and refusals in extract.c, and hostile files.
 *
 * Real Chinese documents come from the shared corpus (docx, odt, doc and
 * the scanned PDF d0363_*), found through PORTAL_CORPUS or at
 * PORTAL_SRCDIR/../shared/corpus; a missing corpus fails the tests. The
 * formats the corpus lacks are generated here: ZIP formats with libzip,
 * .xls and .ppt as minimal compound files written below, RTF by hand,
 * images by pdftoppm from the scanned PDF. Hostile files (zip bombs, a
 * lying ZIP directory, XML entity bombs, XXE, unsafe entry names, damaged
 * and huge-page PDFs, a program named report.pdf, ...) run through
 * portal_sandbox_run() with the indexer's limits and must end in -1 with
 * a sentence. OCR is slow, so only small crops and one page are
 * recognised. Under AddressSanitizer the memory limit is left out. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef PDFTOPPM_PATH
#define PDFTOPPM_PATH "/usr/bin/pdftoppm"
#endif
#define PDFSEPARATE_PATH "/usr/bin/pdfseparate"	/* poppler-utils, beside pdftoppm */

#include "buf.h"
#include "detect.h"
#include "encoding.h"
#include "extract.h"
#include "extract-zip.h"
#include "sandbox.h"
#include "utf8.h"

#include "check-run.h"
#include "corpus.h"
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "test-limits.h"

/* ---- helpers ------------------------------------------------------------ */

static int has(const struct buf *b, const char *needle)
{
	return strstr(buf_str(b), needle) != NULL;
}

static void assert_clean(const struct buf *b)
{
	ck_assert_msg(portal_utf8_valid(buf_str(b), b->len), "output is not valid UTF-8");
	ck_assert_msg(strlen(buf_str(b)) == b->len, "output contains NUL");
}

/* Some character of the CJK Unified Ideographs block. */
static int has_cjk(const struct buf *b)
{
	const unsigned char *p = (const unsigned char *)buf_str(b);
	for (size_t i = 0; i + 2 < b->len; i++)
		if (p[i] >= 0xE4 && p[i] <= 0xE9 && (p[i] > 0xE4 || p[i + 1] >= 0xB8))
			return 1;
	return 0;
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void read_file(const char *path, struct buf *b)
{
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY);
	ck_assert_msg(fd >= 0, "cannot open %s", path);
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		buf_append(b, chunk, (size_t)n);
	close(fd);
}

/* A fresh temporary path; unlink it when done. */
static void temp_path(char *path, size_t n, const char *name)
{
	snprintf(path, n, "%s/portal-test-extract-%ld-%s",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid(), name);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The indexer's limits (src/cmd/portal-indexer.c). */
static struct sandbox_limits indexer_limits(void)
{
	struct sandbox_limits lim = { 60, UNDER_ASAN ? 0 : 1024 * MB, 120, 64 * MB };
	return lim;
}

struct job {
	const char *path;
	char mime[128];
};

static int fn_extract(void *arg, struct buf *out, char *err, size_t errlen)
{
	struct job *j = arg;
	return portal_extract_file(j->path, j->mime, out, err, errlen);
}

/* Detect path's type (when want_mime is NULL, any) and extract it in the
 * sandbox with the indexer's limits. */
static int extract_boxed(const char *path, const char *want_mime, struct buf *out,
			 char *err, size_t errlen)
{
	struct job j = { path, "" };
	struct sandbox_limits lim = indexer_limits();
	char derr[256];

	err[0] = '\0';
	ck_assert_msg(portal_detect_mime(path, j.mime, sizeof j.mime, derr, sizeof derr) == 0,
		      "detect: %s", derr);
	if (want_mime)
		ck_assert_str_eq(j.mime, want_mime);
	int rc = portal_sandbox_run(fn_extract, &j, &lim, out, err, errlen);
	if (rc != 0)
		ck_assert_msg(strlen(err) > 10 && err[strlen(err) - 1] == '.',
			      "no sentence: \"%s\"", err);
	return rc;
}

/* Extract, sandboxed, and require failure with a sentence containing
 * what; the output stays empty. */
static void refused(const char *path, const char *mime, const char *what)
{
	struct buf out = BUF_INIT;
	char err[1024];
	ck_assert_msg(extract_boxed(path, mime, &out, err, sizeof err) == -1,
		      "%s was read: %.200s", path, buf_str(&out));
	ck_assert_msg(strstr(err, what) != NULL, "err: %s", err);
	ck_assert_uint_eq(out.len, 0);
	fprintf(stderr, "# %s: %s\n", strrchr(path, '-') ? strrchr(path, '-') + 1 : path, err);
	buf_free(&out);
}

/* ---- building ZIP containers with libzip -------------------------------- */

struct entry {
	const char *name;
	const char *data;	/* NUL-terminated unless len is given */
	size_t len;
	int store;		/* stored, not deflated (the ODF "mimetype") */
};

static void make_zip(const char *path, const struct entry *e, size_t n)
{
	int code = 0;
	zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
	ck_assert_msg(za != NULL, "zip_open: %d", code);
	for (size_t i = 0; i < n; i++) {
		size_t len = e[i].len ? e[i].len : strlen(e[i].data);
		zip_source_t *src = zip_source_buffer(za, e[i].data, len, 0);
		ck_assert_ptr_nonnull(src);
		zip_int64_t idx = zip_file_add(za, e[i].name, src, ZIP_FL_ENC_UTF_8);
		ck_assert_msg(idx >= 0, "zip_file_add %s: %s", e[i].name, zip_strerror(za));
		zip_set_file_compression(za, (zip_uint64_t)idx,
					 e[i].store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 9);
	}
	ck_assert_msg(zip_close(za) == 0, "zip_close: %s", zip_strerror(za));
}

#define CT_XML "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" \
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" \
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"
#define RELS_XML "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" \
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" \
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/" \
	"2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>"
#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define DOCX_MIME "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define XLSX_MIME "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define PPTX_MIME "application/vnd.openxmlformats-officedocument.presentationml.presentation"

/* A .docx whose word/document.xml is doc (NUL-terminated), plus extras. */
static void make_docx(const char *path, const char *doc, const struct entry *extra, size_t n)
{
	struct entry e[16] = {
		{ "[Content_Types].xml", CT_XML, 0, 0 },
		{ "_rels/.rels", RELS_XML, 0, 0 },
		{ "word/document.xml", doc, 0, 0 },
	};
	ck_assert_uint_le(n, 13);
	for (size_t i = 0; i < n; i++)
		e[3 + i] = extra[i];
	make_zip(path, e, 3 + n);
}

/* A docx body of paragraphs around the given inner XML. */
static char *word_doc(const char *prolog, const char *inner)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>%s<w:document " W_NS ">"
		   "<w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>",
		   prolog, inner);
	return buf_detach(&b);
}

/* ---- the corpus --------------------------------------------------------- */


static void corpus_reads(const char *prefix, const char *mime, const char *const *words)
{
	char path[2048], err[1024];
	struct buf out = BUF_INIT;
	corpus_file(prefix, path, sizeof path);
	ck_assert_msg(extract_boxed(path, mime, &out, err, sizeof err) == 0, "%s: %s", prefix, err);
	for (size_t i = 0; words[i]; i++)
		ck_assert_msg(has(&out, words[i]), "%s: \"%s\" missing", prefix, words[i]);
	ck_assert(!has(&out, "\xEF\xBF\xBD"));
	assert_clean(&out);
	buf_free(&out);
}

START_TEST(corpus_docx)
{
	static const char *const words[] = {
		"江苏六大工程切实减少污染物排放\n", "脱硫设施改造", "一票否决", NULL
	};
	corpus_reads("d0014_", DOCX_MIME, words);
}
END_TEST

START_TEST(corpus_odt)
{
	static const char *const words[] = {
		"中华人民共和国渔业船舶检验条例\n", "国家对渔业船舶实行强制检验制度", NULL
	};
	corpus_reads("d0004_", "application/vnd.oasis.opendocument.text", words);
}
END_TEST

START_TEST(corpus_doc)
{
	/* catdoc -w: the sentence is not broken at 72 columns */
	static const char *const words[] = {
		"防治海洋工程建设项目污染损害海洋环境管理条例\n",
		"维护海洋生态平衡，保护海洋资源，根据《中华人民共和国海洋环境保护法》", NULL
	};
	corpus_reads("d0033_", "application/msword", words);
}
END_TEST

/* Every .docx, .odt and .doc of the corpus reads as clean Chinese. */
START_TEST(corpus_all_office)
{
	char dir[1024], path[2048], err[1024];
	DIR *d = opendir(corpus_docs(dir, sizeof dir));
	struct dirent *e;
	int files = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		const char *dot = strrchr(e->d_name, '.');
		if (!dot || (strcmp(dot, ".docx") && strcmp(dot, ".odt") && strcmp(dot, ".doc")))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct job j = { path, "" };
		struct buf out = BUF_INIT;
		ck_assert_int_eq(portal_detect_mime(path, j.mime, sizeof j.mime, err, sizeof err), 0);
		ck_assert_msg(portal_extract_supported(j.mime), "%s: %s", e->d_name, j.mime);
		ck_assert_msg(fn_extract(&j, &out, err, sizeof err) == 0, "%s: %s", e->d_name, err);
		assert_clean(&out);
		ck_assert_msg(has_cjk(&out), "%s: no Chinese", e->d_name);
		ck_assert_msg(!has(&out, "\xEF\xBF\xBD"), "%s: U+FFFD in output", e->d_name);
		ck_assert_msg(!has(&out, "<w:") && !has(&out, "<text:"), "%s: markup", e->d_name);
		buf_free(&out);
		files++;
	}
	closedir(d);
	ck_assert_int_ge(files, 50);
}
END_TEST

/* ---- OOXML and ODF made here -------------------------------------------- */

static void office_is(const char *path, const char *mime, const char *want)
{
	struct buf out = BUF_INIT;
	char err[1024];
	ck_assert_msg(extract_boxed(path, mime, &out, err, sizeof err) == 0, "err: %s", err);
	ck_assert_str_eq(buf_str(&out), want);
	assert_clean(&out);
	buf_free(&out);
	unlink(path);
}

START_TEST(docx_structure)
{
	char path[256];
	static const char doc[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		"<w:document " W_NS " xmlns:mc=\"http://schemas.openxmlformats.org/"
		"markup-compatibility/2006\"><w:body>\n"
		"<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
		"<w:r><w:t>清洁生产</w:t></w:r><w:r><w:t xml:space=\"preserve\">审核 </w:t></w:r>"
		"<w:r><w:t>报告</w:t></w:r></w:p>\n"
		"<w:p><w:r><w:t>第一章</w:t></w:r><w:r><w:tab/><w:t>总则</w:t></w:r>"
		"<w:del><w:r><w:delText>删除的文字</w:delText></w:r></w:del>"
		"<w:r><w:br/><w:t>换行</w:t></w:r></w:p>\n"
		"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc>"
		"<w:tc><w:p><w:r><w:t>乙</w:t></w:r></w:p></w:tc></w:tr></w:tbl>\n"
		"<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing>"
		"<w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent>"
		"</w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r>"
		"<w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>"
		"</mc:AlternateContent></w:r></w:p>\n"
		"<w:p><w:r><w:instrText> PAGE </w:instrText></w:r>"
		"<w:r><w:t>&amp;&lt;实体&gt;&#x4E2D;</w:t></w:r></w:p>\n"
		"</w:body></w:document>";
	static const struct entry extra[] = {
		{ "word/header10.xml", "<w:hdr " W_NS "><w:p><w:r><w:t>页眉十</w:t></w:r></w:p></w:hdr>", 0, 0 },
		{ "word/footer1.xml", "<w:ftr " W_NS "><w:p><w:r><w:t>页脚</w:t></w:r></w:p></w:ftr>", 0, 0 },
		{ "word/header2.xml", "<w:hdr " W_NS "><w:p><w:r><w:t>页眉二</w:t></w:r></w:p></w:hdr>", 0, 0 },
		{ "word/footnotes.xml", "<w:footnotes " W_NS "><w:footnote><w:p><w:r><w:t>脚注"
		  "</w:t></w:r></w:p></w:footnote></w:footnotes>", 0, 0 },
		{ "word/media/image1.png", "\x89PNG not really", 0, 0 },
	};
	temp_path(path, sizeof path, "structure.docx");
	make_docx(path, doc, extra, sizeof extra / sizeof extra[0]);
	office_is(path, DOCX_MIME, "清洁生产审核 报告\n第一章\t总则\n换行\n甲\n乙\n文本框\n&<实体>中\n"
		  "脚注\n页眉二\n页眉十\n页脚");
}
END_TEST

START_TEST(xlsx_sheets_in_order)
{
	char path[256];
	static const char ns[] = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"";
	struct buf strings = BUF_INIT, sheet2 = BUF_INIT, sheet10 = BUF_INIT, wb = BUF_INIT;
	buf_printf(&wb, "<workbook %s><sheets><sheet name=\"表一\" sheetId=\"1\"/></sheets></workbook>", ns);
	buf_printf(&strings, "<sst %s count=\"3\"><si><t>清洁生产</t></si>"
		   "<si><r><t>审核</t></r><r><t>报告</t></r></si>"
		   "<si><t>能耗</t><rPh sb=\"0\" eb=\"1\"><t>ノウ</t></rPh></si></sst>", ns);
	buf_printf(&sheet2, "<worksheet %s><sheetData>"
		   "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
		   "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\"><v>12.5</v></c>"
		   "<c r=\"C2\" t=\"b\"><v>1</v></c><c r=\"D2\" t=\"inlineStr\"><is><t>内联</t></is></c>"
		   "<c r=\"E2\" t=\"s\"><v>99</v></c><c r=\"F2\" t=\"str\"><f>A1</f><v>公式</v></c>"
		   "<c r=\"G2\"/></row></sheetData></worksheet>", ns);
	buf_printf(&sheet10, "<worksheet %s><sheetData><row><c t=\"inlineStr\"><is><t>第十表</t>"
		   "</is></c></row></sheetData></worksheet>", ns);
	struct entry e[] = {
		{ "[Content_Types].xml", CT_XML, 0, 0 },
		{ "_rels/.rels", RELS_XML, 0, 0 },
		{ "xl/workbook.xml", wb.data, 0, 0 },
		{ "xl/worksheets/sheet10.xml", sheet10.data, 0, 0 },
		{ "xl/sharedStrings.xml", strings.data, 0, 0 },
		{ "xl/worksheets/sheet2.xml", sheet2.data, 0, 0 },
		{ "xl/worksheets/_rels/sheet2.xml.rels", RELS_XML, 0, 0 },
	};
	temp_path(path, sizeof path, "sheets.xlsx");
	make_zip(path, e, sizeof e / sizeof e[0]);
	office_is(path, XLSX_MIME, "清洁生产\t审核报告\n能耗\t12.5\t内联\t公式\n第十表");
	buf_free(&strings);
	buf_free(&sheet2);
	buf_free(&sheet10);
	buf_free(&wb);
}
END_TEST

#define SLIDE(text) "<p:sld xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\" " \
	"xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><p:cSld><p:spTree><p:sp>" \
	"<p:txBody><a:p><a:pPr><a:tabLst><a:tab pos=\"0\"/></a:tabLst></a:pPr>" text \
	"</a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>"

START_TEST(pptx_slides_in_order)
{
	char path[256];
	struct entry e[] = {
		{ "[Content_Types].xml", CT_XML, 0, 0 },
		{ "_rels/.rels", RELS_XML, 0, 0 },
		{ "ppt/presentation.xml", "<p:presentation xmlns:p=\"http://schemas.openxmlformats.org/"
		  "presentationml/2006/main\"/>", 0, 0 },
		{ "ppt/slides/slide10.xml", SLIDE("<a:r><a:t>第十页</a:t></a:r>"), 0, 0 },
		{ "ppt/slides/slide2.xml", SLIDE("<a:r><a:t>第二页</a:t></a:r>"), 0, 0 },
		{ "ppt/slides/slide1.xml", SLIDE("<a:r><a:t>第一页标题</a:t></a:r></a:p><a:p>"
						 "<a:r><a:t>要点</a:t></a:r><a:br/><a:r><a:t>续行</a:t></a:r>"), 0, 0 },
		{ "ppt/notesSlides/notesSlide1.xml", SLIDE("<a:r><a:t>讲稿</a:t></a:r>"), 0, 0 },
	};
	temp_path(path, sizeof path, "slides.pptx");
	make_zip(path, e, sizeof e / sizeof e[0]);
	office_is(path, PPTX_MIME, "第一页标题\n要点\n续行\n第二页\n第十页");
}
END_TEST

#define ODF_NS "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " \
	"xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" " \
	"xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" " \
	"xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" " \
	"xmlns:presentation=\"urn:oasis:names:tc:opendocument:xmlns:presentation:1.0\""

static void make_odf(const char *path, const char *mimetype, const char *body)
{
	struct buf content = BUF_INIT;
	buf_printf(&content, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<office:document-content " ODF_NS "><office:body>%s</office:body>"
		   "</office:document-content>", body);
	struct entry e[] = {
		{ "mimetype", mimetype, 0, 1 },
		{ "content.xml", content.data, 0, 0 },
		{ "META-INF/manifest.xml", "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:"
		  "opendocument:xmlns:manifest:1.0\"/>", 0, 0 },
	};
	make_zip(path, e, sizeof e / sizeof e[0]);
	buf_free(&content);
}

START_TEST(odt_structure)
{
	char path[256];
	temp_path(path, sizeof path, "made.odt");
	make_odf(path, "application/vnd.oasis.opendocument.text",
		 "<office:text><text:tracked-changes><text:changed-region><text:deletion>"
		 "<text:p>删掉</text:p></text:deletion></text:changed-region></text:tracked-changes>"
		 "<text:h text:outline-level=\"1\">标题</text:h>"
		 "<text:p>甲<text:s text:c=\"3\"/>乙<text:tab/>丙<text:line-break/>丁"
		 "<office:annotation><text:p>批注</text:p></office:annotation></text:p>"
		 "<table:table><table:table-row><table:table-cell><text:p>甲表</text:p>"
		 "</table:table-cell><table:table-cell><text:p>乙表</text:p></table:table-cell>"
		 "</table:table-row></table:table>"
		 "<text:p>\n   多余\n   空白   </text:p></office:text>");
	office_is(path, "application/vnd.oasis.opendocument.text",
		  "标题\n甲 乙\t丙\n丁\n甲表\n乙表\n多余 空白");
}
END_TEST

START_TEST(ods_rows_and_cells)
{
	char path[256];
	temp_path(path, sizeof path, "made.ods");
	make_odf(path, "application/vnd.oasis.opendocument.spreadsheet",
		 "<office:spreadsheet><table:table table:name=\"表1\">"
		 "<table:table-row><table:table-cell><text:p>清洁生产</text:p></table:table-cell>"
		 "<table:table-cell table:number-columns-repeated=\"3\"/>"
		 "<table:table-cell office:value-type=\"float\" office:value=\"42\"><text:p>42</text:p>"
		 "</table:table-cell></table:table-row>"
		 "<table:table-row table:number-rows-repeated=\"1048575\"><table:table-cell "
		 "table:number-columns-repeated=\"1024\"/></table:table-row>"
		 "<table:table-row><table:table-cell><text:p>节能</text:p><office:annotation>"
		 "<text:p>批注</text:p></office:annotation></table:table-cell>"
		 "<table:table-cell><text:p>减排</text:p><text:p>两段</text:p></table:table-cell>"
		 "</table:table-row></table:table></office:spreadsheet>");
	office_is(path, "application/vnd.oasis.opendocument.spreadsheet",
		  "清洁生产\t42\n节能\t减排 两段");
}
END_TEST

START_TEST(odp_pages)
{
	char path[256];
	temp_path(path, sizeof path, "made.odp");
	make_odf(path, "application/vnd.oasis.opendocument.presentation",
		 "<office:presentation><draw:page draw:name=\"页1\"><draw:frame><draw:text-box>"
		 "<text:p>第一张幻灯片</text:p><text:list><text:list-item><text:p>要点一</text:p>"
		 "</text:list-item></text:list></draw:text-box></draw:frame><presentation:notes>"
		 "<draw:frame><draw:text-box><text:p>讲稿</text:p></draw:text-box></draw:frame>"
		 "</presentation:notes></draw:page><draw:page><draw:frame><draw:text-box>"
		 "<text:p>第二张</text:p></draw:text-box></draw:frame></draw:page>"
		 "</office:presentation>");
	office_is(path, "application/vnd.oasis.opendocument.presentation",
		  "第一张幻灯片\n要点一\n第二张");
}
END_TEST

START_TEST(plain_zip_and_empty_document)
{
	char path[256];
	static const struct entry plain[] = { { "notes/readme.txt", "这不是文档", 0, 0 } };
	temp_path(path, sizeof path, "plain.zip");
	make_zip(path, plain, 1);
	refused(path, "application/zip", "This ZIP archive is not a Word, Excel, PowerPoint or "
		"OpenDocument file");
	char *doc = word_doc("", "");
	make_docx(path, doc, NULL, 0);
	refused(path, DOCX_MIME, "The document holds no text.");
	free(doc);
	unlink(path);
}
END_TEST

/* ---- the XML walker on its own ------------------------------------------ */

START_TEST(xml_walker_parts_and_errors)
{
	struct buf out = BUF_INIT;
	char err[512];
	static const char strings[] = "<sst><si><t>一</t></si><si><t>二</t><rPh><t>x</t></rPh></si></sst>";
	ck_assert_int_eq(portal_extract_office_xml(strings, strlen(strings), PORTAL_XML_STRINGS,
						   &out, err, sizeof err), 0);
	ck_assert_str_eq(buf_str(&out), "一\n二");

	buf_reset(&out);
	static const char broken[] = "<w:document " W_NS "><w:body><w:p><w:t>半";
	ck_assert_int_eq(portal_extract_office_xml(broken, strlen(broken), PORTAL_XML_WORD,
						   &out, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "is not well-formed XML") != NULL, "err: %s", err);

	static const char gbk[] = "<?xml version=\"1.0\" encoding=\"GBK\"?><a/>";
	ck_assert_int_eq(portal_extract_office_xml(gbk, strlen(gbk), PORTAL_XML_WORD,
						   &out, err, sizeof err), -1);
	ck_assert_int_eq(portal_extract_office_xml("", 0, PORTAL_XML_PARTS, &out, err, sizeof err), -1);
	buf_free(&out);
}
END_TEST

START_TEST(xml_walker_refuses_entities)
{
	struct buf out = BUF_INIT;
	char err[512];
	static const char *const docs[] = {
		"<!DOCTYPE a [<!ENTITY x \"xx\">]><a>&x;</a>",
		"<!DOCTYPE a [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><a/>",
		"<!DOCTYPE a [<!ENTITY u SYSTEM \"http://example.invalid/\" NDATA gif>]><a/>",
	};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		for (int part = 0; part < PORTAL_XML_PARTS; part++) {
			ck_assert_int_eq(portal_extract_office_xml(docs[i], strlen(docs[i]), part,
								   &out, err, sizeof err), -1);
			ck_assert_str_eq(err, "The file was refused: the document declares XML entities.");
		}
	}
	ck_assert_uint_eq(out.len, 0);
	buf_free(&out);
}
END_TEST

/* ---- legacy formats ----------------------------------------------------- */

static void put16(struct buf *b, unsigned v)
{
	unsigned char c[2] = { (unsigned char)v, (unsigned char)(v >> 8) };
	buf_append(b, c, 2);
}

static void put32(struct buf *b, uint32_t v)
{
	put16(b, v & 0xFFFF);
	put16(b, v >> 16);
}

static void set32(struct buf *b, size_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b->data[at + (size_t)i] = (char)(v >> (8 * i));
}

/* UTF-8 to UTF-16LE code units (BMP only, enough for these tests). */
static void put_utf16(struct buf *b, const char *s, size_t *units)
{
	const unsigned char *p = (const unsigned char *)s;
	*units = 0;
	while (*p) {
		unsigned cp;
		if (*p < 0x80)
			cp = *p++;
		else if (*p < 0xE0)
			cp = (unsigned)(*p & 0x1F) << 6 | (p[1] & 0x3F), p += 2;
		else
			cp = (unsigned)(*p & 0x0F) << 12 | (unsigned)(p[1] & 0x3F) << 6 | (p[2] & 0x3F), p += 3;
		put16(b, cp);
		(*units)++;
	}
}

/* A compound file (OLE2, version 3, 512-byte sectors) with one stream:
 * header, FAT sector, directory sector, then the stream in regular
 * sectors or, under 4096 bytes, a mini FAT sector and the mini stream
 * (64-byte sectors). alias, when given, names a second, empty stream:
 * libmagic tells PowerPoint files by a stream called "PowerPoint" or by
 * summary information, which real files have and this writer does not
 * make. */
static void write_cfb(const char *path, const char *stream, const char *alias,
		      const struct buf *data)
{
	struct buf f = BUF_INIT;
	int mini = data->len < 4096;
	size_t body = mini ? (data->len + 63) / 64 * 64 : data->len;
	size_t sectors = (body + 511) / 512, first = mini ? 3 : 2;
	ck_assert_uint_le(sectors + first, 128);

	buf_append(&f, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
	for (int i = 0; i < 16; i++)
		buf_putc(&f, 0);		/* CLSID */
	put16(&f, 0x3E);		/* minor version */
	put16(&f, 3);			/* major version */
	put16(&f, 0xFFFE);		/* byte order */
	put16(&f, 9);			/* 512-byte sectors */
	put16(&f, 6);			/* 64-byte mini sectors */
	for (int i = 0; i < 6; i++)
		buf_putc(&f, 0);
	put32(&f, 0);			/* directory sectors (v3: 0) */
	put32(&f, 1);			/* FAT sectors */
	put32(&f, 1);			/* first directory sector */
	put32(&f, 0);			/* transaction */
	put32(&f, 4096);		/* mini stream cutoff */
	put32(&f, mini ? 2 : 0xFFFFFFFE);	/* first mini FAT sector */
	put32(&f, mini ? 1 : 0);
	put32(&f, 0xFFFFFFFE);		/* no DIFAT sectors */
	put32(&f, 0);
	put32(&f, 0);			/* DIFAT[0]: the FAT is sector 0 */
	while (f.len < 512)
		put32(&f, 0xFFFFFFFF);

	put32(&f, 0xFFFFFFFD);		/* sector 0: the FAT itself */
	put32(&f, 0xFFFFFFFE);		/* sector 1: the directory */
	if (mini)
		put32(&f, 0xFFFFFFFE);	/* sector 2: the mini FAT */
	for (size_t s = 0; s < sectors; s++)
		put32(&f, s + 1 < sectors ? (uint32_t)(first + s + 1) : 0xFFFFFFFE);
	while (f.len < 1024)
		put32(&f, 0xFFFFFFFF);

	const char *names[3] = { "Root Entry", stream, alias };
	for (int e = 0; e < 4; e++) {
		size_t at = f.len, units = 0;
		int used = e < 2 || (e == 2 && alias);
		if (used) {
			put_utf16(&f, names[e], &units);
			put16(&f, 0);
		}
		while (f.len < at + 64)
			buf_putc(&f, 0);
		put16(&f, used ? (unsigned)(units + 1) * 2 : 0);
		buf_putc(&f, e == 0 ? 5 : used ? 2 : 0);	/* root, stream, unused */
		buf_putc(&f, 1);				/* black */
		put32(&f, e == 1 && alias ? 2 : 0xFFFFFFFF);	/* left: the (shorter) alias */
		put32(&f, 0xFFFFFFFF);				/* right */
		put32(&f, e == 0 ? 1 : 0xFFFFFFFF);		/* child */
		while (f.len < at + 0x74)
			buf_putc(&f, 0);
		uint32_t start = 0, size = 0;
		if (e == 0 && mini) {
			start = (uint32_t)first;		/* the mini stream */
			size = (uint32_t)body;
		} else if (e == 1) {
			start = mini ? 0 : (uint32_t)first;
			size = (uint32_t)data->len;
		} else if (used) {
			start = 0xFFFFFFFE;
		}
		put32(&f, start);
		put32(&f, size);
		put32(&f, 0);
	}
	if (mini) {
		for (size_t m = 0; m < body / 64; m++)
			put32(&f, m + 1 < body / 64 ? (uint32_t)(m + 1) : 0xFFFFFFFE);
		while (f.len < 2048)
			put32(&f, 0xFFFFFFFF);
	}
	buf_append(&f, data->data, data->len);
	while (f.len % 512)
		buf_putc(&f, 0);
	write_file(path, f.data, f.len);
	buf_free(&f);
}

/* A BIFF record. */
static size_t record(struct buf *b, unsigned type, size_t len)
{
	put16(b, type);
	put16(b, (unsigned)len);
	return b->len;
}

/* An XLUnicodeString: length, flags, UTF-16 characters. */
static void xls_string(struct buf *b, const char *text)
{
	struct buf s = BUF_INIT;
	size_t units;
	put_utf16(&s, text, &units);
	put16(b, (unsigned)units);
	buf_putc(b, 1);		/* 16-bit characters */
	buf_append(b, s.data, s.len);
	buf_free(&s);
}

static void xls_cell_head(struct buf *b, unsigned type, size_t len, unsigned row, unsigned col)
{
	record(b, type, len);
	put16(b, row);
	put16(b, col);
	put16(b, 0);		/* format */
}

static void xls_bof(struct buf *b, unsigned kind)
{
	record(b, 0x0809, 16);
	put16(b, 0x0600);	/* BIFF8 */
	put16(b, kind);		/* 5: workbook globals, 0x10: worksheet */
	for (int i = 0; i < 12; i++)
		buf_putc(b, 0);
}

static void xls_padding(struct buf *b, size_t upto)
{
	while (b->len < upto) {		/* an unknown record: skipped */
		record(b, 0x7FFF, 100);
		for (int i = 0; i < 100; i++)
			buf_putc(b, 0);
	}
}

/* Two sheets of BIFF8 with the characters xls2csv garbles (洁 U+6D01,
 * 一 U+4E00): an SST whose first string runs on into a CONTINUE record,
 * then LABELSST, LABEL, NUMBER, RK, MULRK and a string FORMULA; padded
 * with unknown records to at least pad bytes. */
static void make_workbook(struct buf *w, size_t pad)
{
	struct buf s = BUF_INIT;
	size_t units;

	xls_bof(w, 5);
	put32(&s, 3);
	put32(&s, 3);
	put16(&s, 6);			/* 清洁生产一号: 2 characters here, */
	buf_putc(&s, 1);
	put_utf16(&s, "清洁", &units);
	record(w, 0x00FC, s.len);	/* SST */
	buf_append(w, s.data, s.len);
	buf_reset(&s);
	buf_putc(&s, 1);		/* 4 more after the CONTINUE, wide again */
	put_utf16(&s, "生产一号", &units);
	put16(&s, 5);			/* ASCII, 8-bit */
	buf_putc(&s, 0);
	buf_puts(&s, "ASCII");
	put16(&s, 4);			/* 节能减排 with one formatting run */
	buf_putc(&s, 9);
	put16(&s, 1);
	put_utf16(&s, "节能减排", &units);
	put32(&s, 0);
	record(w, 0x003C, s.len);	/* CONTINUE */
	buf_append(w, s.data, s.len);
	record(w, 0x000A, 0);

	xls_bof(w, 0x10);
	xls_cell_head(w, 0x00FD, 10, 0, 0);	/* LABELSST */
	put32(w, 0);
	buf_reset(&s);
	xls_string(&s, "审核报告");
	xls_cell_head(w, 0x0204, 6 + s.len, 0, 1);	/* LABEL */
	buf_append(w, s.data, s.len);
	xls_cell_head(w, 0x0203, 14, 1, 0);	/* NUMBER 12.5 */
	put32(w, 0);
	put32(w, 0x40290000);
	xls_cell_head(w, 0x027E, 10, 1, 1);	/* RK, integer 100 */
	put32(w, 100 << 2 | 2);
	record(w, 0x00BD, 4 + 12 + 2);		/* MULRK: 123.45 and 1.5 */
	put16(w, 1);
	put16(w, 2);
	put16(w, 0);
	put32(w, 12345 << 2 | 3);
	put16(w, 0);
	put32(w, 0x3FF80000);
	put16(w, 3);
	xls_cell_head(w, 0x0006, 20, 2, 0);	/* FORMULA with a string result */
	for (int i = 0; i < 6; i++)
		buf_putc(w, i == 0 ? 0 : 0x11);
	put16(w, 0xFFFF);
	for (int i = 0; i < 6; i++)
		buf_putc(w, 0);
	buf_reset(&s);
	xls_string(&s, "公式结果一");
	record(w, 0x0207, s.len);		/* STRING */
	buf_append(w, s.data, s.len);
	record(w, 0x000A, 0);

	xls_bof(w, 0x10);
	xls_cell_head(w, 0x00FD, 10, 0, 0);
	put32(w, 2);
	xls_cell_head(w, 0x00FD, 10, 0, 1);
	put32(w, 1);
	xls_cell_head(w, 0x00FD, 10, 1, 0);
	put32(w, 7);				/* no such string: skipped */
	xls_padding(w, pad);
	record(w, 0x000A, 0);
	buf_free(&s);
}

START_TEST(xls_workbooks)
{
	char path[256];
	static const char want[] = "清洁生产一号\t审核报告\n12.5\t100\t123.45\t1.5\n公式结果一\n\n"
		"节能减排\tASCII";
	temp_path(path, sizeof path, "made.xls");
	for (int small = 0; small < 2; small++) {
		struct buf w = BUF_INIT;
		make_workbook(&w, small ? 0 : 4200);
		ck_assert(small ? w.len < 4096 : w.len >= 4096);
		write_cfb(path, "Workbook", NULL, &w);
		office_is(path, "application/vnd.ms-excel", want);
		buf_free(&w);
	}

	/* an encrypted workbook */
	struct buf w = BUF_INIT;
	xls_bof(&w, 5);
	record(&w, 0x002F, 6);
	put16(&w, 1);
	put32(&w, 0);
	xls_padding(&w, 4200);
	write_cfb(path, "Workbook", NULL, &w);
	refused(path, "application/vnd.ms-excel", "The Excel file is encrypted");
	unlink(path);
	buf_free(&w);
}
END_TEST

static void ppt_atom(struct buf *b, unsigned type, const char *text)
{
	struct buf s = BUF_INIT;
	size_t units;
	put_utf16(&s, text, &units);
	put16(b, 0);
	put16(b, type);
	put32(b, (uint32_t)s.len);
	buf_append(b, s.data, s.len);
	buf_free(&s);
}

START_TEST(ppt_through_catppt)
{
	struct buf d = BUF_INIT;
	char path[256];

	ppt_atom(&d, 0x0FA0, "清洁生产汇报");	/* TextCharsAtom */
	ppt_atom(&d, 0x0FA0, "第二段文字");
	put16(&d, 0);				/* an unknown record: skipped */
	put16(&d, 0x7FFF);
	put32(&d, 4096);
	for (int i = 0; i < 4096; i++)
		buf_putc(&d, 0);
	temp_path(path, sizeof path, "made.ppt");
	write_cfb(path, "PowerPoint Document", "PowerPoint", &d);

	struct buf out = BUF_INIT;
	char err[1024];
	ck_assert_msg(extract_boxed(path, "application/vnd.ms-powerpoint", &out, err, sizeof err) == 0,
		      "err: %s", err);
	ck_assert_msg(has(&out, "清洁生产汇报\n第二段文字"), "out: %s", buf_str(&out));
	assert_clean(&out);
	unlink(path);
	buf_free(&out);
	buf_free(&d);
}
END_TEST

START_TEST(rtf_keeps_chinese)
{
	char path[256];
	struct buf out = BUF_INIT;
	char err[1024];
	/* GBK bytes under \ansicpg936, and \uN? escapes */
	static const char rtf[] =
		"{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}\n"
		"{\\info{\\title 标题}}\\viewkind4\\uc1\\pard\\lang2052\\f0\\fs24 "
		"\\'c7\\'e5\\'bd\\'e0\\'c9\\'fa\\'b2\\'fa\\'c9\\'f3\\'ba\\'cb\\'b1\\'a8\\'b8\\'e6\\par\n"
		"\\u33410?\\u33021?\\u20943?\\u25490? and English\\par\n}";
	/* text before any font change, which unrtf puts into <head> */
	static const char early[] = "{\\rtf1\\ansi\\uc1\\pard \\u28165?\\u27905? first\\par\n}";

	temp_path(path, sizeof path, "made.rtf");
	write_file(path, rtf, sizeof rtf - 1);
	ck_assert_msg(extract_boxed(path, "text/rtf", &out, err, sizeof err) == 0, "err: %s", err);
	ck_assert_msg(has(&out, "清洁生产审核报告\n节能减排 and English"), "out: %s", buf_str(&out));
	ck_assert(!has(&out, "<"));
	assert_clean(&out);

	buf_reset(&out);
	write_file(path, early, sizeof early - 1);
	ck_assert_msg(extract_boxed(path, "text/rtf", &out, err, sizeof err) == 0, "err: %s", err);
	ck_assert_msg(has(&out, "清洁") && has(&out, "first"), "out: %s", buf_str(&out));
	unlink(path);
	buf_free(&out);
}
END_TEST

/* ---- text recognition --------------------------------------------------- */

/* Run prog (argv[0] its name) and write its stdout to path. */
static void run_to_file(const char *prog, char *const argv[], const char *path)
{
	struct buf out = BUF_INIT;
	char err[512];
	int st = portal_run_capture(prog, argv, -1, 0, &out, err, sizeof err);
	ck_assert_msg(st == 0, "%s failed (%d): %s", argv[0], st, err);
	if (path)
		write_file(path, out.data, out.len);
	buf_free(&out);
}

/* The title block of page 1 of the scanned standard, as an image at
 * root + ext (pdftoppm adds the extension; TIFF cannot go down a pipe). */
static void scanned_crop(const char *format, const char *root)
{
	char pdf[2048];
	corpus_file("d0363_", pdf, sizeof pdf);
	char *argv[] = { "pdftoppm", "-q", "-f", "1", "-l", "1", "-singlefile", "-r", "200",
			 "-gray", (char *)format, "-x", "250", "-y", "280", "-W", "1300", "-H", "840",
			 pdf, (char *)root, NULL };
	run_to_file(PDFTOPPM_PATH, argv, NULL);
}

/* No space or single line break is left between two Chinese characters
 * (tesseract puts them there; extract-ocr.c takes them out). */
static void assert_tidy(const struct buf *b)
{
	const char *s = buf_str(b);
	for (const char *p = s; (p = strpbrk(p, " \n")); p++) {
		if (p - s < 3 || (unsigned char)p[-3] < 0xE4 || (unsigned char)p[-3] > 0xE9)
			continue;
		if (p[0] == '\n' && p[1] == '\n')
			continue;
		ck_assert_msg((unsigned char)p[1] < 0xE4 || (unsigned char)p[1] > 0xE9,
			      "blank between Chinese characters: %.40s", p - 6 > s ? p - 6 : s);
	}
}

static void image_reads(const char *format, const char *ext, const char *mime)
{
	char root[256], path[300], err[1024];
	const char *name = path;
	struct buf out = BUF_INIT;
	temp_path(root, sizeof root, "scan");
	snprintf(path, sizeof path, "%s%s", root, ext);
	scanned_crop(format, root);
	ck_assert_msg(extract_boxed(path, mime, &out, err, sizeof err) == 0, "err: %s", err);
	ck_assert_msg(has(&out, "危险废物贮存污染控制标准"), "%s: %s", name, buf_str(&out));
	ck_assert_msg(has(&out, "中华人民共和国国家标准"), "%s: %s", name, buf_str(&out));
	assert_clean(&out);
	assert_tidy(&out);
	unlink(path);
	buf_free(&out);
}

START_TEST(ocr_png)
{
	image_reads("-png", ".png", "image/png");
}
END_TEST

START_TEST(ocr_jpeg)
{
	image_reads("-jpeg", ".jpg", "image/jpeg");
}
END_TEST

START_TEST(ocr_tiff)
{
	image_reads("-tiff", ".tif", "image/tiff");
}
END_TEST

/* Page 1 of the scanned standard as a PDF of its own: no text layer, so
 * portal_extract_file() reads it through pdftoppm and tesseract. */
START_TEST(ocr_scanned_pdf_page)
{
	char pdf[2048], path[256], err[1024];
	struct buf out = BUF_INIT;
	corpus_file("d0363_", pdf, sizeof pdf);
	temp_path(path, sizeof path, "page1.pdf");
	char *argv[] = { "pdfseparate", "-f", "1", "-l", "1", pdf, path, NULL };
	run_to_file(PDFSEPARATE_PATH, argv, NULL);

	double t0 = now();
	ck_assert_msg(extract_boxed(path, "application/pdf", &out, err, sizeof err) == 0,
		      "err: %s", err);
	fprintf(stderr, "# OCR of one scanned page: %.1f s\n", now() - t0);
	ck_assert_msg(has(&out, "危险废物贮存污染控制标准"), "out: %s", buf_str(&out));
	ck_assert_msg(has(&out, "国家环境保护总局"), "out: %s", buf_str(&out));
	ck_assert_msg(has(&out, "GB 18597"), "out: %s", buf_str(&out));
	assert_clean(&out);
	assert_tidy(&out);
	unlink(path);
	buf_free(&out);
}
END_TEST

/* Scanned pages are read with the Han script model beside chi_sim
 * (extract-ocr.c, page_langs()): on page 1 of GB 8978, chi_sim alone
 * reads "合成氨工业" as "合成气工业" and the English title of GB 18597 as
 * "Stangard for pollutian control"; with HanS both come out right. */
START_TEST(ocr_reads_with_the_han_script_model)
{
	static const struct { const char *doc, *want; } pages[] = {
		{ "d0393_", "合成氨工业执行" },
		{ "d0363_", "Standard for pollution control" },
	};
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		char pdf[2048], path[256], err[1024];
		struct buf out = BUF_INIT;
		corpus_file(pages[i].doc, pdf, sizeof pdf);
		temp_path(path, sizeof path, "hans.pdf");
		char *argv[] = { "pdfseparate", "-f", "1", "-l", "1", pdf, path, NULL };
		run_to_file(PDFSEPARATE_PATH, argv, NULL);
		ck_assert_msg(portal_ocr_pdf(path, 1, &out, err, sizeof err) == 0, "err: %s", err);
		ck_assert_msg(has(&out, pages[i].want), "%s: no %s in %s", pages[i].doc,
			      pages[i].want, buf_str(&out));
		unlink(path);
		buf_free(&out);
	}
}
END_TEST

/* An image is read with HanS beside chi_sim too, not with eng: page 1 of
 * GB 8978 as a PNG, where chi_sim+eng reads a line of Chinese as Latin
 * letters ("BORUE)ORFEMZTMLAFGB15581" for "烧碱、聚氯乙烯工业执行GB15581"). */
START_TEST(ocr_image_reads_with_the_han_script_model)
{
	char pdf[2048], root[256], path[300], err[1024];
	struct buf out = BUF_INIT;
	corpus_file("d0393_", pdf, sizeof pdf);
	temp_path(root, sizeof root, "hans-image");
	snprintf(path, sizeof path, "%s.png", root);
	char *argv[] = { "pdftoppm", "-q", "-f", "1", "-l", "1", "-singlefile", "-r", "200",
			 "-gray", "-png", pdf, root, NULL };
	run_to_file(PDFTOPPM_PATH, argv, NULL);
	ck_assert_msg(extract_boxed(path, "image/png", &out, err, sizeof err) == 0, "err: %s", err);
	ck_assert_msg(has(&out, "烧碱、聚氯乙烯工业执行"), "out: %s", buf_str(&out));
	unlink(path);
	buf_free(&out);
}
END_TEST

/* A scanned page at 200 dpi, grey, turned by angle degrees (nearest
 * pixel, the corners white) and saved as an image-only PDF at path: a
 * page fed to the scanner askew. */
static void skewed_scan(const char *path, double angle)
{
	char pdf[2048];
	struct buf pgm = BUF_INIT, doc = BUF_INIT;
	corpus_file("d0363_", pdf, sizeof pdf);
	char *argv[] = { "pdftoppm", "-q", "-f", "1", "-l", "1", "-r", "200", "-gray", pdf, NULL };
	char err[512];
	int st = portal_run_capture(PDFTOPPM_PATH, argv, -1, 0, &pgm, err, sizeof err);
	ck_assert_msg(st == 0, "pdftoppm: %s", err);
	unsigned w, h, max;
	int head = 0;
	ck_assert(sscanf(buf_str(&pgm), "P5 %u %u %u%n", &w, &h, &max, &head) == 3 && max == 255);
	const unsigned char *src = (const unsigned char *)pgm.data + head + 1;
	unsigned char *px = malloc((size_t)w * h);
	ck_assert_ptr_nonnull(px);
	double a = angle * 3.14159265358979 / 180, c = cos(a), sn = sin(a);
	for (unsigned y = 0; y < h; y++)
		for (unsigned x = 0; x < w; x++) {
			double dx = x - w / 2.0, dy = y - h / 2.0;
			long sx = lround(w / 2.0 + dx * c + dy * sn), sy = lround(h / 2.0 - dx * sn + dy * c);
			px[(size_t)y * w + x] = sx >= 0 && sy >= 0 && sx < (long)w && sy < (long)h
				? src[(size_t)sy * w + (size_t)sx] : 255;
		}
	double pw = w * 72.0 / 200, ph = h * 72.0 / 200;
	size_t off[6];
	buf_printf(&doc, "%%PDF-1.4\n");
	off[1] = doc.len;
	buf_printf(&doc, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
	off[2] = doc.len;
	buf_printf(&doc, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
	off[3] = doc.len;
	buf_printf(&doc, "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "
		   "/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >> endobj\n", pw, ph);
	off[4] = doc.len;
	buf_printf(&doc, "4 0 obj << /Type /XObject /Subtype /Image /Width %u /Height %u "
		   "/ColorSpace /DeviceGray /BitsPerComponent 8 /Length %zu >>\nstream\n",
		   w, h, (size_t)w * h);
	buf_append(&doc, (const char *)px, (size_t)w * h);
	buf_printf(&doc, "\nendstream endobj\n");
	char content[128];
	int clen = snprintf(content, sizeof content, "q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q", pw, ph);
	off[5] = doc.len;
	buf_printf(&doc, "5 0 obj << /Length %d >>\nstream\n%s\nendstream endobj\n", clen, content);
	size_t xref = doc.len;
	buf_printf(&doc, "xref\n0 6\n0000000000 65535 f \n");
	for (int i = 1; i < 6; i++)
		buf_printf(&doc, "%010zu 00000 n \n", off[i]);
	buf_printf(&doc, "trailer << /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	write_file(path, doc.data, doc.len);
	free(px);
	buf_free(&pgm);
	buf_free(&doc);
}

/* A page scanned 5 degrees askew is levelled before recognition: its
 * title and the issuing office are read (turned that far, tesseract alone
 * reads neither). */
START_TEST(ocr_levels_a_skewed_page)
{
	char path[256], err[1024];
	struct buf out = BUF_INIT;
	temp_path(path, sizeof path, "skewed.pdf");
	skewed_scan(path, 5.0);
	ck_assert_msg(portal_ocr_pdf(path, 1, &out, err, sizeof err) == 0, "err: %s", err);
	ck_assert_msg(has(&out, "危险废物贮存污染控制标准"), "out: %s", buf_str(&out));
	ck_assert_msg(has(&out, "国家环境保护总局"), "out: %s", buf_str(&out));
	unlink(path);
	buf_free(&out);
}
END_TEST

/* ---- lanes (extract.h: quick and long) ---------------------------------- */

/* The quick lane does not start anything long: a scan and an image are
 * answered PORTAL_EXTRACT_LONG at once (the indexer then hands them to the
 * long lane), a PDF with a text layer is read as always. */
START_TEST(quick_lane_answers_long)
{
	char pdf[2048], path[256], root[256], png[300], text_pdf[2048], err[1024];
	struct buf out = BUF_INIT;
	const struct portal_extract_opts saved = *portal_extract_options();
	corpus_file("d0363_", pdf, sizeof pdf);
	temp_path(path, sizeof path, "quick-page1.pdf");
	char *argv[] = { "pdfseparate", "-f", "1", "-l", "1", pdf, path, NULL };
	run_to_file(PDFSEPARATE_PATH, argv, NULL);
	temp_path(root, sizeof root, "quick-scan");
	scanned_crop("-png", root);
	snprintf(png, sizeof png, "%s.png", root);
	corpus_file("d0006_", text_pdf, sizeof text_pdf);

	struct portal_extract_opts o = saved;
	o.quick = 1;
	portal_extract_configure(&o);
	double t0 = now();
	ck_assert_int_eq(portal_extract_file(path, "application/pdf", &out, err, sizeof err),
			 PORTAL_EXTRACT_LONG);
	ck_assert_int_eq(portal_extract_file(png, "image/png", &out, err, sizeof err),
			 PORTAL_EXTRACT_LONG);
	ck_assert_msg(now() - t0 < 20, "the quick lane recognised text");	/* generous: not OCR */
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(portal_extract_file(text_pdf, "application/pdf", &out, err, sizeof err), 0);
	ck_assert_msg(has(&out, "标准化"), "out: %s", buf_str(&out));
	ck_assert(portal_extract_is_long("image/png"));
	ck_assert(!portal_extract_is_long("application/pdf"));
	portal_extract_configure(&saved);
	unlink(path);
	unlink(png);
	buf_free(&out);
}
END_TEST

struct seen_pages {
	int calls, done[8], total[8];
};

static void note_pages(void *arg, int done, int total)
{
	struct seen_pages *s = arg;
	if (s->calls < 8) {
		s->done[s->calls] = done;
		s->total[s->calls] = total;
	}
	s->calls++;
}

/* The long lane recognises a scan's pages side by side and says how far
 * it is: 0 of 2 pages, then 1, then 2; the text keeps the pages' order. */
START_TEST(ocr_pages_in_parallel_with_progress)
{
	char pdf[2048], p1[256], p2[256], both[256], err[1024];
	struct buf out = BUF_INIT;
	struct seen_pages seen = { 0 };
	const struct portal_extract_opts saved = *portal_extract_options();
	corpus_file("d0363_", pdf, sizeof pdf);
	temp_path(p1, sizeof p1, "two-1.pdf");
	temp_path(p2, sizeof p2, "two-2.pdf");
	temp_path(both, sizeof both, "two.pdf");
	char *sep1[] = { "pdfseparate", "-f", "1", "-l", "1", pdf, p1, NULL };
	char *sep2[] = { "pdfseparate", "-f", "2", "-l", "2", pdf, p2, NULL };
	char *unite[] = { "pdfunite", p1, p2, both, NULL };
	run_to_file(PDFSEPARATE_PATH, sep1, NULL);
	run_to_file(PDFSEPARATE_PATH, sep2, NULL);
	run_to_file("/usr/bin/pdfunite", unite, NULL);

	struct portal_extract_opts o = saved;
	o.ocr_width = 2;
	o.progress = note_pages;
	o.progress_arg = &seen;
	portal_extract_configure(&o);
	ck_assert_msg(portal_ocr_pdf(both, 10, &out, err, sizeof err) == 0, "err: %s", err);
	portal_extract_configure(&saved);
	ck_assert_int_eq(seen.calls, 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(seen.done[i], i);
		ck_assert_int_eq(seen.total[i], 2);
	}
	const char *title = strstr(buf_str(&out), "危险废物贮存污染控制标准");
	const char *contents = strstr(buf_str(&out), "主题内容");	/* page 2: the contents */
	ck_assert_msg(title && contents && title < contents, "out: %s", buf_str(&out));
	unlink(p1);
	unlink(p2);
	unlink(both);
	buf_free(&out);
}
END_TEST

/* ---- hostile files ------------------------------------------------------ */

/* ---- a zip bomb, quickly ---------------------------------------------- *
 *
 * Deflating 500 MB of zeros takes zlib seconds; writing the deflate stream
 * by hand takes milliseconds. One fixed-Huffman block: a literal 0, then
 * matches of 258 bytes at distance 1 (13 bits each), then literals. libzip
 * takes the result as already compressed (its stat says so) and writes
 * the container around it; the CRC of n zero bytes comes from the CRC's
 * linear algebra, as zlib's crc32_combine() does it. */

struct bits {
	struct buf *b;
	uint32_t acc;
	int n;
};

static void put_bits(struct bits *w, uint32_t v, int n)
{
	w->acc |= v << w->n;
	w->n += n;
	while (w->n >= 8) {
		buf_putc(w->b, (char)(w->acc & 0xFF));
		w->acc >>= 8;
		w->n -= 8;
	}
}

/* Huffman codes are sent most significant bit first. */
static void put_code(struct bits *w, uint32_t code, int n)
{
	uint32_t r = 0;
	for (int i = 0; i < n; i++)
		r |= ((code >> i) & 1) << (n - 1 - i);
	put_bits(w, r, n);
}

static void deflate_zeros(uint64_t size, struct buf *out)
{
	struct bits w = { out, 0, 0 };
	uint64_t left = size - 1;
	put_bits(&w, 1, 1);		/* last block */
	put_bits(&w, 1, 2);		/* fixed Huffman codes */
	put_code(&w, 0x30, 8);		/* literal 0 */
	for (; left >= 258; left -= 258) {
		put_code(&w, 0xC5, 8);	/* length 258 (code 285) */
		put_code(&w, 0, 5);	/* distance 1 */
	}
	for (; left; left--)
		put_code(&w, 0x30, 8);
	put_code(&w, 0, 7);		/* end of block */
	if (w.n)
		put_bits(&w, 0, 8 - w.n);
}

static uint32_t gf2_times(const uint32_t *m, uint32_t v)
{
	uint32_t sum = 0;
	for (int i = 0; v; i++, v >>= 1)
		if (v & 1)
			sum ^= m[i];
	return sum;
}

static void gf2_square(uint32_t *sq, const uint32_t *m)
{
	for (int i = 0; i < 32; i++)
		sq[i] = gf2_times(m, m[i]);
}

/* CRC-32 of n zero bytes. */
static uint32_t crc32_zeros(uint64_t n)
{
	uint32_t op[32], sq[32], crc = 0xFFFFFFFF;
	op[0] = 0xEDB88320;		/* one zero bit */
	for (int i = 1; i < 32; i++)
		op[i] = (uint32_t)1 << (i - 1);
	gf2_square(sq, op);		/* two bits */
	gf2_square(op, sq);		/* four */
	gf2_square(sq, op);		/* a byte */
	memcpy(op, sq, sizeof op);
	for (; n; n >>= 1) {
		if (n & 1)
			crc = gf2_times(op, crc);
		gf2_square(sq, op);
		memcpy(op, sq, sizeof op);
	}
	return crc ^ 0xFFFFFFFF;
}

struct deflated {
	const struct buf *data;
	uint64_t size, pos;
	uint32_t crc;
};

static zip_int64_t deflated_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct deflated *d = ud;
	zip_error_t e;
	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		d->pos = 0;
		return 0;
	case ZIP_SOURCE_READ: {
		size_t n = d->data->len - d->pos < len ? d->data->len - d->pos : len;
		memcpy(data, d->data->data + d->pos, n);
		d->pos += n;
		return (zip_int64_t)n;
	}
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;
		zip_stat_init(st);
		st->size = d->size;
		st->comp_size = d->data->len;
		st->comp_method = ZIP_CM_DEFLATE;
		st->crc = d->crc;
		st->valid |= ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC;
		return sizeof *st;
	}
	case ZIP_SOURCE_ERROR:
		zip_error_init_with_code(&e, ZIP_ER_INTERNAL);
		return zip_error_to_data(&e, data, len);
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
			ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default:
		return 0;
	}
}

START_TEST(crc_of_zeros)
{
	/* against the bitwise definition, for a few lengths */
	for (uint64_t n = 0; n < 40; n += 13) {
		uint32_t crc = 0xFFFFFFFF;
		for (uint64_t i = 0; i < n * 8; i++)
			crc = (crc >> 1) ^ (crc & 1 ? 0xEDB88320 : 0);
		ck_assert_uint_eq(crc32_zeros(n), crc ^ 0xFFFFFFFF);
	}
}
END_TEST

START_TEST(hostile_zip_bomb)
{
	char path[256];
	const uint64_t big = 500 * MB;
	struct buf z = BUF_INIT;
	double t0 = now();
	deflate_zeros(big, &z);
	struct deflated d = { &z, big, 0, crc32_zeros(big) };
	int code = 0;
	temp_path(path, sizeof path, "bomb.docx");
	zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
	ck_assert_ptr_nonnull(za);
	const char *names[] = { "[Content_Types].xml", "_rels/.rels" }, *data[] = { CT_XML, RELS_XML };
	for (int i = 0; i < 2; i++)
		ck_assert(zip_file_add(za, names[i], zip_source_buffer(za, data[i], strlen(data[i]), 0),
				       0) >= 0);
	ck_assert(zip_file_add(za, "word/document.xml", zip_source_function(za, deflated_cb, &d),
			       0) >= 0);
	ck_assert_msg(zip_close(za) == 0, "zip_close: %s", zip_strerror(za));
	fprintf(stderr, "# zip bomb of %zu kB made in %.2f s\n", z.len / 1024, now() - t0);

	/* it is real: libzip inflates its first megabyte to zeros */
	za = zip_open(path, ZIP_RDONLY, &code);
	ck_assert_ptr_nonnull(za);
	zip_stat_t st;
	ck_assert_int_eq(zip_stat(za, "word/document.xml", 0, &st), 0);
	ck_assert_uint_eq(st.size, big);
	zip_file_t *f = zip_fopen(za, "word/document.xml", 0);
	ck_assert_ptr_nonnull(f);
	char *chunk = malloc(MB);
	ck_assert_int_eq(zip_fread(f, chunk, MB), (zip_int64_t)MB);
	size_t nonzero = 0;	/* one assertion: each one costs a write in CK_FORK mode */
	for (size_t i = 0; i < MB; i++)
		nonzero += chunk[i] != 0;
	ck_assert_uint_eq(nonzero, 0);
	free(chunk);
	zip_fclose(f);
	zip_discard(za);

	t0 = now();
	refused(path, NULL, "(a zip bomb)");
	ck_assert_msg(now() - t0 < 5, "refusing the bomb took %.1f s", now() - t0);
	unlink(path);
	buf_free(&z);
}
END_TEST

/* Offsets of an entry's uncompressed size in its local header and in the
 * central directory, found by name. */
static void size_fields(const struct buf *z, const char *name, size_t *local, size_t *central)
{
	size_t n = strlen(name);
	*local = *central = 0;
	for (size_t i = 0; i + 46 + n <= z->len; i++) {
		if (!memcmp(z->data + i, "PK\3\4", 4) && !memcmp(z->data + i + 30, name, n))
			*local = i + 22;
		if (!memcmp(z->data + i, "PK\1\2", 4) && !memcmp(z->data + i + 46, name, n))
			*central = i + 24;
	}
	ck_assert(*local && *central);
}

/* A document part of about 3 MB that compresses only about 2:1. */
static char *noisy_doc(void)
{
	struct buf b = BUF_INIT;
	unsigned seed = 7;
	buf_puts(&b, "<w:document " W_NS "><w:body><w:p><w:r><w:t>开头</w:t></w:r></w:p><!-- ");
	while (b.len < 3 * MB) {
		seed = seed * 1103515245 + 12345;
		buf_printf(&b, "%08x", seed);
	}
	buf_puts(&b, " --></w:body></w:document>");
	return buf_detach(&b);
}

START_TEST(hostile_lying_directory)
{
	char path[256];
	struct buf z = BUF_INIT;
	size_t local, central;
	char *doc = noisy_doc();
	temp_path(path, sizeof path, "liar.docx");
	make_docx(path, doc, NULL, 0);
	free(doc);
	read_file(path, &z);
	size_fields(&z, "word/document.xml", &local, &central);
	set32(&z, local, 1000);		/* "1000 bytes", says the archive */
	set32(&z, central, 1000);
	write_file(path, z.data, z.len);
	refused(path, DOCX_MIME, "container");
	buf_free(&z);
	unlink(path);
}
END_TEST

/* A ZIP of n empty stored entries, written directly: adding 10001
 * entries through libzip costs seconds in a forked test. */
static void make_many_zip(const char *path, int n)
{
	struct buf z = BUF_INIT, cd = BUF_INIT;
	for (int i = 0; i < n; i++) {
		char name[32];
		int len = snprintf(name, sizeof name, "word/x%d.xml", i);
		size_t at = z.len;
		put32(&z, 0x04034b50);		/* local header */
		put16(&z, 20);
		put16(&z, 0);
		put16(&z, 0);			/* stored */
		put32(&z, 0);			/* time, date */
		put32(&z, 0);			/* CRC of nothing */
		put32(&z, 0);
		put32(&z, 0);
		put16(&z, (unsigned)len);
		put16(&z, 0);
		buf_append(&z, name, (size_t)len);
		put32(&cd, 0x02014b50);		/* central directory entry */
		put16(&cd, 20);
		put16(&cd, 20);
		put16(&cd, 0);
		put16(&cd, 0);
		put32(&cd, 0);
		put32(&cd, 0);
		put32(&cd, 0);
		put32(&cd, 0);
		put16(&cd, (unsigned)len);
		put32(&cd, 0);			/* extra, comment */
		put32(&cd, 0);			/* disk, internal attributes */
		put32(&cd, 0);			/* external attributes */
		put32(&cd, (uint32_t)at);
		buf_append(&cd, name, (size_t)len);
	}
	size_t cd_at = z.len;
	buf_append(&z, cd.data, cd.len);
	put32(&z, 0x06054b50);			/* end of central directory */
	put32(&z, 0);
	put16(&z, (unsigned)n);
	put16(&z, (unsigned)n);
	put32(&z, (uint32_t)cd.len);
	put32(&z, (uint32_t)cd_at);
	put16(&z, 0);
	write_file(path, z.data, z.len);
	buf_free(&z);
	buf_free(&cd);
}

START_TEST(hostile_too_many_entries)
{
	char path[256];
	struct portal_zip *zp;
	char err[256];
	temp_path(path, sizeof path, "many.docx");
	make_many_zip(path, ZIP_MAX_ENTRIES);		/* the most allowed */
	ck_assert_msg(portal_zip_open(path, &zp, err, sizeof err) == 0, "err: %s", err);
	ck_assert_uint_eq(portal_zip_count(zp), ZIP_MAX_ENTRIES);
	portal_zip_close(zp);
	make_many_zip(path, ZIP_MAX_ENTRIES + 1);
	refused(path, NULL, "more than 10000 entries");
	unlink(path);
}
END_TEST

START_TEST(hostile_xml_entities)
{
	char path[256];
	struct buf out = BUF_INIT;
	char err[1024];
	static const char laughs[] =
		"<!DOCTYPE w:document [<!ENTITY a \"哈哈哈哈哈哈哈哈哈哈\">"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
		"<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
		"<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">"
		"<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\"><!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">]>";
	static const char *const prologs[][2] = {
		{ laughs, "&i;" },
		{ "<!DOCTYPE w:document [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>", "&xxe;" },
		{ "<!DOCTYPE w:document [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>", "x" },
	};
	temp_path(path, sizeof path, "entities.docx");
	for (size_t i = 0; i < sizeof prologs / sizeof prologs[0]; i++) {
		char *doc = word_doc(prologs[i][0], prologs[i][1]);
		make_docx(path, doc, NULL, 0);
		free(doc);
		refused(path, DOCX_MIME, "The file was refused: the document declares XML entities.");
	}

	/* An external DTD alone is never fetched; its entity stays unexpanded. */
	char *doc = word_doc("<!DOCTYPE w:document SYSTEM \"file:///etc/passwd\">", "安全&xxe;");
	make_docx(path, doc, NULL, 0);
	free(doc);
	int rc = extract_boxed(path, DOCX_MIME, &out, err, sizeof err);
	ck_assert_msg(!has(&out, "root:") && !strstr(err, "root:"), "passwd leaked");
	ck_assert_msg(rc == -1 || has(&out, "安全"), "rc %d, err %s", rc, err);
	unlink(path);
	buf_free(&out);
}
END_TEST

START_TEST(hostile_entry_names)
{
	char path[256];
	static const char *const names[] = {
		"../../evil.xml", "word/../../evil.xml", "/etc/evil.xml", "word\\evil.xml", "C:evil.xml",
	};
	temp_path(path, sizeof path, "names.docx");
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *doc = word_doc("", "正文");
		struct entry extra = { names[i], "<a>坏</a>", 0, 0 };
		make_docx(path, doc, &extra, 1);
		free(doc);
		refused(path, DOCX_MIME, "an entry with an unsafe name");
	}
	unlink(path);
}
END_TEST

START_TEST(hostile_damaged_containers)
{
	char path[256], corpus[2048];
	struct buf z = BUF_INIT;
	corpus_file("d0014_", corpus, sizeof corpus);
	read_file(corpus, &z);
	temp_path(path, sizeof path, "cut.docx");
	write_file(path, z.data, z.len / 2);	/* no central directory */
	refused(path, NULL, "ZIP container");
	buf_free(&z);
	unlink(path);
}
END_TEST

START_TEST(hostile_pdfs)
{
	char path[256], corpus[2048];
	struct buf pdf = BUF_INIT;
	corpus_file("d0006_", corpus, sizeof corpus);
	read_file(corpus, &pdf);
	temp_path(path, sizeof path, "cut.pdf");
	write_file(path, pdf.data, 4096);
	refused(path, "application/pdf", "The PDF file is damaged or encrypted");
	write_file(path, pdf.data, pdf.len / 2);
	refused(path, "application/pdf", "The PDF file is damaged or encrypted");

	buf_reset(&pdf);
	buf_puts(&pdf, "%PDF-1.7\n");
	unsigned seed = 99;
	for (int i = 0; i < 20000; i++) {
		seed = seed * 1103515245 + 12345;
		buf_putc(&pdf, (char)(seed >> 16));
	}
	write_file(path, pdf.data, pdf.len);
	refused(path, "application/pdf", "The PDF file is damaged or encrypted");
	unlink(path);
	buf_free(&pdf);
}
END_TEST

/* A blank page of 200000 x 200000 points (70 m a side): at 200 dpi it
 * would be a 30-gigapixel image; the renderer is held to 3500 pixels. */
START_TEST(hostile_huge_page_pdf)
{
	char path[256];
	struct buf p = BUF_INIT;
	size_t off[5];
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200000 200000] /Contents 4 0 R >>",
		"<< /Length 0 >>\nstream\n\nendstream",
	};
	buf_puts(&p, "%PDF-1.4\n");
	for (int i = 0; i < 4; i++) {
		off[i] = p.len;
		buf_printf(&p, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	off[4] = p.len;
	buf_puts(&p, "xref\n0 5\n0000000000 65535 f \n");
	for (int i = 0; i < 4; i++)
		buf_printf(&p, "%010zu 00000 n \n", off[i]);
	buf_printf(&p, "trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", off[4]);
	temp_path(path, sizeof path, "huge.pdf");
	write_file(path, p.data, p.len);
	double t0 = now();
	refused(path, "application/pdf", "text recognition found no text");
	ck_assert_msg(now() - t0 < 30, "the huge page took %.1f s", now() - t0);
	unlink(path);
	buf_free(&p);
}
END_TEST

START_TEST(hostile_program_named_pdf)
{
	char path[256];
	struct buf elf = BUF_INIT;
	char mime[128], err[256];
	read_file("/bin/true", &elf);
	temp_path(path, sizeof path, "report.pdf");
	write_file(path, elf.data, elf.len);
	ck_assert_int_eq(portal_detect_mime(path, mime, sizeof mime, err, sizeof err), 0);
	ck_assert_msg(!strcmp(mime, "application/x-executable") ||
		      !strcmp(mime, "application/x-pie-executable") ||
		      !strcmp(mime, "application/x-sharedlib"), "mime %s", mime);
	ck_assert(!portal_extract_supported(mime));
	refused(path, NULL, "is a program");
	unlink(path);
	buf_free(&elf);
}
END_TEST

START_TEST(hostile_images)
{
	char path[256];
	/* a PNG header declaring 100000 x 100000 pixels, then nothing */
	static const unsigned char png[] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
		0x00, 0x01, 0x86, 0xA0, 0x00, 0x01, 0x86, 0xA0, 8, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78,
	};
	temp_path(path, sizeof path, "huge.png");
	write_file(path, png, sizeof png);
	refused(path, "image/png", "too large for text recognition");

	/* a proper header for a small image, then garbage */
	unsigned char small[sizeof png + 64];
	memcpy(small, png, sizeof png);
	memcpy(small + 16, "\0\0\0\x40\0\0\0\x40", 8);	/* 64 x 64 */
	memset(small + sizeof png, 0xAB, 64);
	write_file(path, small, sizeof small);
	refused(path, "image/png", "The image");

	static const char gif[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!"
		"\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
	write_file(path, gif, sizeof gif - 1);
	refused(path, "image/gif", "Images of type image/gif are not supported");
	unlink(path);
}
END_TEST

START_TEST(hostile_text_and_empty)
{
	char path[256], err[512], mime[128];
	struct buf out = BUF_INIT;
	struct buf text = BUF_INIT;

	/* Chinese text with some broken bytes in it */
	for (int i = 0; i < 3; i++) {
		for (int k = 0; k < 20; k++)
			buf_puts(&text, "清洁生产审核报告，节能减排。");
		buf_puts(&text, i == 0 ? "\xFF\xC0\xAF" : "\xE4\xB8\n");
	}
	temp_path(path, sizeof path, "bad.txt");
	write_file(path, text.data, text.len);
	buf_free(&text);
	ck_assert_int_eq(portal_extract_file(path, "text/plain", &out, err, sizeof err), 0);
	assert_clean(&out);
	ck_assert(has(&out, "清洁生产审核报告，节能减排。"));
	ck_assert(has(&out, "\xEF\xBF\xBD"));

	write_file(path, "", 0);
	ck_assert_int_eq(portal_detect_mime(path, mime, sizeof mime, err, sizeof err), 0);
	refused(path, NULL, "The file is empty.");
	ck_assert_int_eq(portal_extract_file(path, DOCX_MIME, &out, err, sizeof err), -1);
	ck_assert_str_eq(err, "The file is empty.");

	unsigned char junk[4096];
	unsigned seed = 3;
	for (size_t i = 0; i < sizeof junk; i++) {
		seed = seed * 1103515245 + 12345;
		junk[i] = (unsigned char)(seed >> 16);
	}
	write_file(path, junk, sizeof junk);
	refused(path, "application/octet-stream", "matches no known document type");
	unlink(path);
	buf_free(&out);
}
END_TEST

/* Every legacy converter on bytes it cannot read: -1 and a sentence. */
START_TEST(hostile_legacy_garbage)
{
	char path[256], err[512];
	struct buf out = BUF_INIT, junk = BUF_INIT;
	int (*const fns[])(const char *, struct buf *, char *, size_t) = {
		portal_extract_doc, portal_extract_xls, portal_extract_ppt,
	};
	buf_append(&junk, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
	for (int i = 0; i < 3000; i++)
		buf_putc(&junk, (char)(i * 7));
	temp_path(path, sizeof path, "-junk.doc");	/* '-': not an option */
	write_file(path, junk.data, junk.len);
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
		err[0] = '\0';
		ck_assert_msg(fns[i](path, &out, err, sizeof err) == -1, "converter %zu read it", i);
		ck_assert_msg(strlen(err) > 20, "converter %zu: \"%s\"", i, err);
		ck_assert_uint_eq(out.len, 0);
	}

	/* unrtf recurses per group: deep nesting crashes it */
	buf_reset(&junk);
	buf_puts(&junk, "{\\rtf1 ");
	for (int i = 0; i < 200000; i++)
		buf_putc(&junk, '{');
	write_file(path, junk.data, junk.len);
	refused(path, "text/rtf", "The RTF file could not be read: unrtf crashed");
	unlink(path);
	buf_free(&out);
	buf_free(&junk);
}
END_TEST

START_TEST(supported_and_refused_types)
{
	static const char *const yes[] = {
		"text/plain", "text/html", "application/pdf", "text/rtf", "application/msword",
		"application/vnd.ms-excel", "application/vnd.ms-powerpoint", "application/zip",
		DOCX_MIME, XLSX_MIME, PPTX_MIME, "application/vnd.oasis.opendocument.text",
		"application/vnd.oasis.opendocument.spreadsheet",
		"application/vnd.oasis.opendocument.presentation", "image/png", "image/jpeg",
		"image/tiff", NULL
	};
	static const char *const no[] = {
		"application/x-executable", "application/x-pie-executable", "application/x-sharedlib",
		"image/gif", "application/octet-stream", "application/vnd.oasis.opendocument.",
		"application/x-rar", "", NULL
	};
	char err[256];
	for (size_t i = 0; yes[i]; i++)
		ck_assert_msg(portal_extract_supported(yes[i]), "%s", yes[i]);
	for (size_t i = 0; no[i]; i++)
		ck_assert_msg(!portal_extract_supported(no[i]), "%s", no[i]);
	ck_assert(!portal_extract_supported(NULL));
	portal_extract_refusal("application/x-pie-executable", err, sizeof err);
	ck_assert_str_eq(err, "This file is a program (application/x-pie-executable), not a "
			 "document, and was not read.");
	portal_extract_refusal("application/x-7z-compressed", err, sizeof err);
	ck_assert(strstr(err, "Archives") == err);
	portal_extract_refusal("application/CDFV2-encrypted", err, sizeof err);
	ck_assert(strstr(err, "encrypted") != NULL);
	portal_extract_refusal(NULL, err, sizeof err);
	ck_assert(strstr(err, "could not be determined") != NULL);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static TCase *tcase(Suite *s, const char *name, double timeout)
{
	TCase *tc = tcase_create(name);
	tcase_set_timeout(tc, timeout);
	suite_add_tcase(s, tc);
	return tc;
}

int main(void)
{
	Suite *s = suite_create("extract");
	TCase *corpus = tcase(s, "corpus", 60), *office = tcase(s, "office", 30);
	TCase *legacy = tcase(s, "legacy", 30), *ocr = tcase(s, "ocr", 60);
	TCase *hostile = tcase(s, "hostile", 60);

	tcase_add_test(corpus, corpus_docx);
	tcase_add_test(corpus, corpus_odt);
	tcase_add_test(corpus, corpus_doc);
	tcase_add_test(corpus, corpus_all_office);

	tcase_add_test(office, docx_structure);
	tcase_add_test(office, xlsx_sheets_in_order);
	tcase_add_test(office, pptx_slides_in_order);
	tcase_add_test(office, odt_structure);
	tcase_add_test(office, ods_rows_and_cells);
	tcase_add_test(office, odp_pages);
	tcase_add_test(office, plain_zip_and_empty_document);
	tcase_add_test(office, xml_walker_parts_and_errors);
	tcase_add_test(office, xml_walker_refuses_entities);
	tcase_add_test(office, supported_and_refused_types);

	tcase_add_test(legacy, xls_workbooks);
	tcase_add_test(legacy, ppt_through_catppt);
	tcase_add_test(legacy, rtf_keeps_chinese);

	tcase_add_test(ocr, ocr_png);
	tcase_add_test(ocr, ocr_jpeg);
	tcase_add_test(ocr, ocr_tiff);
	tcase_add_test(ocr, ocr_scanned_pdf_page);
	tcase_add_test(ocr, ocr_levels_a_skewed_page);
	tcase_add_test(ocr, ocr_reads_with_the_han_script_model);
	tcase_add_test(ocr, ocr_image_reads_with_the_han_script_model);
	TCase *lanes = tcase(s, "lanes", 120);
	tcase_add_test(lanes, quick_lane_answers_long);
	tcase_add_test(lanes, ocr_pages_in_parallel_with_progress);

	tcase_add_test(hostile, crc_of_zeros);
	tcase_add_test(hostile, hostile_zip_bomb);
	tcase_add_test(hostile, hostile_lying_directory);
	tcase_add_test(hostile, hostile_too_many_entries);
	tcase_add_test(hostile, hostile_xml_entities);
	tcase_add_test(hostile, hostile_entry_names);
	tcase_add_test(hostile, hostile_damaged_containers);
	tcase_add_test(hostile, hostile_pdfs);
	tcase_add_test(hostile, hostile_huge_page_pdf);
	tcase_add_test(hostile, hostile_program_named_pdf);
	tcase_add_test(hostile, hostile_images);
	tcase_add_test(hostile, hostile_text_and_empty);
	tcase_add_test(hostile, hostile_legacy_garbage);

	return run_suite(s);
}
