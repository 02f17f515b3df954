/* test-core.c: unit tests for the request plumbing: arena, buf, URL and
 * query decoding, UTF-8 (utf8.c), HTML escaping, snippets and the hit
 * cache; and the job queue (jobs.c) on a database of its own. */
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "jobs.h"
#include "hit-cache.h"
#include "html.h"
#include "snippet.h"
#include "hit-record.h"
#include "url.h"
#include "utf8.h"

#include "check-run.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cleanup_runs;
static void count_cleanup(void *p) { cleanup_runs += *(int *)p; }

START_TEST(arena_allocates_zeroed_aligned_and_cleans_up)
{
	struct arena *a = arena_new();
	static int one = 1;
	cleanup_runs = 0;
	for (int i = 0; i < 2000; i++) {
		unsigned char *p = arena_alloc(a, (size_t)(i % 97) + 1);
		ck_assert_uint_eq((uintptr_t)p % 16, 0);
		for (int k = 0; k < i % 97 + 1; k++)
			ck_assert_uint_eq(p[k], 0);
		memset(p, 0xAB, (size_t)(i % 97) + 1);
	}
	char *big = arena_alloc(a, 1 << 20);	/* larger than a block */
	big[(1 << 20) - 1] = 'x';
	ck_assert_str_eq(arena_printf(a, "%s-%d", "ab", 12), "ab-12");
	ck_assert_str_eq(arena_strndup(a, "abcdef", 3), "abc");
	arena_on_destroy(a, count_cleanup, &one);
	arena_on_destroy(a, count_cleanup, &one);
	arena_own(a, malloc(10));
	arena_destroy(a);
	ck_assert_int_eq(cleanup_runs, 2);
}
END_TEST

START_TEST(arena_arrays_grow_and_keep_their_elements)
{
	struct arena *a = arena_new();
	struct arena_strv sv = { 0 };
	char name[16];
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof name, "g%d", i);
		arena_strv_push(a, &sv, arena_strdup(a, name));
	}
	ck_assert_uint_eq(sv.n, 100);
	ck_assert_uint_eq(sv.cap, 128);		/* 8, doubled */
	ck_assert_str_eq(sv.v[0], "g0");
	ck_assert_str_eq(sv.v[99], "g99");

	size_t n = 0, cap = 0;
	long long *v = NULL;
	for (long long i = 0; i < 20; i++) {
		v = arena_grow(a, v, n, &cap, sizeof *v);
		v[n++] = i * i;
	}
	ck_assert_uint_eq(cap, 32);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(v[i], (long long)(i * i));
	ck_assert_ptr_eq(arena_grow(a, v, n, &cap, sizeof *v), v);	/* room left: same array */
	arena_destroy(a);
}
END_TEST

