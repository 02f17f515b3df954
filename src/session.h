/* session.h: browser sign-in: passwords, session cookies, CSRF tokens.
 *
 * Passwords are hashed with libsodium's crypto_pwhash_str (argon2id). A
 * session is a random 32-byte id sent as the cookie "qp_session" (HttpOnly,
 * SameSite=Lax, Secure behind TLS); only its SHA-256 is stored. Each session
 * has its own CSRF token, which every state-changing form carries as the
 * hidden field "csrf" (ui_csrf_field() writes it). Repeated failed sign-ins
 * for one name or one address are throttled. */
#ifndef PORTAL_SESSION_H
#define PORTAL_SESSION_H

#include <sqlite3.h>
#include <stddef.h>

struct request;
struct buf;

#define SESSION_COOKIE "qp_session"
#define SESSION_HOURS 12

/* Set a user's password. -1 with err (unknown user, password shorter than
 * 8 characters). */
int session_set_password(sqlite3 *db, const char *name, const char *password, char *err, size_t errlen);

/* Resolve r's session cookie into r->user, r->session_id and r->csrf_token.
 * No cookie or an unknown/expired one leaves r anonymous. */
void session_resolve(struct request *r);

/* Check name and password; on success create a session, set its cookie on
 * the response and fill r->user. Returns 0; -1 with a sentence in err
 * (wrong name or password); -2 when throttled (too many failures). */
int session_login(struct request *r, const char *name, const char *password, char *err, size_t errlen);

/* End r's session (the cookie stops working at once) and clear the cookie. */
void session_logout(struct request *r);

/* <input type="hidden" name="csrf" value="..."> for r's session (nothing
 * without a session). */
void ui_csrf_field(struct request *r, struct buf *b);

#endif
