/*
 * hello-fcgi.c: the benchmark's ceiling, a FastCGI responder that does
 * nothing but answer "hello" (fcgi2's libfcgi, the library the portal uses).
 *
 *   hello-fcgi SOCKET [WORKERS]
 *
 * Opens the unix socket SOCKET (mode 0666), forks WORKERS processes (default
 * 2, like PORTAL_WORKERS) that each accept and answer requests, and waits.
 * SIGTERM to the parent ends the workers too. Build:
 *
 *   gcc -O2 -o hello-fcgi bench/hello-fcgi.c -lfcgi
 */
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t kids[64];
static int nkids;

static void on_term(int sig)
{
	for (int i = 0; i < nkids; i++)
		kill(kids[i], SIGTERM);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void serve(int sock)
{
	FCGX_Request req;
	if (FCGX_InitRequest(&req, sock, 0) != 0)
		_exit(1);
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_PutS("Status: 200 OK\r\n"
			  "Content-Type: text/plain; charset=utf-8\r\n"
			  "\r\n"
			  "hello\n", req.out);
		FCGX_Finish_r(&req);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: hello-fcgi SOCKET [WORKERS]\n");
		return 2;
	}
	int workers = argc == 3 ? atoi(argv[2]) : 2;
	if (workers < 1 || workers > 64) {
		fprintf(stderr, "hello-fcgi: WORKERS must be 1..64\n");
		return 2;
	}
	unlink(argv[1]);
	if (FCGX_Init() != 0) {
		fprintf(stderr, "hello-fcgi: FCGX_Init failed\n");
		return 1;
	}
	int sock = FCGX_OpenSocket(argv[1], 128);
	if (sock < 0) {
		fprintf(stderr, "hello-fcgi: cannot open %s\n", argv[1]);
		return 1;
	}
	chmod(argv[1], 0666);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	for (int i = 0; i < workers; i++) {
		pid_t p = fork();
		if (p < 0) {
			perror("hello-fcgi: fork");
			on_term(SIGTERM);
		}
		if (p == 0) {
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			serve(sock);
		}
		kids[nkids++] = p;
	}
	while (wait(NULL) > 0)
		;
	return 0;
}
