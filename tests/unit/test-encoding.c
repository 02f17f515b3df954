/* test-encoding.c: unit tests for reading documents: charset detection and
 * conversion (encoding.c), HTML to text, type detection, the extractors,
 * and real files from the shared corpus (read in the sandbox, whose own
 * tests are test-sandbox.c).
 *
 * The corpus tests find the corpus through PORTAL_CORPUS, or else at
 * PORTAL_SRCDIR/../shared/corpus; when it is missing they fail, so a CI run
 * without it cannot pass by accident. Under AddressSanitizer, which
 * reserves terabytes of address space, RLIMIT_AS cannot work: the corpus
 * is read in a sandbox without a memory limit. */
#include "buf.h"
#include "detect.h"
#include "encoding.h"
#include "extract.h"
#include "log.h"
#include "preview.h"
#include "sandbox.h"
#include "utf8.h"

#include "check-run.h"
#include "corpus.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-limits.h"

/* Our own sample: about 300 characters in the style of a regulation. */
static const char chinese[] =
	"第一条 为了加强环境保护工作，防治污染和其他公害，保障公众健康，推进生态文明建设，"
	"促进经济社会可持续发展，制定本条例。\n"
	"第二条 本条例适用于本市行政区域内的大气、水、土壤污染防治以及相关的监督管理活动。"
	"县级以上人民政府应当将环境保护工作纳入国民经济和社会发展规划，加大财政投入，"
	"建立健全环境保护目标责任制和考核评价制度。\n"
	"第三条 企业事业单位和其他生产经营者应当防止、减少环境污染和生态破坏，"
	"对所造成的损害依法承担责任。公民应当增强环境保护意识，采取低碳、节俭的生活方式，"
	"自觉履行环境保护义务。\n"
	"第四条 国家鼓励和支持环境保护科学技术研究、开发和应用，推广清洁生产和循环利用，"
	"提高资源利用效率。\n";

/* ---- helpers ------------------------------------------------------------ */

/* utf8 converted to charset `to` with iconv, into b. */
static void iconv_to(const char *utf8, const char *to, struct buf *b)
{
	iconv_t cd = iconv_open(to, "UTF-8");
	ck_assert_msg(cd != (iconv_t)-1, "iconv cannot make %s", to);
	char *in = (char *)utf8;
	size_t inleft = strlen(utf8);
	buf_grow(b, inleft * 4 + 16);
	char *out = b->data + b->len;
	size_t outleft = b->cap - b->len - 1;
	size_t before = outleft;
	ck_assert_msg(iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1,
		      "iconv to %s failed", to);
	b->len += before - outleft;
	b->data[b->len] = '\0';
	iconv_close(cd);
}

static int has(const struct buf *b, const char *needle)
{
	return strstr(buf_str(b), needle) != NULL;
}

/* Some character of the CJK Unified Ideographs block (U+4E00-U+9FFF). */
static int has_cjk(const struct buf *b)
{
	const unsigned char *p = (const unsigned char *)buf_str(b);
	for (size_t i = 0; i + 2 < b->len; i++)
		if (p[i] >= 0xE4 && p[i] <= 0xE9 && (p[i] > 0xE4 || p[i + 1] >= 0xB8))
			return 1;
	return 0;
}