START_TEST(buf_appends_formats_and_detaches)
{
	struct buf b = BUF_INIT;
	ck_assert_str_eq(buf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	ck_assert_uint_eq(b.len, strlen(b.data));
	ck_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	buf_reset(&b);
	buf_append(&b, "a\0b", 3);
	ck_assert_uint_eq(b.len, 3);
	char *s = buf_detach(&b);
	ck_assert_int_eq(s[2], 'b');
	ck_assert_ptr_null(b.data);
	free(s);
	buf_free(&b);
}
END_TEST

START_TEST(url_decode_handles_escapes_and_refuses_bad_ones)
{
	struct arena *a = arena_new();
	ck_assert_str_eq(url_decode(a, "a%20b+c", 7, 1), "a b c");
	ck_assert_str_eq(url_decode(a, "a+b", 3, 0), "a+b");
	ck_assert_str_eq(url_decode(a, "%E6%B8%85%e6%b4%81", 18, 1), "清洁");
	ck_assert_ptr_null(url_decode(a, "%G1", 3, 1));
	ck_assert_ptr_null(url_decode(a, "%4", 2, 1));
	ck_assert_ptr_null(url_decode(a, "%", 1, 1));
	ck_assert_ptr_null(url_decode(a, "a%00b", 5, 1));
	arena_destroy(a);
}
END_TEST

START_TEST(url_query_splits_pairs)
{
	struct arena *a = arena_new();
	struct url_param *p;
	int n = url_parse_query(a, "q=%E6%B8%85%E6%B4%81+%E7%94%9F%E4%BA%A7&page=2&&empty=&flag", &p);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(p[0].name, "q");
	ck_assert_str_eq(p[0].value, "清洁 生产");
	ck_assert_str_eq(p[1].value, "2");
	ck_assert_str_eq(p[2].name, "empty");
	ck_assert_str_eq(p[2].value, "");
	ck_assert_str_eq(p[3].name, "flag");
	ck_assert_int_eq(url_parse_query(a, "", &p), 0);
	ck_assert_int_eq(url_parse_query(a, "q=%zz", &p), -1);
	ck_assert_str_eq(url_encode(a, "清 a/b"), "%E6%B8%85%20a%2Fb");
	arena_destroy(a);
}
END_TEST

START_TEST(url_hexval_reads_hex_digits_only)
{
	ck_assert_int_eq(url_hexval('0'), 0);
	ck_assert_int_eq(url_hexval('9'), 9);
	ck_assert_int_eq(url_hexval('a'), 10);
	ck_assert_int_eq(url_hexval('F'), 15);
	ck_assert_int_eq(url_hexval('g'), -1);
	ck_assert_int_eq(url_hexval('/'), -1);
	ck_assert_int_eq(url_hexval(0xC3), -1);
}
END_TEST

/* Every length's first and last code point, and some in between. */
START_TEST(utf8_encode_and_decode_round_trip)
{
	static const struct { uint32_t cp; size_t len; } cases[] = {
		{ 0x00, 1 }, { 'A', 1 }, { 0x7F, 1 }, { 0x80, 2 }, { 0xA9, 2 }, { 0x7FF, 2 },
		{ 0x800, 3 }, { 0x4E2D, 3 }, { 0xFFFD, 3 }, { 0xFFFF, 3 },
		{ 0x10000, 4 }, { 0x20BB7, 4 }, { 0x10FFFF, 4 },
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		char u[UTF8_MAX];
		size_t n = portal_utf8_encode(u, cases[c].cp), i = 0, bad = 0;
		ck_assert_uint_eq(n, cases[c].len);
		ck_assert_uint_eq(portal_utf8_seq_len(u, n, &bad), n);
		ck_assert(portal_utf8_valid(u, n));
		ck_assert_uint_eq(portal_utf8_next(u, n, &i), cases[c].cp);
		ck_assert_uint_eq(i, n);
	}
	char zh[UTF8_MAX];
	ck_assert_uint_eq(portal_utf8_encode(zh, 0x4E2D), 3);
	ck_assert_mem_eq(zh, "\xE4\xB8\xAD", 3);
	struct buf b = BUF_INIT;
	portal_utf8_put(&b, 'x');
	portal_utf8_put(&b, 0x6587);
	portal_utf8_put(&b, 0x1F600);
	ck_assert_uint_eq(b.len, 8);
	ck_assert_mem_eq(b.data, "x\xE6\x96\x87\xF0\x9F\x98\x80", 8);
	buf_free(&b);
}
END_TEST

/* The strict reader's verdict (bytes in the maximal bad subpart) and the
 * lenient reader's code point and advance, for one sequence each. */
struct bad_case {
	const char *s;
	size_t n;
	size_t bad;		/* what portal_utf8_seq_len() reports */
	uint32_t next;		/* what portal_utf8_next() reads */
	size_t step;		/* and how far it moves */
};

START_TEST(utf8_refuses_bad_sequences)
{
	static const struct bad_case cases[] = {
		{ "\x80", 1, 1, 0xFFFD, 1 },			/* lone continuation */
		{ "\xBF\x41", 2, 1, 0xFFFD, 1 },
		{ "\xC0\x80", 2, 1, 0xFFFD, 1 },		/* overlong NUL */
		{ "\xC1\xBF", 2, 1, 0xFFFD, 1 },		/* overlong DEL */
		{ "\xE0\x80\x80", 3, 1, 0x0000, 3 },		/* overlong, three bytes */
		{ "\xE0\x9F\xBF", 3, 1, 0x07FF, 3 },
		{ "\xF0\x8F\xBF\xBF", 4, 1, 0xFFFF, 4 },	/* overlong, four bytes */
		{ "\xED\xA0\x80", 3, 1, 0xD800, 3 },		/* surrogates */
		{ "\xED\xBF\xBF", 3, 1, 0xDFFF, 3 },
		{ "\xF4\x90\x80\x80", 4, 1, 0x110000, 4 },	/* above U+10FFFF */
		{ "\xF5\x80\x80\x80", 4, 1, 0xFFFD, 1 },
		{ "\xFF", 1, 1, 0xFFFD, 1 },
		{ "\xE4\xB8", 2, 2, 0xFFFD, 1 },		/* cut short */
		{ "\xE4\xB8\x41", 3, 2, 0xFFFD, 1 },
		{ "\xF0\x9F\x98", 3, 3, 0xFFFD, 1 },
		{ "\xC3\x28", 2, 1, 0xFFFD, 1 },		/* not a continuation */
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		const struct bad_case *k = &cases[c];
		size_t bad = 0, i = 0;
		ck_assert_uint_eq(portal_utf8_seq_len(k->s, k->n, &bad), 0);
		ck_assert_uint_eq(bad, k->bad);
		ck_assert(!portal_utf8_valid(k->s, k->n));
		ck_assert_uint_eq(portal_utf8_next(k->s, k->n, &i), k->next);
		ck_assert_uint_eq(i, k->step);
	}
	ck_assert(portal_utf8_valid("", 0));
	ck_assert(portal_utf8_valid("a\xE4\xB8\xAD\xF0\x9F\x98\x80", 8));
	ck_assert(!portal_utf8_valid("a\xE4\xB8\xAD\xF0\x9F\x98", 7));
}
END_TEST

START_TEST(utf8_cleans_to_valid_text)
{
	struct buf b = BUF_INIT;
	static const char in[] = "a\xE4\xB8\0b\r\nc\rd\xC0\x80";
	portal_utf8_append_clean(&b, in, sizeof in - 1, 1);
	ck_assert_str_eq(b.data, "a\xEF\xBF\xBD" "b\nc\nd\xEF\xBF\xBD\xEF\xBF\xBD");
	buf_reset(&b);
	portal_utf8_append_clean(&b, "x\r\ny", 4, 0);
	ck_assert_str_eq(b.data, "x\r\ny");
	buf_free(&b);

	buf_puts(&b, "\xE4\xB8\xAD\xE6\x96\x87");
	char *before = b.data;
	portal_utf8_sanitize(&b);
	ck_assert_ptr_eq(b.data, before);	/* valid: left alone */
	buf_reset(&b);
	buf_append(&b, "\xFF\0x\xED\xA0\x80", 6);
	portal_utf8_sanitize(&b);
	ck_assert_uint_eq(b.len, 13);
	ck_assert_mem_eq(b.data, "\xEF\xBF\xBDx\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 13);
	buf_free(&b);
}
END_TEST

START_TEST(utf8_text_cp_replaces_what_text_may_not_hold)
{
	ck_assert_uint_eq(portal_utf8_text_cp(0), 0xFFFD);
	ck_assert_uint_eq(portal_utf8_text_cp(0xD800), 0xFFFD);
	ck_assert_uint_eq(portal_utf8_text_cp(0xDFFF), 0xFFFD);
	ck_assert_uint_eq(portal_utf8_text_cp(0x110000), 0xFFFD);
	ck_assert_uint_eq(portal_utf8_text_cp('\n'), '\n');
	ck_assert_uint_eq(portal_utf8_text_cp(0xD7FF), 0xD7FF);
	ck_assert_uint_eq(portal_utf8_text_cp(0xE000), 0xE000);
	ck_assert_uint_eq(portal_utf8_text_cp(0x10FFFF), 0x10FFFF);
}
END_TEST

START_TEST(utf8_counts_characters)
{
	ck_assert_uint_eq(portal_utf8_count("", 0), 0);
	ck_assert_uint_eq(portal_utf8_count("a\xE4\xB8\xAD\xF0\x9F\x98\x80", 8), 3);
	ck_assert_uint_eq(portal_utf8_count("a\xE4\xB8\xAD", 2), 2);	/* a cut character counts */
	ck_assert_uint_eq(portal_utf8_count_str("\xE6\xB8\x85\xE6\xB4\x81 ok"), 5);
}
END_TEST

START_TEST(utf8_folds_only_what_is_asked)
{
	ck_assert_uint_eq(portal_utf8_fold(0xFF21, UTF8_FOLD_WIDTH), 'A');	/* Ａ */
	ck_assert_uint_eq(portal_utf8_fold(0xFF21, UTF8_FOLD_WIDTH | UTF8_FOLD_CASE), 'a');
	ck_assert_uint_eq(portal_utf8_fold(0xFF01, UTF8_FOLD_WIDTH), '!');
	ck_assert_uint_eq(portal_utf8_fold(0xFF5E, UTF8_FOLD_WIDTH), '~');
	ck_assert_uint_eq(portal_utf8_fold(0xFF5F, UTF8_FOLD_WIDTH), 0xFF5F);
	ck_assert_uint_eq(portal_utf8_fold(0xFF21, UTF8_FOLD_SPACE | UTF8_FOLD_DASH), 0xFF21);
	ck_assert_uint_eq(portal_utf8_fold(0x3000, UTF8_FOLD_SPACE), ' ');
	ck_assert_uint_eq(portal_utf8_fold(0xA0, UTF8_FOLD_SPACE), ' ');
	ck_assert_uint_eq(portal_utf8_fold(0x3000, UTF8_FOLD_WIDTH), 0x3000);
	ck_assert_uint_eq(portal_utf8_fold(0x2002, UTF8_FOLD_SPACE), 0x2002);
	ck_assert_uint_eq(portal_utf8_fold(0x2010, UTF8_FOLD_DASH), '-');
	ck_assert_uint_eq(portal_utf8_fold(0x2015, UTF8_FOLD_DASH), '-');
	ck_assert_uint_eq(portal_utf8_fold(0x2212, UTF8_FOLD_DASH), '-');
	ck_assert_uint_eq(portal_utf8_fold(0x2016, UTF8_FOLD_DASH), 0x2016);
	ck_assert_uint_eq(portal_utf8_fold('Q', UTF8_FOLD_CASE), 'q');
	ck_assert_uint_eq(portal_utf8_fold('Q', UTF8_FOLD_WIDTH), 'Q');
	ck_assert_uint_eq(portal_utf8_fold(0xC0, UTF8_FOLD_CASE), 0xC0);	/* ASCII only */
}
END_TEST

/* What the index holds and the query looks for: full-width digits and
 * letters as ASCII, nothing else touched. */
START_TEST(utf8_fold_alnum_for_search)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "ＧＢ１８４６６—２００５", "GB18466—2005" },
		{ "ｈｔｔｐ：／／ｗｗｗ．ｃｅｓｐ．ｃｎ", "http：／／www．cesp．cn" },	/* punctuation stays */
		{ "清洁生产，审核。", "清洁生产，审核。" },
		{ "０９ＡＺａｚ", "09AZaz" },
		{ "\xEF\xBC\x8F\xEF\xBC\x9A\xEF\xBC\xBB\xEF\xBD\x80\xEF\xBD\x9B", "\xEF\xBC\x8F\xEF\xBC\x9A\xEF\xBC\xBB\xEF\xBD\x80\xEF\xBD\x9B" },	/* ／：［｀｛ */
		{ "\xEF\xBC", "\xEF\xBC" },	/* cut off: left alone */
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b = BUF_INIT;
		portal_utf8_fold_alnum(&b, cases[i].in, strlen(cases[i].in));
		ck_assert_str_eq(buf_str(&b), cases[i].want);
		buf_free(&b);
	}
}
END_TEST

