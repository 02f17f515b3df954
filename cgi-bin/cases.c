/* cases.c: cases.fcgi, the programme's records: placeholder, being written. */
#include "fcgi-master.h"
#include "http-request.h"

static const struct page pages[] = {
	{ "GET", "/api/enterprises", NULL, NULL },
};

int main(void)
{
	static const struct fcgi_program prog = { "cases.fcgi", pages, 0, NULL };
	return portal_fcgi_main(&prog);
}
