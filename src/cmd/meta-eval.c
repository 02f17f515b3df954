/* meta-eval.c: the metadata found in each labelled document's text,
 * compared with its labels (meta-eval.h). */
#include "meta-eval.h"
#include "industry.h"
#include "log.h"
#include "meta.h"
#include "normalize.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* s without blank space and punctuation (ASCII or full-width), for comparing
 * titles; caller frees. */
static char *letters_only(const char *s)
{
	struct buf b = BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
		int keep = n == 1 ? ((*p >= '0' && *p <= '9') || ((*p | 32) >= 'a' && (*p | 32) <= 'z'))
				  : n == 3 && !(p[0] == 0xE3 && p[1] == 0x80) && !(p[0] == 0xEF && p[1] >= 0xBC) &&
				    !(p[0] == 0xE2 && p[1] == 0x80);
		if (keep)
			buf_append(&b, p, n);
		for (size_t k = 0; k < n && *p; k++)
			p++;
	}
	return buf_detach(&b);
}

static int json_has(json_t *arr, const char *want, int first_only)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		if (strcmp(json_string_value(v), want) == 0)
			return 1;
		if (first_only)
			return 0;
	}
	return 0;
}

struct tally {
	const char *name;
	size_t right, wrong, missing, extra, n;
};

static void tally_print(const struct tally *t)
{
	printf("  %-34s %3zu/%-3zu right", t->name, t->right, t->n);
	if (t->wrong)
		printf(", %zu wrong", t->wrong);
	if (t->missing)
		printf(", %zu not found", t->missing);
	if (t->extra)
		printf(", %zu given where the label has none", t->extra);
	printf("\n");
}

/* One single-valued field: label (may be "") against found (may be NULL). */
static void tally_one(struct tally *t, const char *label, const char *found, const struct doc *d,
		      struct buf *notes)
{
	if (!*label) {
		t->extra += found != NULL;
		if (found)
			buf_printf(notes, "    %s: %s given, label has none  %s\n", t->name, found, d->file);
		return;
	}
	t->n++;
	if (!found) {
		t->missing++;
		buf_printf(notes, "    %s: not found (label %s)  %s\n", t->name, label, d->file);
	} else if (strcmp(label, found) == 0) {
		t->right++;
	} else {
		t->wrong++;
		buf_printf(notes, "    %s: %s, label %s  %s\n", t->name, found, label, d->file);
	}
}

/* Every figure meta_eval reports, with the differences it lists. */
struct meta_tallies {
	struct tally title, rtitle, year, credit, credit1, ent, ent1, sector, rsector, industry,
		stdno, stdno1, syear;
	struct buf notes;
};

/* The title found in m against d's label, letters only. */
static void tally_title(struct meta_tallies *k, const struct doc *d, json_t *m)
{
	const char *t = json_string_value(json_object_get(m, "title"));
	/* real standards' labels end in their number: "…标准（GB 3838—2002）" */
	char *label = xstrdup(d->title), *paren = strstr(label, "（");
	if (paren && strstr(d->note, "standard number") && paren != label)
		*paren = '\0';
	char *a = letters_only(label), *b = letters_only(t ? t : "");
	free(label);
	tally_one(d->corpus == PROG ? &k->title : &k->rtitle, a, t ? b : NULL, d, &k->notes);
	free(a);
	free(b);
}

