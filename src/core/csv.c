/* csv.c: one line of a CSV file (csv.h). */
#include "csv.h"

int portal_csv_split(char *line, char **out, int max)
{
	int n = 0;
	char *p = line;
	while (n < max) {
		char *w = p;
		out[n++] = w;
		if (*p == '"') {
			p++;
			for (;;) {
				if (!*p)
					return -1;
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else
					*w++ = *p++;
			}
		} else
			while (*p && *p != ',')
				*w++ = *p++;
		int end = *p != ',';
		if (*p)
			p++;
		*w = '\0';
		if (end)
			break;
	}
	return n;
}
