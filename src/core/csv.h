/* csv.h: one line of a CSV file (RFC 4180 quoting), split in place. */
#ifndef PORTAL_CSV_H
#define PORTAL_CSV_H

/* Split line at commas into out (at most max fields; fields may be
 * "quoted", with "" for a quote inside); line is changed in place. The
 * number of fields, or -1 on a quote left open. */
int portal_csv_split(char *line, char **out, int max);

#endif
