/* session.h: browser sign-in: passwords, session cookies, CSRF tokens.
 *
 * Passwords are hashed with libsodium's crypto_pwhash_str (argon2id). A
 * session is a random 32-byte id sent as the cookie "qp_session" (HttpOnly,
 * SameSite=Lax, Secure behind TLS); only its SHA-256 is stored. Each session
 * has its own CSRF token, which every state-changing form carries as the
 * hidden field "csrf" (ui_csrf_field() writes it). Repeated failed sign-ins
 * for one name or one address are throttled.
 *
 * The sign-in form itself, before any session, carries a token of its own:
 * GET /login sets it as the cookie "qp_login" and writes it into the form,
 * and the POST must send both (a double-submit cookie: another site can
 * make a browser post, but cannot read or set the cookie). A name that does
 * not exist, has no password or is disabled costs as much as a wrong
 * password: the password is checked against a stand-in hash made once per
 * process with the same parameters. */
#ifndef PORTAL_SESSION_H
#define PORTAL_SESSION_H

#include <sqlite3.h>
#include <stddef.h>

struct request;
struct buf;

#define SESSION_COOKIE "qp_session"
#define LOGIN_COOKIE "qp_login"
#define SESSION_HOURS 12

/* Make the stand-in password hash now (a worker does at start), not at the
 * first sign-in of an unknown name. */
void session_init(void);

/* Set a user's password, which ends all their sessions and revokes all
 * their tokens (written to the audit log). -1 with err (unknown user,
 * password shorter than 8 characters). */
int session_set_password(sqlite3 *db, const char *name, const char *password, char *err, size_t errlen);

/* The same, done by actor (a user id; 0: the operator's tool) and written
 * to the audit log as action ("password_change", "password_reset"); the
 * sessions and tokens it ends are logged with that actor too. */
int session_set_password_by(sqlite3 *db, const char *name, const char *password, long long actor,
			    const char *action, char *err, size_t errlen);

/* The argon2id hash of password, as users.password_hash stores it, with
 * the cost every password has; -1 when out of memory. For callers that
 * hash outside their transaction (a batch of new accounts). */
#define SESSION_HASH_LEN 128	/* crypto_pwhash_STRBYTES */
int session_password_hash(const char *password, char out[SESSION_HASH_LEN]);

/* A one-time password for a new or reset account: SESSION_PASSWORD_LEN
 * random characters from an alphabet without look-alikes (0/O, 1/l/I). */
#define SESSION_PASSWORD_LEN 12
void session_password_new(char out[SESSION_PASSWORD_LEN + 1]);

/* Resolve r's session cookie into r->user, r->session_id and r->csrf_token.
 * No cookie or an unknown/expired one leaves r anonymous. */
void session_resolve(struct request *r);

/* Check name and password; on success create a session, set its cookie on
 * the response and fill r->user. Returns 0; -1 with a sentence in err
 * (wrong name or password); -2 when throttled (too many failures). */
int session_login(struct request *r, const char *name, const char *password, char *err, size_t errlen);

/* End r's session (the cookie stops working at once) and clear the cookie. */
void session_logout(struct request *r);

/* The sign-in form's token that r's LOGIN_COOKIE carries, NULL when it
 * carries none (or nothing that looks like one). In r's arena. */
const char *session_login_token(struct request *r);

/* For the sign-in form: that token, or a new one, set as LOGIN_COOKIE
 * (HttpOnly, SameSite=Strict, Path=/login, until the browser closes). */
const char *session_login_token_issue(struct request *r);


#endif
