/* Multi-process event generator for the live-capture rate benchmark (issue 3, (d)).
 *
 *   live-gen MODE NPROC EVENTS RATE
 *
 * Forks NPROC children that together make EVENTS captured syscalls (one event each), paced at
 * RATE events/s in total (0 = as fast as they can). MODE picks the syscall:
 *   close   close(-1): EBADF, the cheapest syscall kestrel captures (state needs close)
 *   open    openat(AT_FDCWD, "/nonexistent/...", O_RDONLY): ENOENT, a path-carrying event
 * The children start together (a pipe is the start gun) and pace themselves in bursts of 64:
 * after each burst a child sleeps until its schedule says the next burst is due, so a slow
 * consumer never slows the generator (events are lost in the kernel and counted, not
 * throttled). Prints "EVENTS SECONDS RATE" (achieved, wall clock from start to the last exit)
 * and, on stderr, the children's CPU time. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define BURST 64

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static void child(int open_mode, long events, double rate, int gun)
{
	char c;
	if (read(gun, &c, 1) < 0) /* blocks until the parent closes the write end */
		_exit(3);
	double step = rate > 0 ? 1e9 / rate : 0, t0 = now();
	long done = 0;
	while (done < events) {
		long k = events - done < BURST ? events - done : BURST;
		if (open_mode) {
			for (long i = 0; i < k; i++)
				syscall(SYS_openat, AT_FDCWD, "/nonexistent/kestrel-bench", O_RDONLY);
		} else {
			for (long i = 0; i < k; i++)
				syscall(SYS_close, -1);
		}
		done += k;
		if (step > 0) {
			double d = t0 + done * step - now();
			if (d > 0) {
				struct timespec ts = {.tv_sec = (time_t)(d / 1e9), .tv_nsec = (long)d % 1000000000};
				nanosleep(&ts, NULL);
			}
		}
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: live-gen close|open NPROC EVENTS RATE\n");
		return 2;
	}
	int open_mode = !strcmp(argv[1], "open");
	if (!open_mode && strcmp(argv[1], "close")) {
		fprintf(stderr, "live-gen: MODE must be close or open\n");
		return 2;
	}
	int nproc = atoi(argv[2]);
	long events = atol(argv[3]);
	double rate = atof(argv[4]);
	if (nproc < 1 || nproc > 256 || events < 1 || rate < 0) {
		fprintf(stderr, "live-gen: bad arguments\n");
		return 2;
	}
	int gun[2];
	if (pipe(gun))
		return 1;
	pid_t *pids = calloc(nproc, sizeof(*pids));
	for (int i = 0; i < nproc; i++) {
		long share = events / nproc + (i < events % nproc);
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fork");
			return 1;
		}
		if (pids[i] == 0) {
			close(gun[1]);
			child(open_mode, share, rate / nproc, gun[0]);
		}
	}
	close(gun[0]);
	double t0 = now();
	close(gun[1]);
	int failed = 0;
	for (int i = 0; i < nproc; i++) {
		int st;
		if (waitpid(pids[i], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			failed++;
	}
	double secs = (now() - t0) / 1e9;
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	fprintf(stderr, "live-gen: children CPU %.2f s user + %.2f s sys\n", ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
		ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	printf("%ld %.3f %.0f\n", events, secs, events / secs);
	return failed ? 1 : 0;
}
