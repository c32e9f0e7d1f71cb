/* Load generator for the live-capture benchmarks.
 *   live-loop getppid N        N getppid() calls (a syscall no rule needs)
 *   live-loop openclose N      N openat(/etc/hostname) + close
 *   live-loop forkexec N       N fork + execve(/bin/true) + wait
 *   live-loop rate R SECONDS   openat+close pairs paced at R pairs/s (2R events/s)
 * getppid and openclose print CPU ns (user + system) per iteration, forkexec wall ns. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static double clock_ns(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}
static double now(void) { return clock_ns(CLOCK_MONOTONIC); }
/* CPU time of this process: on a shared 2-core machine, wall time also counts the time other
 * jobs held the CPU; the syscall loops report CPU time (user + system) instead. */
static double cpu(void) { return clock_ns(CLOCK_PROCESS_CPUTIME_ID); }

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	long n = atol(argv[2]);
	double t0 = now(), c0 = cpu();
	if (!strcmp(argv[1], "getppid")) {
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
	} else if (!strcmp(argv[1], "openclose")) {
		for (long i = 0; i < n; i++)
			close(openat(AT_FDCWD, "/etc/hostname", O_RDONLY));
	} else if (!strcmp(argv[1], "forkexec")) {
		for (long i = 0; i < n; i++) {
			pid_t p = fork();
			if (p == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			waitpid(p, NULL, 0);
		}
	} else if (!strcmp(argv[1], "rate")) {
		double secs = atof(argv[3]);
		double step = 1e9 / (double)n, next = t0, end = t0 + secs * 1e9;
		long done = 0;
		while (now() < end) {
			/* bursts of 100 pairs, then sleep until their time slot */
			for (int k = 0; k < 100; k++)
				close(openat(AT_FDCWD, "/etc/hostname", O_RDONLY));
			done += 100;
			next += 100 * step;
			double d = next - now();
			if (d > 0) {
				struct timespec ts = {.tv_sec = (time_t)(d / 1e9), .tv_nsec = (long)d % 1000000000};
				nanosleep(&ts, NULL);
			}
		}
		printf("%ld\n", done);
		return 0;
	}
	if (strcmp(argv[1], "forkexec"))
		printf("%.1f\n", (cpu() - c0) / n);
	else
		printf("%.1f\n", (now() - t0) / n);
	return 0;
}
