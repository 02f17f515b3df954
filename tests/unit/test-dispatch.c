/* test-dispatch.c: unit tests for portal_dispatch() (http-request.c): the
 * page table's preconditions (PAGE_USER, PAGE_STAFF) answer before the
 * handler runs, and a page without them runs for anyone. Requests are made
 * by hand, without FastCGI or a database: GETs and bearer callers never
 * reach the CSRF check's environment or the write gate. */
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "http-request.h"
#include "request.h"

#include "check-run.h"
#include <fcgiapp.h>
#include <stdlib.h>
#include <string.h>

static int handler_runs;
static void handler(struct request *r)
{
	handler_runs++;
	r->status = 200;
}

static const struct page pages[] = {
	{ "GET", "/open", handler, NULL, 0 },
	{ "GET", "/mine", handler, NULL, PAGE_USER },
	{ "POST", "/mine", handler, NULL, PAGE_USER },
	{ "GET", "/staff", handler, NULL, PAGE_STAFF },
	{ "GET", "/api/mine", handler, NULL, PAGE_USER },
	{ "GET", "/api/staff", handler, NULL, PAGE_STAFF },
};

static const struct portal_user enterprise_user = { 7, "ent", "enterprise", "e1", NULL, NULL, NULL };
static const struct portal_user staff_user = { 8, "staff", "staff", NULL, NULL, NULL, NULL };

static FCGX_Request fcgi;
static struct request req;

/* Dispatch method path (query: the raw query string) for user; the
 * request's answer stays in req until the next call. */
static void dispatch(const char *method, const char *path, const char *query, const struct portal_user *user)
{
	if (req.arena) {
		buf_free(&req.headers);
		buf_free(&req.out);
		arena_destroy(req.arena);
	}
	memset(&req, 0, sizeof req);
	memset(&fcgi, 0, sizeof fcgi);
	req.fcgi = &fcgi;
	req.arena = arena_new();
	req.method = method;
	req.path = path;
	req.query = query;
	req.is_api = strncmp(path, "/api/", 5) == 0;
	req.content_length = -1;
	req.user = *user;
	req.via_bearer = user->id != 0;
	handler_runs = 0;
	portal_dispatch(&req, pages, sizeof pages / sizeof pages[0]);
}

static int has_header(const char *line)
{
	return req.headers.data && strstr(buf_str(&req.headers), line) != NULL;
}

START_TEST(a_page_without_flags_runs_for_anyone)
{
	dispatch("GET", "/open", "", &portal_anonymous);
	ck_assert_int_eq(handler_runs, 1);
	ck_assert_int_eq(req.status, 200);
}
END_TEST

START_TEST(page_user_sends_an_anonymous_browser_to_sign_in_and_back)
{
	dispatch("GET", "/mine", "", &portal_anonymous);
	ck_assert_int_eq(handler_runs, 0);
	ck_assert_int_eq(req.status, 303);
	ck_assert(has_header("Location: /login?next=/mine\r\n"));
	dispatch("GET", "/mine", "year=2024&q=a b", &portal_anonymous);
	ck_assert_int_eq(req.status, 303);
	ck_assert(has_header("Location: /login?next=/mine%3Fyear%3D2024%26q%3Da%20b\r\n"));
}
END_TEST

START_TEST(page_user_answers_401_to_an_anonymous_post_and_api_call)
{
	dispatch("POST", "/mine", "", &portal_anonymous);
	ck_assert_int_eq(handler_runs, 0);
	ck_assert_int_eq(req.status, 401);
	ck_assert(has_header("WWW-Authenticate: Bearer\r\n"));
	dispatch("GET", "/api/mine", "", &portal_anonymous);
	ck_assert_int_eq(handler_runs, 0);
	ck_assert_int_eq(req.status, 401);
	ck_assert(strstr(buf_str(&req.out), "\"unauthenticated\"") != NULL);
}
END_TEST

START_TEST(page_user_runs_for_any_signed_in_caller)
{
	dispatch("GET", "/mine", "", &enterprise_user);
	ck_assert_int_eq(handler_runs, 1);
	dispatch("POST", "/mine", "", &enterprise_user);
	ck_assert_int_eq(handler_runs, 1);
	dispatch("GET", "/api/mine", "", &staff_user);
	ck_assert_int_eq(handler_runs, 1);
}
END_TEST

START_TEST(page_staff_refuses_other_roles_403_and_anonymous_as_page_user)
{
	dispatch("GET", "/api/staff", "", &enterprise_user);
	ck_assert_int_eq(handler_runs, 0);
	ck_assert_int_eq(req.status, 403);
	ck_assert(strstr(buf_str(&req.out), "\"forbidden\"") != NULL);
	dispatch("GET", "/staff", "", &enterprise_user);
	ck_assert_int_eq(handler_runs, 0);
	ck_assert_int_eq(req.status, 403);
	dispatch("GET", "/api/staff", "", &portal_anonymous);
	ck_assert_int_eq(req.status, 401);
	dispatch("GET", "/staff", "", &portal_anonymous);
	ck_assert_int_eq(req.status, 303);
	ck_assert(has_header("Location: /login?next=/staff\r\n"));
	dispatch("GET", "/staff", "", &staff_user);
	ck_assert_int_eq(handler_runs, 1);
}
END_TEST

static Suite *dispatch_suite(void)
{
	Suite *s = suite_create("dispatch");
	TCase *tc = tcase_create("preconditions");
	tcase_add_test(tc, a_page_without_flags_runs_for_anyone);
	tcase_add_test(tc, page_user_sends_an_anonymous_browser_to_sign_in_and_back);
	tcase_add_test(tc, page_user_answers_401_to_an_anonymous_post_and_api_call);
	tcase_add_test(tc, page_user_runs_for_any_signed_in_caller);
	tcase_add_test(tc, page_staff_refuses_other_roles_403_and_anonymous_as_page_user);
	suite_add_tcase(s, tc);
	return s;
}

int main(void) { return run_suite(dispatch_suite()); }