/* A programme sample's year, sector, industry, credit code and enterprise. */
static void tally_programme(struct meta_tallies *k, const struct doc *d, json_t *m)
{
	tally_one(&k->year, d->year, json_string_value(json_object_get(m, "year")), d, &k->notes);
	tally_one(&k->sector, d->sector, json_string_value(json_object_get(m, "sector")), d, &k->notes);
	/* the labels write the industry as documents do (医疗卫生): compared
	 * by canonical name, as the index keeps it */
	if (!strstr(d->industry, "、"))
		tally_one(&k->industry, portal_industry_fold(d->industry),
			  json_string_value(json_object_get(m, "industry")), d, &k->notes);
	if (*d->credit_code) {
		json_t *c = json_object_get(m, "credit_code");
		k->credit.n++;
		k->credit1.n++;
		k->credit.right += c && json_has(c, d->credit_code, 0);
		k->credit1.right += c && json_has(c, d->credit_code, 1);
	}
	if (*d->enterprise) {
		json_t *e = json_object_get(m, "enterprise");
		k->ent.n++;
		k->ent1.n++;
		k->ent.right += e && json_has(e, d->enterprise, 0);
		if (e && json_has(e, d->enterprise, 1))
			k->ent1.right++;
		else
			buf_printf(&k->notes, "    enterprise: first %s, label %s  %s\n",
				   e ? json_string_value(json_array_get(e, 0)) : "(none)", d->enterprise, d->file);
	}
}

/* A real document's sector; a standard's own number and its year. */
static void tally_real(struct meta_tallies *k, const struct doc *d, json_t *m)
{
	tally_one(&k->rsector, d->sector, json_string_value(json_object_get(m, "sector")), d, &k->notes);
	const char *own = strstr(d->note, "standard number ");
	char canon[PORTAL_IDENT_MAX];
	if (!own || portal_norm_standard(own + 16, strlen(own + 16), canon, sizeof canon, NULL, 0) != 0)
		return;
	json_t *sn = json_object_get(m, "standard_no");
	k->stdno.n++;
	k->stdno1.n++;
	k->stdno.right += sn && json_has(sn, canon, 0);
	if (sn && json_has(sn, canon, 1))
		k->stdno1.right++;
	else
		buf_printf(&k->notes, "    standard_no: first %s, own %s  %s\n",
			   sn ? json_string_value(json_array_get(sn, 0)) : "(none)", canon, d->file);
	const char *y = json_string_value(json_object_get(m, "year"));
	const char *dash = strrchr(canon, '-');
	tally_one(&k->syear, dash ? dash + 1 : "", y, d, &k->notes);
}

void meta_eval(const struct corpus_set *set)
{
	struct meta_tallies k = {
		.title = { "title (programme, letters compared)", 0, 0, 0, 0, 0 },
		.rtitle = { "title (real, letters compared)", 0, 0, 0, 0, 0 },
		.year = { "year (programme)", 0, 0, 0, 0, 0 },
		.credit = { "credit_code has the label's", 0, 0, 0, 0, 0 },
		.credit1 = { "credit_code, first is the label's", 0, 0, 0, 0, 0 },
		.ent = { "enterprise has the label's", 0, 0, 0, 0, 0 },
		.ent1 = { "enterprise, first is the label's", 0, 0, 0, 0, 0 },
		.sector = { "sector (programme)", 0, 0, 0, 0, 0 },
		.rsector = { "sector (real)", 0, 0, 0, 0, 0 },
		.industry = { "industry (programme)", 0, 0, 0, 0, 0 },
		.stdno = { "standard_no has its own number", 0, 0, 0, 0, 0 },
		.stdno1 = { "standard_no, first is its own", 0, 0, 0, 0, 0 },
		.syear = { "year of a standard = its number's", 0, 0, 0, 0, 0 },
		.notes = BUF_INIT,
	};
	double t0 = now_s();

	for (size_t i = 0; i < set->n; i++) {
		const struct doc *d = &set->docs[i];
		if (d->error)
			continue;
		json_t *m = portal_meta_extract(NULL, d->text.data, d->text.len);
		tally_title(&k, d, m);
		if (d->corpus == PROG)
			tally_programme(&k, d, m);
		else
			tally_real(&k, d, m);
		json_decref(m);
	}
	printf("\nmetadata from the text alone (no title given), against the labels (%.2f s):\n",
	       now_s() - t0);
	const struct tally *all[] = { &k.title, &k.rtitle, &k.year, &k.syear, &k.credit, &k.credit1,
				      &k.ent, &k.ent1, &k.sector, &k.industry, &k.rsector, &k.stdno,
				      &k.stdno1 };
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		tally_print(all[i]);
	printf("  differences:\n%s", buf_str(&k.notes));
	buf_free(&k.notes);
}