/* Valid UTF-8 and no NUL anywhere in it. */
static void assert_clean(const struct buf *b)
{
	ck_assert_msg(portal_utf8_valid(buf_str(b), b->len), "output is not valid UTF-8");
	ck_assert_msg(strlen(buf_str(b)) == b->len, "output contains NUL");
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* A fresh temporary path; unlink it when done. */
static void temp_path(char *path, size_t n, const char *name)
{
	snprintf(path, n, "%s/portal-test-%ld-%s",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid(), name);
}

static struct sandbox_limits limits(unsigned wall)
{
	struct sandbox_limits lim = { 20, TEST_MEMORY, wall, 16 * MB };
	return lim;
}

/* ---- encoding ----------------------------------------------------------- */

START_TEST(utf8_passes_through_with_lf_and_no_bom)
{
	struct buf out = BUF_INIT;
	char used[32] = "", err[256] = "";
	const char in[] = "\xEF\xBB\xBF" "中文 text\r\nline two\rthree";
	ck_assert_int_eq(portal_to_utf8(in, sizeof in - 1, NULL, &out, used, sizeof used,
					err, sizeof err), 0);
	ck_assert_str_eq(buf_str(&out), "中文 text\nline two\nthree");
	ck_assert_str_eq(used, "UTF-8");
	buf_reset(&out);
	ck_assert_int_eq(portal_to_utf8(chinese, strlen(chinese), NULL, &out, used, sizeof used,
					err, sizeof err), 0);
	ck_assert_str_eq(buf_str(&out), chinese);
	buf_free(&out);
}
END_TEST

/* Bytes in charset `cs` made by iconv must come back as the original. */
static void round_trip(const char *cs, const char *named, const char *want_used)
{
	struct buf raw = BUF_INIT, out = BUF_INIT;
	char used[32] = "", err[256] = "";
	iconv_to(chinese, cs, &raw);
	ck_assert_int_eq(portal_to_utf8(raw.data, raw.len, named, &out, used, sizeof used,
					err, sizeof err), 0);
	ck_assert_str_eq(buf_str(&out), chinese);
	ck_assert_str_eq(used, want_used);
	buf_free(&raw);
	buf_free(&out);
}

START_TEST(gb18030_is_detected)
{
	round_trip("GB18030", NULL, "GB18030");
}
END_TEST

START_TEST(gbk_is_detected_and_read_as_gb18030)
{
	round_trip("GBK", NULL, "GB18030");
}
END_TEST

START_TEST(gb_family_names_map_to_gb18030)
{
	round_trip("GBK", "gb2312", "GB18030");
	round_trip("GBK", " \"GBK\"", "GB18030");
	round_trip("GB18030", "GB-18030", "GB18030");
}
END_TEST

START_TEST(gb18030_four_byte_sequences)
{
	struct buf raw = BUF_INIT, out = BUF_INIT;
	char err[256];
	const char *text = "罕见字𠀀与欧元€和中文";
	iconv_to(text, "GB18030", &raw);
	ck_assert_int_eq(portal_to_utf8(raw.data, raw.len, "GB18030", &out, NULL, 0,
					err, sizeof err), 0);
	ck_assert_str_eq(buf_str(&out), text);
	buf_free(&raw);
	buf_free(&out);
}
END_TEST

START_TEST(short_gbk_is_still_chinese)
{
	struct buf raw = BUF_INIT, out = BUF_INIT;
	char used[32], err[256];
	/* uchardet has no answer for some of these, or guesses KOI8-R. */
	static const char *const words[] = { "环境保护条例", "荣华月饼", "中文", "条例" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		buf_reset(&raw);
		buf_reset(&out);
		iconv_to(words[i], "GBK", &raw);
		ck_assert_int_eq(portal_to_utf8(raw.data, raw.len, NULL, &out, used, sizeof used,
						err, sizeof err), 0);
		ck_assert_str_eq(buf_str(&out), words[i]);
		ck_assert_str_eq(used, "GB18030");
	}
	buf_free(&raw);
	buf_free(&out);
}
END_TEST

START_TEST(latin1_is_not_forced_into_chinese)
{
	struct buf out = BUF_INIT;
	char used[32], err[256];
	const char in[] = "caf\xE9 cr\xE8me br\xFBl\xE9" "e, na\xEFve fa\xE7" "ade";
	ck_assert_int_eq(portal_to_utf8(in, sizeof in - 1, NULL, &out, used, sizeof used,
					err, sizeof err), 0);
	ck_assert_str_eq(buf_str(&out), "café crème brûlée, naïve façade");
	ck_assert_str_eq(used, "WINDOWS-1252");
	buf_free(&out);
}
END_TEST

START_TEST(utf16_with_bom)
{
	struct buf raw = BUF_INIT, out = BUF_INIT;
	char used[32], err[256];
	buf_append(&raw, "\xFF\xFE", 2);
	iconv_to(chinese, "UTF-16LE", &raw);
	ck_assert_int_eq(portal_to_utf8(raw.data, raw.len, NULL, &out, used, sizeof used,
					err, sizeof err), 0);
	ck_assert_str_eq(buf_str(&out), chinese);
	ck_assert_str_eq(used, "UTF-16LE");

	buf_reset(&raw);
	buf_reset(&out);
	buf_append(&raw, "\xFE\xFF", 2);
	iconv_to("大端文本", "UTF-16BE", &raw);
	buf_append(&raw, "\xD8\x00", 2);	/* a lone high surrogate at the end */
	ck_assert_int_eq(portal_to_utf8(raw.data, raw.len, NULL, &out, used, sizeof used,
					err, sizeof err), 0);
	ck_assert_str_eq(buf_str(&out), "大端文本\xEF\xBF\xBD");
	ck_assert_str_eq(used, "UTF-16BE");
	buf_free(&raw);
	buf_free(&out);
}
END_TEST

START_TEST(invalid_utf8_becomes_replacement_without_nul)
{
	struct buf out = BUF_INIT;
	char err[256];
	const char in[] = "ab\xFF\xFE\0cd\xC0\xAF" "e\xE4\xB8";
	ck_assert_int_eq(portal_to_utf8(in, sizeof in - 1, "UTF-8", &out, NULL, 0,
					err, sizeof err), 0);
	ck_assert_str_eq(buf_str(&out), "ab\xEF\xBF\xBD\xEF\xBF\xBD" "cd"
			 "\xEF\xBF\xBD\xEF\xBF\xBD" "e\xEF\xBF\xBD");
	assert_clean(&out);
	buf_free(&out);
}
END_TEST

START_TEST(arbitrary_bytes_give_clean_output)
{
	struct buf out = BUF_INIT;
	char err[256];
	unsigned char junk[4096];
	unsigned seed = 12345;
	for (size_t i = 0; i < sizeof junk; i++) {
		seed = seed * 1103515245 + 12345;
		junk[i] = (unsigned char)(seed >> 16);
	}
	const char *charsets[] = { NULL, "UTF-8", "GB18030", "UTF-16LE", "BIG5", "WINDOWS-1252" };
	for (size_t c = 0; c < sizeof charsets / sizeof charsets[0]; c++) {
		buf_reset(&out);
		ck_assert_int_eq(portal_to_utf8((char *)junk, sizeof junk, charsets[c], &out,
						NULL, 0, err, sizeof err), 0);
		assert_clean(&out);
	}
	buf_free(&out);
}
END_TEST

START_TEST(unknown_charset_is_an_error)
{
	struct buf out = BUF_INIT;
	char err[256] = "";
	ck_assert_int_eq(portal_to_utf8("abc", 3, "x-no-such-charset", &out, NULL, 0,
					err, sizeof err), -1);
	ck_assert_msg(strstr(err, "X-NO-SUCH-CHARSET") != NULL, "err: %s", err);
	buf_free(&out);
}
END_TEST

START_TEST(utf8_validity)
{
	static const struct { const char *s; int ok; } cases[] = {
		{ "", 1 }, { "plain", 1 }, { "中文", 1 }, { "\xF0\x9F\x98\x80", 1 },
		{ "\xF4\x8F\xBF\xBF", 1 },		/* U+10FFFF */
		{ "\xC0\xAF", 0 }, { "\xC1\xBF", 0 },	/* overlong */
		{ "\xE0\x80\xAF", 0 }, { "\xF0\x80\x80\xAF", 0 },
		{ "\xED\xA0\x80", 0 }, { "\xED\xBF\xBF", 0 },	/* surrogates */
		{ "\xF4\x90\x80\x80", 0 },		/* above U+10FFFF */
		{ "\xE4\xB8", 0 }, { "\x80", 0 }, { "\xFF", 0 }, { "a\xE4" "a", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(portal_utf8_valid(cases[i].s, strlen(cases[i].s)) == cases[i].ok,
			      "case %zu", i);
	ck_assert_int_eq(portal_utf8_valid("a\0b", 3), 1);
}
END_TEST

/* portal_text_is_plain() over in converted to cs (NULL: in as it is). */
static int plain_in(const char *in, size_t len, const char *cs)
{
	struct buf b = BUF_INIT;
	if (cs)
		iconv_to(in, cs, &b);
	else
		buf_append(&b, in, len);
	int plain = portal_text_is_plain(b.data, b.len);
	buf_free(&b);
	return plain;
}

START_TEST(plain_text_by_content)
{
	/* Text: UTF-8, GB18030 (four-byte sequences too), UTF-16 with a BOM;
	 * tab, line breaks, form feed, overstrikes and colour escapes. */
	ck_assert(plain_in(chinese, 0, "UTF-8"));
	ck_assert(plain_in(chinese, 0, "GB18030"));
	ck_assert(plain_in("\xEF\xBB\xBF" "中文", 0, "UTF-8"));
	ck_assert(plain_in("\xEF\xBB\xBF" "中文：𠀀€", 0, "UTF-16LE"));
	ck_assert(plain_in("\xEF\xBB\xBF" "中文", 0, "UTF-16BE"));
	ck_assert(plain_in("中文：€ 𠀀 ㄅ", 0, "GB18030"));
	static const char ctl[] = "a\tb\r\nc\fN\bN \x1b[1;31m红\x1b[0m\n";
	ck_assert(plain_in(ctl, sizeof ctl - 1, NULL));
	/* A sample that stops inside a character is still text. */
	ck_assert(plain_in("清洁生产\xE7\x94", 14, NULL));
	ck_assert(plain_in("\xC7\xE5\xBD\xE0\xC9", 5, NULL));	/* 清洁 + a GB18030 lead byte */

	/* Not text: empty, NUL, other controls, DEL, C1 controls, bytes no
	 * charset decodes, UTF-16 without a BOM, a lone BOM. */
	ck_assert(!plain_in("", 0, NULL));
	ck_assert(!plain_in("清洁\0生产", 10, NULL));
	ck_assert(!plain_in("text\x01", 5, NULL));
	ck_assert(!plain_in("text\x07", 5, NULL));
	ck_assert(!plain_in("text\x7F", 5, NULL));
	ck_assert(!plain_in("\xFF\xFE" "a\0\x85\0", 6, NULL));		/* U+0085 in UTF-16 */
	ck_assert(!plain_in("ab\x81\x30\x81\x30", 6, NULL));	/* U+0080 in GB18030 */
	ck_assert(!plain_in("清洁\xFF生产", 13, NULL));
	ck_assert(!plain_in("清洁\x80生产", 13, NULL));
	ck_assert(!plain_in("\xC7\x0A\xBD\xE0", 4, NULL));	/* a lead byte before a line feed */
	ck_assert(!plain_in("report 2024", 0, "UTF-16LE"));
	ck_assert(!plain_in("\xFF\xFE", 2, NULL));
	ck_assert(!plain_in("\xFF\xFE" "a\0\1\0", 6, NULL));
}
END_TEST

START_TEST(sanitize_rewrites_in_place)
{
	struct buf b = BUF_INIT;
	buf_append(&b, "ok\0\xED\xA0\x80 中\r\n", 12);
	portal_utf8_sanitize(&b);
	ck_assert_str_eq(buf_str(&b), "ok\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD 中\r\n");
	assert_clean(&b);
	buf_reset(&b);
	buf_puts(&b, "已经有效");
	portal_utf8_sanitize(&b);
	ck_assert_str_eq(buf_str(&b), "已经有效");
	buf_free(&b);
}
END_TEST

/* ---- HTML --------------------------------------------------------------- */

static void html_is(const char *html, const char *want)
{
	struct buf out = BUF_INIT;
	char err[256];
	ck_assert_int_eq(portal_extract_html(html, strlen(html), &out, err, sizeof err), 0);
	ck_assert_str_eq(buf_str(&out), want);
	assert_clean(&out);
	buf_free(&out);
}

START_TEST(html_strips_markup_and_keeps_title)
{
	html_is("<!DOCTYPE html><html><HEAD><meta charset=\"utf-8\">"
		"<title>标题 &amp; 测试</title>\n"
		"<style>p { color: red }</style>"
		"<script type=\"text/javascript\">var s = \"<p>不要</p>\";</script>"
		"</head>\n<body class=\"x\">"
		"<h1>第一章</h1><p>总则&nbsp;内容</p><!-- 注释 <p>也不要</p> -->"
		"<p>A&lt;B &#x4E2D;&#25991; &amp;lt; &ldquo;引号&rdquo;&mdash;&hellip;&middot;&copy;</p>"
		"<div>行内<b>加粗</b><a href=\"a>b\">链接</a></div>末尾<br/>新行"
		"<table><tr><td>甲</td><td>乙</td></tr><tr><td>丙</td></tr></table>"
		"</body></html>",
		"标题 & 测试\n第一章\n总则 内容\n"
		"A<B 中文 &lt; “引号”—…·©\n行内加粗链接\n末尾\n新行\n甲 乙\n丙");
}
END_TEST

START_TEST(html_collapses_blank_space)
{
	html_is("  <p>  a \n\n  b\t </p>\n\n\n<p>c</p>  \n", "a b\nc");
	html_is("<ul>\n <li>一</li>\n <li>二</li>\n</ul>", "一\n二");
}
END_TEST

START_TEST(html_entities_edge_cases)
{
	html_is("&#0;&#xD800;&#x110000;&#99999999999999;", "\xEF\xBF\xBD\xEF\xBF\xBD"
		"\xEF\xBF\xBD\xEF\xBF\xBD");
	html_is("&foo; &amp &lt3 & x &#; &#x; &apos;&quot;", "&foo; & <3 & x &#; &#x; '\"");
	html_is("&#x1F600;&#128512;", "\xF0\x9F\x98\x80\xF0\x9F\x98\x80");
}
END_TEST

START_TEST(html_survives_broken_markup)
{
	html_is("<p>abc<!-- never closed", "abc");
	html_is("<p>abc<script>for(;;);", "abc");
	html_is("a < b and c <", "a < b and c <");
	html_is("<p>x</p><", "x\n<");
	html_is("<title>only a title", "only a title");
	html_is("<head><title>T</title></head>text", "T\ntext");
	html_is("<html><head><title>T</title><p>no body tag</p>", "T\nno body tag");
	html_is("", "");
}
END_TEST

static void gbk_html(const char *meta)
{
	struct buf utf8 = BUF_INIT, raw = BUF_INIT, out = BUF_INIT;
	char err[256];
	buf_printf(&utf8, "<html><head>%s<title>荣华月饼</title></head>"
		   "<body><p>月饼销售旺季即将来临，商标争夺战进入白热化阶段。</p></body></html>", meta);
	iconv_to(buf_str(&utf8), "GBK", &raw);
	ck_assert_int_eq(portal_extract_html(raw.data, raw.len, &out, err, sizeof err), 0);
	ck_assert_str_eq(buf_str(&out), "荣华月饼\n月饼销售旺季即将来临，商标争夺战进入白热化阶段。");
	buf_free(&utf8);
	buf_free(&raw);
	buf_free(&out);
}

START_TEST(html_gbk_with_meta_charset)
{
	gbk_html("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">");
	gbk_html("<META HTTP-EQUIV='Content-Type' CONTENT='text/html;charset=GB2312'>");
	gbk_html("<meta charset=gb2312 />");
	gbk_html("<meta name=\"x\" content=\"y\"><meta charset=\"no-such-charset\">");
	gbk_html("");
}
END_TEST

START_TEST(html_utf8_despite_stale_meta)
{
	html_is("<meta charset=\"gb2312\"><p>已转为UTF-8</p>", "已转为UTF-8");
}
END_TEST

/* ---- type detection and the extractors ---------------------------------- */

static void mime_is(const void *data, size_t len, const char *want)
{
	char mime[128], err[256];
	ck_assert_int_eq(portal_detect_mime_buf(data, len, mime, sizeof mime, err, sizeof err), 0);
	ck_assert_str_eq(mime, want);
}

START_TEST(detect_by_content)
{
	static const char pdf[] = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
				  "trailer\n<< /Root 1 0 R >>\n%%EOF\n";
	static const char html[] = "<!DOCTYPE html>\n<html><head><title>x</title></head>"
				   "<body><p>hello</p></body></html>\n";
	struct buf gb = BUF_INIT;
	iconv_to(chinese, "GB18030", &gb);

	mime_is(pdf, sizeof pdf - 1, "application/pdf");
	mime_is(html, sizeof html - 1, "text/html");
	mime_is(chinese, strlen(chinese), "text/plain");
	mime_is(gb.data, gb.len, "text/plain");
	buf_free(&gb);

	/* The name says PDF, the content says HTML: content wins. */
	char path[256], mime[128], err[256];
	temp_path(path, sizeof path, "looks-like.pdf");
	write_file(path, html, sizeof html - 1);
	ck_assert_int_eq(portal_detect_mime(path, mime, sizeof mime, err, sizeof err), 0);
	ck_assert_str_eq(mime, "text/html");
	unlink(path);
}
END_TEST

/* libmagic's own answer for data, without the portal's look at the bytes. */
static void magic_says(const void *data, size_t len, char *mime, size_t n)
{
	magic_t m = magic_open(MAGIC_MIME_TYPE);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(magic_load(m, NULL), 0);
	const char *r = magic_buffer(m, data, len);
	snprintf(mime, n, "%s", r ? r : "");
	magic_close(m);
}

/* Chinese text in charset cs that starts with start, or has it at byte
 * 0x100 (Chinese text before it, padded with spaces), as libmagic's rules
 * for console ROMs look for. */
static void text_with_marker(const char *start, int at_0x100, const char *cs, struct buf *b)
{
	if (at_0x100) {
		static const char lead[] = "清洁生产审核报告（第二轮）：本企业的能源审计与节能改造情况说明。";
		struct buf head = BUF_INIT;
		iconv_to(lead, cs, &head);
		ck_assert_uint_lt(head.len, 0x100);
		buf_append(b, head.data, head.len);
		while (b->len < 0x100)
			buf_putc(b, ' ');
		buf_free(&head);
	}
	iconv_to(start, cs, b);
	iconv_to(chinese, cs, b);
}

/* A type the portal reads as plain text: text/plain, or a text/ type
 * libmagic names itself (troff, say) other than HTML and RTF. */
static int read_as_text(const char *mime)
{
	return strncmp(mime, "text/", 5) == 0 && strcmp(mime, "text/html") != 0 &&
	       strcmp(mime, "text/rtf") != 0;
}

START_TEST(detect_text_whatever_a_weak_rule_says)
{
	/* Starts that libmagic's pattern rules take for something else:
	 * HP-GL plotter commands (two letters and a digit or ";"), console
	 * ROM signatures at 0x100 (the Pico rule "IMA IKUNOJYUKU" lacks an
	 * escape and matches "IMA"), DOS COM (0xE9, the first byte of 震
	 * in UTF-8), JavaScript, PostScript, mail, troff, a GIF signature. */
	static const struct { const char *start; int at_0x100; } starts[] = {
		{ "IN;SP1;PA100,100;", 0 }, { "SP1;", 0 }, { "DF;", 0 }, { "INPS", 0 },
		{ "IP0 ", 0 }, { "CO 说明", 0 }, { "PS 1", 0 }, { "PS4", 0 }, { "BP", 0 },
		{ "PA", 0 }, { "NP", 0 }, { "\x1b%-1B", 0 },
		{ "SEGA", 1 }, { "SEGA PICO", 1 }, { "IMA", 1 }, { "IMAP4 服务器", 1 },
		{ "SAMSUNG PICO", 1 },
		{ "震荡", 0 }, { "除尘", 0 }, { "(function ", 0 }, { "#!/usr/bin/env node\n", 0 },
		{ "%!", 0 }, { "From: 环保局\n", 0 }, { ".TH 清洁 1\n", 0 }, { "'\\\" t\n", 0 },
		{ "GIF89a", 0 },
	};
	static const char *const charsets[] = { "UTF-8", "GB18030" };
	char mime[128], said[128], err[256], path[256];
	int misnamed = 0;

	temp_path(path, sizeof path, "weak.pdf");
	for (size_t c = 0; c < 2; c++)
		for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
			struct buf b = BUF_INIT;
			text_with_marker(starts[i].start, starts[i].at_0x100, charsets[c], &b);
			magic_says(b.data, b.len, said, sizeof said);
			misnamed += !portal_extract_supported(said);
			ck_assert_int_eq(portal_detect_mime_buf(b.data, b.len, mime, sizeof mime, err, sizeof err), 0);
			ck_assert_msg(read_as_text(mime), "%s text starting \"%s\": %s (libmagic: %s)",
				      charsets[c], starts[i].start, mime, said);
			write_file(path, b.data, b.len);
			ck_assert_int_eq(portal_detect_mime(path, mime, sizeof mime, err, sizeof err), 0);
			ck_assert_msg(read_as_text(mime), "file of %s text starting \"%s\": %s",
				      charsets[c], starts[i].start, mime);
			buf_free(&b);
		}
	unlink(path);
	/* The samples must still fool libmagic, or this test proves nothing. */
	ck_assert_msg(misnamed >= 40, "libmagic misnames only %d of the samples", misnamed);
}
END_TEST

START_TEST(detect_text_with_overstrikes_and_escapes)
{
	/* Text formatted by nroff keeps its overstrikes (N backspace N for
	 * bold); fortunes keep terminal colour escapes. Both are text. */
	static const char bold[] = "SP 清洁生产审核报告（测试）\n\n键盘映射表 还包含 字符串定义. "
				   "它们 用于 定义各个 功能键(function k\nN\bNA\bAM\bME\bE\n";
	static const char esc[] = "PA 清洁生产审核报告（测试）\n\n内核 支持的 功能键(function key) 数目:\n"
				  "你可以通过“~/.vimrc”\x1b[;m来定制vim(1)的行为。\f\r\n";
	mime_is(bold, sizeof bold - 1, "text/plain");
	mime_is(esc, sizeof esc - 1, "text/plain");
}
END_TEST

/* The type of the file holding data, named name: never text/plain, and one
 * the portal refuses. */
static void file_refused(const char *name, const void *data, size_t len)
{
	char path[256], mime[128], err[256];
	temp_path(path, sizeof path, name);
	write_file(path, data, len);
	ck_assert_int_eq(portal_detect_mime(path, mime, sizeof mime, err, sizeof err), 0);
	unlink(path);
	ck_assert_msg(!portal_extract_supported(mime), "%s was taken as %s", name, mime);
}

START_TEST(detect_programs_and_archives_stay_refused)
{
	/* A real ELF program, named as text. */
	FILE *f = fopen("/bin/true", "rb");
	ck_assert_ptr_nonnull(f);
	static char elf[1 << 20];
	size_t n = fread(elf, 1, sizeof elf, f);
	fclose(f);
	ck_assert_uint_gt(n, 1000);
	file_refused("true.txt", elf, n);

	/* A minimal PE: DOS header pointing at "PE\0\0" and an i386 COFF
	 * header, then a text that starts like HP-GL, named .pdf. */
	char pe[512] = "MZ\x90";
	pe[0x3C] = (char)0x80;
	memcpy(pe + 0x80, "PE\0\0\x4c\x01\x01\x00", 8);
	pe[0x80 + 20] = (char)0xE0;	/* size of optional header */
	pe[0x80 + 22] = 0x02;		/* characteristics: executable */
	memcpy(pe + 0x98, "\x0b\x01", 2);	/* PE32 optional header */
	memcpy(pe + 0x180, "SP1;清洁生产审核报告\n", 27);
	file_refused("report.pdf", pe, sizeof pe);

	/* A 64-bit Mach-O header. */
	static const char macho[64] = "\xcf\xfa\xed\xfe\x07\x00\x00\x01\x03\x00\x00\x00\x02\x00\x00\x00";
	file_refused("macho.txt", macho, sizeof macho);

	/* A DOS COM program: a jump, then code. */
	static const char com[] = "\xE9\x10\x00\x00\x01\x02\xCD\x21\x00\xB4\x4C\xCD\x21";
	file_refused("prog.txt", com, sizeof com - 1);

	/* Archive headers in front of text. */
	struct buf gz = BUF_INIT, xz = BUF_INIT;
	buf_append(&gz, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
	buf_puts(&gz, chinese);
	file_refused("archive.txt", gz.data, gz.len);
	buf_append(&xz, "\xfd" "7zXZ\x00\x00\x04\xe6\xd6\xb4\x46", 12);
	buf_puts(&xz, chinese);
	file_refused("archive2.txt", xz.data, xz.len);
	buf_free(&gz);
	buf_free(&xz);
}
END_TEST

/* Extract in as plain text after "前文" already in the buffer: want. */
static void assert_text(const char *in, size_t len, const char *want)
{
	struct buf out = BUF_INIT;
	char err[256];
	buf_puts(&out, "前文");
	ck_assert_int_eq(portal_extract_text(in, len, &out, err, sizeof err), 0);
	ck_assert_str_eq(buf_str(&out), want);
	buf_free(&out);
}

START_TEST(text_overstrikes_removed)
{
	/* nroff bold (X backspace X, also for Chinese) and underline
	 * (_ backspace X) leave one character each; a backspace at the
	 * start removes nothing. */
	static const char in[] = "\bN\bNA\bAM\bME\bE 名\b名称\b称 _\bu_\bs_\be 清洁生产\n";
	assert_text(in, sizeof in - 1, "前文NAME 名称 use 清洁生产\n");
}
END_TEST

START_TEST(text_escapes_removed)
{
	/* Colour sequences go whole, a stray ESC alone; an unfinished
	 * sequence at the end leaves its bytes after the ESC. */
	static const char in[] = "\x1b[1;31m红色\x1b[0m 正文\x1b[;m。\x1bX 尾\x1b[12";
	assert_text(in, sizeof in - 1, "前文红色 正文。X 尾[12");
}
END_TEST

START_TEST(detect_in_a_forked_child)
{
	char mime[128], err[256];
	ck_assert_int_eq(portal_detect_mime_buf("abc\n", 4, mime, sizeof mime, err, sizeof err), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int ok = portal_detect_mime_buf("%PDF-1.4\n", 9, mime, sizeof mime, err, sizeof err) == 0 &&
			 strcmp(mime, "application/pdf") == 0;
		_exit(ok ? 0 : 1);
	}
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

START_TEST(supported_types)
{
	ck_assert(portal_extract_supported("text/plain"));
	ck_assert(portal_extract_supported("text/html"));
	ck_assert(portal_extract_supported("text/x-c"));
	ck_assert(portal_extract_supported("application/pdf"));
	ck_assert(portal_extract_supported("application/xhtml+xml"));
	ck_assert(portal_extract_supported("text/plain; charset=utf-8"));
	ck_assert(!portal_extract_supported("application/x-executable"));
	ck_assert(!portal_extract_supported("application/pdfx"));
	ck_assert(portal_extract_supported("image/png"));	/* by OCR */
	ck_assert(!portal_extract_supported("image/gif"));
	ck_assert(!portal_extract_supported("text/"));
	ck_assert(!portal_extract_supported(""));
	ck_assert(!portal_extract_supported(NULL));
}
END_TEST

START_TEST(extract_file_errors_and_text)
{
	struct buf out = BUF_INIT, gb = BUF_INIT;
	char path[256], err[256];

	temp_path(path, sizeof path, "empty.txt");
	write_file(path, "", 0);
	ck_assert_int_eq(portal_extract_file(path, "text/plain", &out, err, sizeof err), -1);
	ck_assert_str_eq(err, "The file is empty.");

	write_file(path, "\x7F" "ELF\x02\x01\x01", 7);
	ck_assert_int_eq(portal_extract_file(path, "application/x-executable", &out, err,
					     sizeof err), -1);
	ck_assert_str_eq(err, "This file is a program (application/x-executable), not a document, and was not read.");

	iconv_to(chinese, "GB18030", &gb);
	write_file(path, gb.data, gb.len);
	ck_assert_int_eq(portal_extract_file(path, "text/plain", &out, err, sizeof err), 0);
	ck_assert_str_eq(buf_str(&out), chinese);
	unlink(path);

	ck_assert_int_eq(portal_extract_file(path, "text/plain", &out, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "could not be opened") != NULL, "err: %s", err);
	buf_free(&out);
	buf_free(&gb);
}
END_TEST

START_TEST(damaged_pdf_is_reported)
{
	struct buf out = BUF_INIT;
	char path[256], err[256];
	static const char junk[] = "%PDF-1.4\nthis is not really a PDF at all\n";

	temp_path(path, sizeof path, "-damaged.pdf");
	write_file(path, junk, sizeof junk - 1);
	ck_assert_int_eq(portal_extract_pdf(path, &out, err, sizeof err), -1);
	ck_assert_str_eq(err, "The PDF file is damaged or encrypted and its text could not be read.");
	unlink(path);
	ck_assert_uint_eq(out.len, 0);
	buf_free(&out);
}
END_TEST

/* ---- the shared corpus -------------------------------------------------- */


struct job {
	const char *path;
	char mime[128];
};

static int fn_extract(void *arg, struct buf *out, char *err, size_t errlen)
{
	struct job *j = arg;
	return portal_extract_file(j->path, j->mime, out, err, errlen);
}

/* Detect and extract the corpus file starting with prefix, sandboxed. */
static int corpus_extract(const char *prefix, const char *want_mime, struct buf *out,
			  char *err, size_t errlen)
{
	char path[2048], derr[256];
	struct job j = { path, "" };
	struct sandbox_limits lim = limits(60);
	corpus_file(prefix, path, sizeof path);
	ck_assert_int_eq(portal_detect_mime(path, j.mime, sizeof j.mime, derr, sizeof derr), 0);
	ck_assert_str_eq(j.mime, want_mime);
	return portal_sandbox_run(fn_extract, &j, &lim, out, err, errlen);
}

START_TEST(corpus_pdf_with_text_layer)
{
	struct buf out = BUF_INIT;
	char err[512] = "";
	ck_assert_msg(corpus_extract("d0006_", "application/pdf", &out, err, sizeof err) == 0,
		      "err: %s", err);
	ck_assert(has(&out, "中华人民共和国标准化法"));
	ck_assert(has(&out, "国家标准分为强制性标准"));
	assert_clean(&out);
	buf_free(&out);
}
END_TEST

/* ---- tidying pdftotext's output (portal_pdf_tidy) ------------------------ */

static char *tidy(const char *in)
{
	struct buf out = BUF_INIT;
	portal_pdf_tidy(in, strlen(in), &out);
	char *s = strdup(buf_str(&out));
	buf_free(&out);
	return s;
}

#define ck_tidy(in, want) do { char *got_ = tidy(in); ck_assert_str_eq(got_, want); free(got_); } while (0)

START_TEST(pdf_tidy_joins_glyph_per_line_runs)
{
	/* GB 18466-2005's cover as pdftotext reads it: a line per glyph. */
	ck_tidy("ＧＢ １\n８\n４\n６\n６—２\n０\n０\n５\n", "ＧＢ １８４６６—２００５\n");
	ck_tidy("Ｄｉ\nｓ\nｃ\nｈａ\nｒ\nｇ\nｅｓ\n", "Ｄｉｓｃｈａｒｇｅｓ\n");
	/* the chain ends in a fragment: the next line stays its own */
	ck_tidy("ＣＳ １\n３\n０\nＺ ６０\n", "ＣＳ １３０\nＺ ６０\n");
	/* no join into or out of a line of ideographs */
	ck_tidy("医疗机构水污染物排放标准\nＤｉ\nｓ\nｃ\n中国\n", "医疗机构水污染物排放标准\nＤｉｓｃ\n中国\n");
}
END_TEST

START_TEST(pdf_tidy_leaves_ordinary_text)
{
	const char *plain[] = {
		"第一章 总则\n第一条 为了加强标准化工作，\n",	/* blanks between words */
		"序号\n１\n\n２\n\n３\n",	/* table cells, a blank line apart */
		"——\n——\n——\n",	/* empty cells */
		"正文结束。\n１\n",	/* a lone page number */
		"GB 18466\n1\n2\n3\n",	/* ASCII is drawn right */
		"",
	};
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		ck_tidy(plain[i], plain[i]);
}
END_TEST

START_TEST(pdf_tidy_maps_glyphs_and_letter_spacing)
{
	ck_tidy("ＩＣＳ １３\xee\x80\x90０６０\n", "ＩＣＳ １３．０６０\n");	/* U+E010 */
	ck_tidy("\xee\x80\x92\n\xee\x97\x85 ４４℃\n", "＊\n↓ ４４℃\n");	/* U+E012, U+E5C5 */
	ck_tidy("中 华 人 民 共 和 国 国 家 标 准\n", "中华人民共和国国家标准\n");
	/* the Symbol font's codes: limits and a doubled bar for a dash */
	ck_tidy("年产量\xef\x82\xb3" "30 万吨\n\xef\x82\xbe\xef\x82\xbe规范\n", "年产量≥30 万吨\n——规范\n");
	ck_tidy("\xef\x80\xa0\n", "\xef\x80\xa0\n");	/* U+F020: unknown, left */
	ck_tidy("发 布\n广东省环境保 护局\n", "发布\n广东省环境保 护局\n");
}
END_TEST

START_TEST(pdf_tidy_keeps_pages)
{
	/* never joined across a page end; form feeds stay */
	ck_tidy("ＧＢ １\n８\n４\n\f６\n６\n\f", "ＧＢ １８４\n\f６６\n\f");
}
END_TEST

/* GB 18466-2005 (Founder's fonts): its number reads whole, and no two
 * one-character lines follow each other. */
START_TEST(corpus_pdf_gb18466_reads)
{
	struct buf out = BUF_INIT;
	char err[512] = "";
	ck_assert_msg(corpus_extract("d0361_", "application/pdf", &out, err, sizeof err) == 0,
		      "err: %s", err);
	ck_assert(has(&out, "ＧＢ １８４６６—２００５"));
	ck_assert(has(&out, "３．０６０．３０"));	/* ICS 13.060.30 */
	ck_assert(has(&out, "中华人民共和国国家标准"));
	ck_assert(!has(&out, "\xee\x80\x90"));
	size_t adjacent = 0, prev_len = 0, start = 0;
	const char *s = buf_str(&out);
	for (size_t i = 0; i <= out.len; i++) {
		if (i < out.len && s[i] != '\n')
			continue;
		size_t chars = portal_utf8_count(s + start, i - start);
		adjacent += chars == 1 && prev_len == 1;
		prev_len = chars;
		start = i + 1;
	}
	ck_assert_msg(adjacent <= 8, "%zu one-character lines follow another", adjacent);
	assert_clean(&out);
	buf_free(&out);
}
END_TEST

/* A PDF's first pages as PNG images, framed for the sandbox's pipe
 * (preview.c): three of GB 18466's 32 pages, 800 pixels wide; no time, no
 * images; framing that is cut or lies about its lengths is refused. */
START_TEST(preview_pdf_pages_and_framing)
{
	char path[2048];
	struct buf out = BUF_INIT;
	struct portal_preview_page pages[PREVIEW_PAGES];
	size_t used;
	corpus_file("d0361_", path, sizeof path);
	ck_assert_int_eq(portal_preview_pdf(path, PREVIEW_PAGES, PREVIEW_BUDGET, &out), 3);
	ck_assert_int_eq(portal_preview_split(out.data, out.len, pages, PREVIEW_PAGES, &used), 3);
	ck_assert_uint_eq(used, out.len);
	for (int i = 0; i < 3; i++) {
		const unsigned char *h = (const unsigned char *)pages[i].png;
		ck_assert(portal_preview_is_png(pages[i].png, pages[i].len));
		ck_assert_uint_eq((unsigned)h[16] << 24 | h[17] << 16 | h[18] << 8 | h[19], PREVIEW_WIDTH);
	}
	/* one page asked, one given; the text after the framing is left alone */
	buf_reset(&out);
	ck_assert_int_eq(portal_preview_pdf(path, 1, PREVIEW_BUDGET, &out), 1);
	size_t framing = out.len;
	buf_puts(&out, "正文");
	ck_assert_int_eq(portal_preview_split(out.data, out.len, pages, PREVIEW_PAGES, &used), 1);
	ck_assert_uint_eq(used, framing);
	/* cut anywhere inside, or a count beyond max: refused */
	ck_assert_int_eq(portal_preview_split(out.data, framing - 1, pages, PREVIEW_PAGES, &used), -1);
	ck_assert_int_eq(portal_preview_split(out.data, 3, pages, PREVIEW_PAGES, &used), -1);
	ck_assert_int_eq(portal_preview_split("\0\0\0\x09", 4, pages, PREVIEW_PAGES, &used), -1);
	ck_assert_int_eq(portal_preview_split("\0\0\0\x01\xff\xff\xff\xff", 8, pages, PREVIEW_PAGES, &used), -1);
	/* no time: no images, an empty list */
	buf_reset(&out);
	ck_assert_int_eq(portal_preview_pdf(path, PREVIEW_PAGES, 0, &out), 0);
	ck_assert_int_eq(portal_preview_split(out.data, out.len, pages, PREVIEW_PAGES, &used), 0);
	/* not a PDF: none either */
	buf_reset(&out);
	ck_assert_int_eq(portal_preview_pdf("/etc/hostname", PREVIEW_PAGES, PREVIEW_BUDGET, &out), 0);
	buf_free(&out);
}
END_TEST

/* Scanned PDFs go through OCR: covered by test-extract.c. */

START_TEST(corpus_gb18030_text)
{
	struct buf out = BUF_INIT;
	char err[512] = "";
	ck_assert_msg(corpus_extract("d0001_", "text/plain", &out, err, sizeof err) == 0,
		      "err: %s", err);
	ck_assert(has(&out, "中华人民共和国消费税暂行条例"));
	ck_assert(has(&out, "委托加工和进口本条例规定的消费品"));
	ck_assert(!has(&out, "\r"));
	ck_assert(!has(&out, "\xEF\xBF\xBD"));
	assert_clean(&out);
	buf_free(&out);
}
END_TEST

START_TEST(corpus_gbk_html)
{
	struct buf out = BUF_INIT;
	char err[512] = "";
	ck_assert_msg(corpus_extract("d0042_", "text/html", &out, err, sizeof err) == 0,
		      "err: %s", err);
	ck_assert_msg(strncmp(buf_str(&out), "荣华月饼商标战再起波澜\n", 34) == 0,
		      "first line: %.60s", buf_str(&out));
	ck_assert(has(&out, "佛山市顺德区苏氏荣华食品有限公司"));
	ck_assert(has(&out, "“荣华”"));
	ck_assert(!has(&out, "<p>"));
	ck_assert(!has(&out, "\xEF\xBF\xBD"));
	assert_clean(&out);
	buf_free(&out);
}
END_TEST

/* Every .txt and .html in the corpus reads as Chinese, with no
 * replacement characters and nothing left of the markup. */
START_TEST(corpus_all_text_and_html)
{
	char dir[1024], path[2048], err[512];
	DIR *d = opendir(corpus_docs(dir, sizeof dir));
	struct dirent *e;
	int files = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		const char *dot = strrchr(e->d_name, '.');
		if (!dot || (strcmp(dot, ".txt") != 0 && strcmp(dot, ".html") != 0))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct job j = { path, "" };
		struct buf out = BUF_INIT;
		ck_assert_int_eq(portal_detect_mime(path, j.mime, sizeof j.mime, err, sizeof err), 0);
		ck_assert_msg(fn_extract(&j, &out, err, sizeof err) == 0, "%s: %s", e->d_name, err);
		assert_clean(&out);
		ck_assert_msg(has_cjk(&out), "%s: no Chinese", e->d_name);
		ck_assert_msg(!has(&out, "\xEF\xBF\xBD"), "%s: U+FFFD in output", e->d_name);
		if (strcmp(dot, ".html") == 0)
			ck_assert_msg(!has(&out, "</") && !has(&out, "<p"), "%s: markup left",
				      e->d_name);
		buf_free(&out);
		files++;
	}
	closedir(d);
	ck_assert_int_ge(files, 100);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static TCase *tcase(const char *name, double timeout)
{
	TCase *tc = tcase_create(name);
	tcase_set_timeout(tc, timeout);
	return tc;
}

int main(void)
{
	Suite *s = suite_create("encoding");
	TCase *enc = tcase("encoding", 10), *html = tcase("html", 10);
	TCase *ext = tcase("extract", 30);
	TCase *corpus = tcase("corpus", 120);

	tcase_add_test(enc, utf8_passes_through_with_lf_and_no_bom);
	tcase_add_test(enc, gb18030_is_detected);
	tcase_add_test(enc, gbk_is_detected_and_read_as_gb18030);
	tcase_add_test(enc, gb_family_names_map_to_gb18030);
	tcase_add_test(enc, gb18030_four_byte_sequences);
	tcase_add_test(enc, short_gbk_is_still_chinese);
	tcase_add_test(enc, latin1_is_not_forced_into_chinese);
	tcase_add_test(enc, utf16_with_bom);
	tcase_add_test(enc, invalid_utf8_becomes_replacement_without_nul);
	tcase_add_test(enc, arbitrary_bytes_give_clean_output);
	tcase_add_test(enc, unknown_charset_is_an_error);
	tcase_add_test(enc, utf8_validity);
	tcase_add_test(enc, sanitize_rewrites_in_place);
	tcase_add_test(enc, plain_text_by_content);
	suite_add_tcase(s, enc);

	tcase_add_test(html, html_strips_markup_and_keeps_title);
	tcase_add_test(html, html_collapses_blank_space);
	tcase_add_test(html, html_entities_edge_cases);
	tcase_add_test(html, html_survives_broken_markup);
	tcase_add_test(html, html_gbk_with_meta_charset);
	tcase_add_test(html, html_utf8_despite_stale_meta);
	suite_add_tcase(s, html);

	tcase_add_test(ext, detect_by_content);
	tcase_add_test(ext, detect_in_a_forked_child);
	tcase_add_test(ext, detect_text_whatever_a_weak_rule_says);
	tcase_add_test(ext, detect_text_with_overstrikes_and_escapes);
	tcase_add_test(ext, detect_programs_and_archives_stay_refused);
	tcase_add_test(ext, text_overstrikes_removed);
	tcase_add_test(ext, text_escapes_removed);
	tcase_add_test(ext, supported_types);
	tcase_add_test(ext, extract_file_errors_and_text);
	tcase_add_test(ext, damaged_pdf_is_reported);
	suite_add_tcase(s, ext);

	tcase_add_test(corpus, corpus_pdf_with_text_layer);
	tcase_add_test(corpus, corpus_pdf_gb18466_reads);
	tcase_add_test(corpus, preview_pdf_pages_and_framing);
	tcase_add_test(ext, pdf_tidy_joins_glyph_per_line_runs);
	tcase_add_test(ext, pdf_tidy_leaves_ordinary_text);
	tcase_add_test(ext, pdf_tidy_maps_glyphs_and_letter_spacing);
	tcase_add_test(ext, pdf_tidy_keeps_pages);
	tcase_add_test(corpus, corpus_gb18030_text);
	tcase_add_test(corpus, corpus_gbk_html);
	tcase_add_test(corpus, corpus_all_text_and_html);
	suite_add_tcase(s, corpus);

	return run_suite(s);
}
