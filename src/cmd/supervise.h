/* supervise.h: keep a daemon running: a small master restarts it whenever
 * it dies.
 *
 * The program calls portal_supervise() first thing in main(). The process
 * that ./portal started (and whose pid it records) becomes the master: it
 * starts the real program as a worker (fork, then exec of the same program
 * file, so a rebuilt program runs its new code after a restart), waits for
 * it, logs how it ended and starts it again, after 0.5 s, then after twice
 * as long for each worker that died within 30 s of its start (at most
 * 30 s), so a worker that cannot start does not spin. SIGTERM or SIGINT to
 * the master is passed on to the worker; the master waits for it and
 * exits. The worker dies with its master (SIGKILL, PR_SET_PDEATHSIG): a
 * master killed outright leaves no orphan, and ./portal up starts both
 * again. The master opens nothing (no database, no index): it has nothing
 * to crash on. */
#ifndef PORTAL_SUPERVISE_H
#define PORTAL_SUPERVISE_H

/* In the master: runs until stopped, then exits the process. Returns only
 * in the worker, which goes on as the program. argv is main()'s. */
void portal_supervise(char **argv);

#endif
