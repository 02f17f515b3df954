/* home.h: the home page (home.c), one per role: what each person does,
 * one click away. cases.fcgi serves it at / (doc/nginx.conf.in). */
#ifndef PORTAL_HOME_H
#define PORTAL_HOME_H

struct request;

void ui_home(struct request *r);		/* GET / */

#endif
