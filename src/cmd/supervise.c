/* supervise.c: the master that restarts a daemon's worker (supervise.h). */
#include "supervise.h"
#include "log.h"
#include "sandbox.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MASTER_ENV "PORTAL_SUPERVISOR"	/* in a worker's environment: its master's pid */
#define DELAY_MIN_MS 500
#define DELAY_MAX_MS 30000
#define STEADY_S 30	/* a worker that ran this long died no crash loop */

static volatile sig_atomic_t stopping;
static volatile pid_t worker;	/* the one running, or 0 */

static void on_stop(int sig)
{
	stopping = sig;
	if (worker > 0)
		kill(worker, SIGTERM);
}

/* In a worker (exec'd or only forked): die with the master. 0, or -1 when
 * the master is gone already. */
static int become_worker(pid_t master)
{
	unsetenv(MASTER_ENV);	/* not for the worker's own children */
	return portal_die_with_parent(master);
}

/* Start a worker from program (or, should exec fail, from this process
 * image). The worker's pid in the master; 0 in a worker that could not be
 * exec'd, which goes on as the program; -1 when fork failed. */
static pid_t spawn(const char *program, char **argv)
{
	pid_t master = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		portal_log("fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0)
		return pid;
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	char value[32];
	snprintf(value, sizeof value, "%ld", (long)master);
	if (*program && setenv(MASTER_ENV, value, 1) == 0)
		execv(program, argv);
	portal_log("cannot run %s (%s): the worker runs the master's code", program, strerror(errno));
	if (become_worker(master) < 0)
		_exit(0);
	return 0;
}

/* Sleep ms milliseconds, or less when told to stop. */
static void pause_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	while (!stopping && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Wait for the worker to end; its status, or -1 when it cannot be waited
 * for. SIGTERM reaching the master meanwhile is passed on (on_stop). */
static int wait_worker(pid_t pid)
{
	int status;
	for (;;) {
		pid_t r = waitpid(pid, &status, 0);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

static void log_end(pid_t pid, int status, long long lived_ms)
{
	if (status < 0)
		portal_log("worker %ld lost: %s", (long)pid, strerror(errno));
	else if (WIFSIGNALED(status))
		portal_log("worker %ld killed by signal %d (%s) after %lld s", (long)pid,
			   WTERMSIG(status), strsignal(WTERMSIG(status)), lived_ms / 1000);
	else
		portal_log("worker %ld exited with status %d after %lld s", (long)pid,
			   WEXITSTATUS(status), lived_ms / 1000);
}

void portal_supervise(char **argv)
{
	const char *master = getenv(MASTER_ENV);
	if (master && *master) {	/* a worker, exec'd by its master */
		if (become_worker((pid_t)atol(master)) < 0)
			_exit(0);
		return;
	}
	/* The program file: a worker started after a rebuild runs the new
	 * code (the path, read now, names the new file then). */
	char program[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", program, sizeof program - 1);
	program[n > 0 ? n : 0] = '\0';
	struct sigaction sa = { 0 };
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	long delay = DELAY_MIN_MS;
	while (!stopping) {
		long long born = portal_now_ms();
		pid_t pid = spawn(program, argv);
		if (pid == 0)
			return;
		if (pid > 0) {
			worker = pid;
			if (stopping)	/* the signal came before worker was set */
				kill(pid, SIGTERM);
			portal_log("worker %ld started", (long)pid);
			int status = wait_worker(pid);
			worker = 0;
			long long lived = portal_now_ms() - born;
			log_end(pid, status, lived);
			if (stopping)
				break;
			if (lived >= STEADY_S * 1000LL)
				delay = DELAY_MIN_MS;
		}
		portal_log("starting a new worker in %.1f s", delay / 1000.0);
		pause_ms(delay);
		delay = delay * 2 > DELAY_MAX_MS ? DELAY_MAX_MS : delay * 2;
	}
	portal_log("master stopped");
	exit(0);
}