START_TEST(html_escapes_every_special_character)
{
	struct buf b = BUF_INIT;
	html_txt(&b, "<script>alert('x')</script> & \"q\"");
	ck_assert_str_eq(b.data, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	buf_reset(&b);
	html_raw(&b, "<p>");
	html_txtf(&b, "%s<%d>", "清洁", 5);
	html_attr(&b, "\" onload=\"x");
	ck_assert_str_eq(b.data, "<p>清洁&lt;5&gt;&quot; onload=&quot;x");
	ck_assert_uint_eq(html_escaped_len("a&b", 3), 7);
	buf_free(&b);
}
END_TEST

START_TEST(snippet_marks_words_and_bigram_runs)
{
	struct arena *a = arena_new();
	const char *t1[] = { "cod", "清洁", "洁生", "生产" };
	const char *text = "The code\tsays COD: 产生了\n\n清洁生产 cod, x<y & \x01" "end";
	const char *s = snippet_html(a, t1, 4, text, strlen(text), 500);
	/* whole words in any case, never inside a longer word */
	ck_assert_str_eq(s, "The code says <mark>COD</mark>: 产生了 <mark>清洁生产</mark> "
			    "<mark>cod</mark>, x&lt;y &amp; end");
	/* a single character is marked only when the query has it alone */
	const char *t2[] = { "水", "节水" };
	s = snippet_html(a, t2, 2, "中水回用，节水", strlen("中水回用，节水"), 500);
	ck_assert_str_eq(s, "中水回用，<mark>节水</mark>");
	const char *t3[] = { "水" };
	s = snippet_html(a, t3, 1, "中水回用", strlen("中水回用"), 500);
	ck_assert_str_eq(s, "中<mark>水</mark>回用");
	ck_assert_str_eq(snippet_html(a, t3, 1, NULL, 0, 500), "");
	arena_destroy(a);
}
END_TEST

START_TEST(snippet_picks_the_cluster_of_terms)
{
	/* 节能 alone early, 节能 and 降耗 together late: the snippet shows the
	 * place with both, cut from the middle of the text (ellipses). */
	struct arena *a = arena_new();
	struct buf t = BUF_INIT;
	buf_puts(&t, "开头提到节能。");
	for (int i = 0; i < 300; i++)
		buf_puts(&t, "无关的文字。");
	buf_puts(&t, "企业实施节能降耗方案。");
	for (int i = 0; i < 300; i++)
		buf_puts(&t, "结尾的文字。");
	const char *terms[] = { "节能", "降耗" };
	const char *s = snippet_html(a, terms, 2, buf_str(&t), t.len, 120);
	ck_assert_ptr_nonnull(strstr(s, "企业实施<mark>节能降耗</mark>方案"));
	ck_assert_int_eq(strncmp(s, "\xe2\x80\xa6", 3), 0);
	ck_assert_int_eq(strcmp(s + strlen(s) - 3, "\xe2\x80\xa6"), 0);
	ck_assert_uint_le(strlen(s), 120 + 2 * 3 + 13);
	buf_free(&t);
	arena_destroy(a);
}
END_TEST

/* Store a hit whose parts all say `tag`, under id and terms. */
static void keep(struct hit_cache *c, const char *id, const char *const *terms, size_t n, const char *tag)
{
	hit_cache_store(c, id, terms, n, &(struct cached_hit){ .title = tag, .doc_type = NULL,
							     .filename = tag, .snippet = tag });
}

/* The snippet kept under id and terms, or NULL. */
static const char *kept(struct hit_cache *c, const char *id, const char *const *terms, size_t n)
{
	const struct cached_hit *h = hit_cache_find(c, id, terms, n);
	return h ? h->snippet : NULL;
}

START_TEST(hit_cache_keys_by_document_and_terms_and_forgets_by_age_and_epoch)
{
	ck_assert_ptr_null(hit_cache_new(0));
	ck_assert_ptr_null(kept(NULL, "a", NULL, 0));	/* no cache: keeps nothing */
	struct hit_cache *c = hit_cache_new(3);
	hit_cache_follow(c, 7);
	const char *water[] = { "节水" }, *water2[] = { "节", "水" }, *none[] = { NULL };
	keep(c, "d1", water, 1, "d1 节水");
	keep(c, "d1", water2, 2, "d1 节 水");
	keep(c, "d2", water, 1, "d2 节水");
	/* each document and terms apart: a key of id and terms run together
	 * ("d1节水") would mix these up */
	ck_assert_str_eq(kept(c, "d1", water, 1), "d1 节水");
	ck_assert_str_eq(kept(c, "d1", water2, 2), "d1 节 水");
	ck_assert_str_eq(kept(c, "d2", water, 1), "d2 节水");
	ck_assert_ptr_null(kept(c, "d2", none, 0));
	ck_assert_uint_eq(hit_cache_hits(c), 3);
	const struct cached_hit *h = hit_cache_find(c, "d3", water, 1);
	ck_assert_ptr_null(h);
	hit_cache_store(c, "d3", water, 1, &(struct cached_hit){ .title = "标题", .doc_type = "standard",
								 .filename = "f.pdf", .snippet = "<mark>节水</mark>",
								 .edition_status = "superseded", .replaced_by = "GB 1-2005" });
	h = hit_cache_find(c, "d3", water, 1);
	ck_assert_str_eq(h->title, "标题");
	ck_assert_str_eq(h->edition_status, "superseded");
	ck_assert_str_eq(h->replaced_by, "GB 1-2005");
	ck_assert_str_eq(h->doc_type, "standard");
	ck_assert_str_eq(h->filename, "f.pdf");
	/* full at 3: storing d3 pushed out the least recently used, d1 节水 */
	ck_assert_uint_eq(hit_cache_size(c), 3);
	ck_assert_ptr_null(kept(c, "d1", water, 1));
	ck_assert_str_eq(kept(c, "d1", water2, 2), "d1 节 水");
	/* replacing keeps one entry */
	keep(c, "d2", water, 1, "d2 again");
	ck_assert_str_eq(kept(c, "d2", water, 1), "d2 again");
	ck_assert_uint_eq(hit_cache_size(c), 3);
	/* the same epoch keeps everything; another one empties the cache */
	hit_cache_follow(c, 7);
	ck_assert_uint_eq(hit_cache_size(c), 3);
	hit_cache_follow(c, 8);
	ck_assert_uint_eq(hit_cache_size(c), 0);
	ck_assert_ptr_null(kept(c, "d2", water, 1));
	/* many entries through a small table: chains and order stay whole */
	for (int i = 0; i < 1000; i++) {
		char id[16];
		snprintf(id, sizeof id, "x%d", i);
		keep(c, id, water, 1, id);
		ck_assert_str_eq(kept(c, id, water, 1), id);
	}
	ck_assert_uint_eq(hit_cache_size(c), 3);
	ck_assert_str_eq(kept(c, "x997", water, 1), "x997");
	ck_assert_ptr_null(kept(c, "x996", water, 1));
	hit_cache_free(c);
	hit_cache_free(NULL);
}
END_TEST

START_TEST(hit_record_round_trips_and_cuts_the_excerpt)
{
	struct arena *a = arena_new();
	struct buf b = BUF_INIT, text = BUF_INIT;
	hit_record_pack(&b, &(struct hit_record){ .title = "医疗机构水污染物排放标准", .doc_type = "standard",
		.filename = "gb18466.pdf", .edition_status = "current", .details = "{\"size\":1}",
		.excerpt = "正文", .excerpt_len = 6 });
	struct hit_record r;
	ck_assert_int_eq(hit_record_unpack(a, b.data, b.len, &r), 0);
	ck_assert_str_eq(r.details, "{\"size\":1}");
	ck_assert_str_eq(r.title, "医疗机构水污染物排放标准");
	ck_assert_str_eq(r.doc_type, "standard");
	ck_assert_str_eq(r.filename, "gb18466.pdf");
	ck_assert_str_eq(r.edition_status, "current");
	ck_assert_ptr_null(r.replaced_by);	/* empty stays "none" */
	ck_assert_uint_eq(r.excerpt_len, 6);
	ck_assert_str_eq(r.excerpt, "正文");
	/* an id alone (an index written before records) is not a record */
	ck_assert_int_eq(hit_record_unpack(a, "d123", 4, &r), -1);
	ck_assert_int_eq(hit_record_unpack(a, "\001a\0b", 4, &r), -1);	/* cut short */
	/* a record of version 1 (no details) still reads */
	ck_assert_int_eq(hit_record_unpack(a, "\001t\0x\0f\0\0\0text", 13, &r), 0);
	ck_assert_str_eq(r.title, "t");
	ck_assert_ptr_null(r.details);
	ck_assert_str_eq(r.excerpt, "text");
	/* the excerpt keeps HIT_EXCERPT_CHARS whole characters, never half of one */
	for (int i = 0; i < HIT_EXCERPT_CHARS + 10; i++)
		buf_puts(&text, "水");
	buf_reset(&b);
	hit_record_pack(&b, &(struct hit_record){ .excerpt = text.data, .excerpt_len = text.len });
	ck_assert_int_eq(hit_record_unpack(a, b.data, b.len, &r), 0);
	ck_assert_ptr_null(r.title);
	ck_assert_uint_eq(r.excerpt_len, 3 * (size_t)HIT_EXCERPT_CHARS);
	buf_free(&b);
	buf_free(&text);
	arena_destroy(a);
}
END_TEST

/* ---- the job queue (jobs.c) ------------------------------------------- */

static char job_dir[64];

/* A fresh database in a temp directory with documents d...1 and d...2. */
static sqlite3 *jobs_db(void)
{
	char path[128], err[256];
	snprintf(job_dir, sizeof job_dir, "%s", "/tmp/test-jobs.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(job_dir));
	snprintf(path, sizeof path, "%s/portal.db", job_dir);
	sqlite3 *db = portal_db_open(path, err, sizeof err);
	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_int_eq(portal_db_exec(db,
		"INSERT INTO documents (id, sha256, filename, size, visibility, uploaded_at) VALUES"
		" ('d0000000000000000000001', 'a', 'a.txt', 1, 'public', 0),"
		" ('d0000000000000000000002', 'b', 'b.txt', 1, 'public', 0)", err, sizeof err), 0);
	return db;
}

static void jobs_db_close(sqlite3 *db)
{
	char path[160];
	portal_db_close_cached(db);
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
	const char *files[] = { "portal.db", "portal.db-wal", "portal.db-shm" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", job_dir, files[i]);
		unlink(path);
	}
	rmdir(job_dir);
}

#define DOC1 "d0000000000000000000001"
#define DOC2 "d0000000000000000000002"

START_TEST(jobs_enqueue_twice_while_queued_is_one_job)
{
	sqlite3 *db = jobs_db();
	char err[256];
	struct portal_job j;
	ck_assert_int_eq(jobs_enqueue(db, DOC1, err, sizeof err), 0);
	ck_assert_int_eq(jobs_enqueue(db, DOC1, err, sizeof err), 0);
	ck_assert_int_eq(jobs_enqueue(db, "d0000000000000000000009", err, sizeof err), 0);	/* no such document */
	ck_assert_int_eq(jobs_claim(db, &j), 1);
	ck_assert_str_eq(j.doc_id, DOC1);
	ck_assert_int_eq(j.attempts, 1);
	ck_assert_int_eq(jobs_claim(db, &j), 0);
	jobs_db_close(db);
}
END_TEST

/* The rule that makes an access change reach the index: a document
 * enqueued while its job runs (the indexer may have read it before the
 * change) is claimed again once that job is finished. */
START_TEST(jobs_enqueue_while_running_runs_the_document_again)
{
	sqlite3 *db = jobs_db();
	char err[256];
	struct portal_job j, again;
	ck_assert_int_eq(jobs_enqueue(db, DOC1, err, sizeof err), 0);
	ck_assert_int_eq(jobs_claim(db, &j), 1);
	ck_assert_int_eq(jobs_enqueue(db, DOC1, err, sizeof err), 0);	/* changed while running */
	ck_assert_int_eq(jobs_enqueue(db, DOC1, err, sizeof err), 0);	/* and again: still one rerun */
	ck_assert_int_eq(jobs_finish(db, j.id, JOB_DONE), 0);
	ck_assert_int_eq(jobs_claim(db, &again), 1);
	ck_assert_str_eq(again.doc_id, DOC1);
	ck_assert_int_ne(again.id, j.id);
	ck_assert_int_eq(again.attempts, 1);
	ck_assert_int_eq(jobs_claim(db, &j), 0);
	jobs_db_close(db);
}
END_TEST

START_TEST(jobs_queued_after_lists_without_claiming)
{
	sqlite3 *db = jobs_db();
	char err[256];
	struct portal_job j, list[4];
	ck_assert_int_eq(jobs_enqueue(db, DOC1, err, sizeof err), 0);
	ck_assert_int_eq(jobs_enqueue(db, DOC2, err, sizeof err), 0);
	ck_assert_uint_eq(jobs_queued_after(db, 0, 3, list, 4), 2);
	ck_assert_str_eq(list[0].doc_id, DOC1);
	ck_assert_str_eq(list[1].doc_id, DOC2);
	ck_assert_uint_eq(jobs_queued_after(db, list[0].id, 3, list, 4), 1);
	ck_assert_uint_eq(jobs_queued_after(db, 0, 3, list, 1), 1);
	ck_assert_int_eq(jobs_claim(db, &j), 1);
	ck_assert_str_eq(j.doc_id, DOC1);
	ck_assert_uint_eq(jobs_queued_after(db, 0, 3, list, 4), 1);
	jobs_db_close(db);
}
END_TEST

/* After a crash both claimed jobs run again; only the newest (the one in
 * progress) keeps its used attempt, and a job failed stays failed. */
START_TEST(jobs_recover_queues_running_jobs_again)
{
	sqlite3 *db = jobs_db();
	char err[256];
	struct portal_job a, b, c;
	ck_assert_int_eq(jobs_enqueue(db, DOC1, err, sizeof err), 0);
	ck_assert_int_eq(jobs_enqueue(db, DOC2, err, sizeof err), 0);
	ck_assert_int_eq(jobs_claim(db, &a), 1);
	ck_assert_int_eq(jobs_claim(db, &b), 1);
	ck_assert_int_eq(jobs_recover(db, err, sizeof err), 2);
	ck_assert_int_eq(jobs_claim(db, &c), 1);
	ck_assert_int_eq(c.id, a.id);
	ck_assert_int_eq(c.attempts, 1);	/* refunded */
	ck_assert_int_eq(jobs_claim(db, &c), 1);
	ck_assert_int_eq(c.id, b.id);
	ck_assert_int_eq(c.attempts, 2);	/* kept */
	ck_assert_int_eq(jobs_finish(db, c.id, JOB_FAILED), 0);
	ck_assert_int_eq(jobs_recover(db, err, sizeof err), 1);
	ck_assert_int_eq(jobs_claim(db, &c), 1);
	ck_assert_int_eq(c.id, a.id);
	ck_assert_int_eq(jobs_claim(db, &c), 0);
	jobs_db_close(db);
}
END_TEST

/* The indexer claims jobs as their texts arrive, not in id order (a scan
 * queued first is claimed last): after a crash the job claimed last is the
 * one that was in progress and keeps its attempt, whatever its id; the
 * long lane's notes on a queued job are forgotten. */
START_TEST(jobs_recover_charges_the_last_claimed)
{
	sqlite3 *db = jobs_db();
	char err[256];
	struct portal_job first, second, c;
	struct portal_job_progress p;
	ck_assert_int_eq(jobs_enqueue(db, DOC1, err, sizeof err), 0);
	ck_assert_int_eq(jobs_enqueue(db, DOC2, err, sizeof err), 0);
	size_t n = jobs_queued_after(db, 0, 3, (struct portal_job[2]){ 0 }, 2);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(jobs_claim(db, &c), 1);	/* the older one, DOC1's ... */
	long long older = c.id;
	ck_assert_int_eq(jobs_recover(db, err, sizeof err), 1);
	/* ... is a scan: the long lane marks it, and DOC2's text comes first */
	ck_assert_int_eq(jobs_set_long(db, older, 1), 0);
	ck_assert_int_eq(jobs_set_pages(db, older, 3, 10), 0);
	ck_assert_int_eq(jobs_long_of(db, DOC1, &p), 1);
	ck_assert_int_eq(p.running, 1);
	ck_assert_int_eq(p.pages_done, 3);
	ck_assert_int_eq(p.pages_total, 10);
	ck_assert_int_eq(jobs_long_pages(db), 3);
	ck_assert_int_eq(jobs_claim_id(db, older + 1, &second), 1);
	ck_assert_str_eq(second.doc_id, DOC2);
	ck_assert_int_eq(jobs_claim_id(db, older, &first), 1);
	ck_assert_int_eq(jobs_claim_id(db, older, &c), 0);	/* claimed already */
	ck_assert_int_eq(jobs_recover(db, err, sizeof err), 2);
	ck_assert_int_eq(jobs_long_of(db, DOC1, &p), 0);	/* the notes went */
	ck_assert_int_eq(jobs_claim_id(db, second.id, &c), 1);
	ck_assert_int_eq(c.attempts, 1);	/* refunded, though its id is newer */
	ck_assert_int_eq(jobs_claim_id(db, first.id, &c), 1);
	ck_assert_int_eq(c.attempts, first.attempts + 1);	/* kept: claimed last */
	jobs_db_close(db);
}
END_TEST

/* Steps of the SQLite machine the statements of a call took (counted as
 * each statement finishes): rows read show up here, whatever the clock. */
static long long vm_steps;

static int count_steps(unsigned type, void *arg, void *p, void *x)
{
	(void)arg;
	(void)x;
	if (type == SQLITE_TRACE_PROFILE)
		vm_steps += sqlite3_stmt_status(p, SQLITE_STMTSTATUS_VM_STEP, 0);
	return 0;
}

/* The queue's look-ups of one document or of the long lane read a few
 * rows however long the queue is: with 20,000 documents queued (an
 * import), each call takes well under 1,000 steps, where reading the
 * queue would take one or more per queued job. */
START_TEST(jobs_look_ups_read_a_few_rows_of_a_long_queue)
{
	sqlite3 *db = jobs_db();
	char err[256];
	ck_assert_int_eq(portal_db_exec(db,
		"WITH RECURSIVE n(i) AS (SELECT 3 UNION ALL SELECT i + 1 FROM n WHERE i < 20002)"
		" INSERT INTO documents (id, sha256, filename, size, visibility, uploaded_at)"
		" SELECT printf('d%022d', i), printf('%064d', i), 'x.txt', 1, 'public', 0 FROM n;"
		"INSERT INTO jobs (doc_id, created_at, updated_at) SELECT id, 0, 0 FROM documents ORDER BY id",
		err, sizeof err), 0);
	struct portal_job j;
	struct portal_job_progress p[4];
	ck_assert_int_eq(jobs_claim(db, &j), 1);
	ck_assert_int_eq(jobs_finish(db, j.id, JOB_DONE), 0);
	ck_assert_int_eq(jobs_set_long(db, j.id + 5000, 1), 0);
	sqlite3_trace_v2(db, SQLITE_TRACE_PROFILE, count_steps, NULL);
	const char *doc = "d0000000000000000012345";
#define FEW_STEPS(call, want) do { vm_steps = 0; ck_assert_int_eq((call), (want)); \
		ck_assert_msg(vm_steps < 1000, "%s: %lld steps", #call, vm_steps); } while (0)
	FEW_STEPS(jobs_enqueue(db, doc, err, sizeof err), 0);	/* queued already: nothing */
	FEW_STEPS(jobs_enqueue(db, DOC1, err, sizeof err), 0);	/* done: queued again */
	FEW_STEPS(jobs_pending(db, doc), 1);
	FEW_STEPS(jobs_long_of(db, doc, p), 0);
	FEW_STEPS((int)jobs_long_list(db, p, 4), 1);
	FEW_STEPS((int)jobs_long_pages(db), 0);
	FEW_STEPS(jobs_claim(db, &j), 1);
	FEW_STEPS(jobs_set_pages(db, j.id + 4999, 2, 9), 0);
	FEW_STEPS(jobs_long_of(db, "d0000000000000000005001", p), 1);
	ck_assert_int_eq(p[0].pages_done, 2);
#undef FEW_STEPS
	sqlite3_trace_v2(db, 0, NULL, NULL);
	jobs_db_close(db);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, arena_allocates_zeroed_aligned_and_cleans_up);
	tcase_add_test(tc, arena_arrays_grow_and_keep_their_elements);
	tcase_add_test(tc, buf_appends_formats_and_detaches);
	tcase_add_test(tc, url_decode_handles_escapes_and_refuses_bad_ones);
	tcase_add_test(tc, url_query_splits_pairs);
	tcase_add_test(tc, url_hexval_reads_hex_digits_only);
	tcase_add_test(tc, utf8_encode_and_decode_round_trip);
	tcase_add_test(tc, utf8_refuses_bad_sequences);
	tcase_add_test(tc, utf8_cleans_to_valid_text);
	tcase_add_test(tc, utf8_text_cp_replaces_what_text_may_not_hold);
	tcase_add_test(tc, utf8_counts_characters);
	tcase_add_test(tc, utf8_folds_only_what_is_asked);
	tcase_add_test(tc, utf8_fold_alnum_for_search);
	tcase_add_test(tc, html_escapes_every_special_character);
	tcase_add_test(tc, snippet_marks_words_and_bigram_runs);
	tcase_add_test(tc, snippet_picks_the_cluster_of_terms);
	tcase_add_test(tc, hit_cache_keys_by_document_and_terms_and_forgets_by_age_and_epoch);
	tcase_add_test(tc, hit_record_round_trips_and_cuts_the_excerpt);
	tcase_add_test(tc, jobs_enqueue_twice_while_queued_is_one_job);
	tcase_add_test(tc, jobs_enqueue_while_running_runs_the_document_again);
	tcase_add_test(tc, jobs_queued_after_lists_without_claiming);
	tcase_add_test(tc, jobs_recover_queues_running_jobs_again);
	tcase_add_test(tc, jobs_recover_charges_the_last_claimed);
	tcase_add_test(tc, jobs_look_ups_read_a_few_rows_of_a_long_queue);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
