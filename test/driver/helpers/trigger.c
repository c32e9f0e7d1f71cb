/* Syscall trigger for the driver tests: runs the actions given on the command line, in
 * order, and prints one line per action with its raw result, so a test can compare the
 * probe's event parameters with what the syscall really returned.
 *
 *   trigger ACTION ARGS... [ACTION ARGS...]...
 *
 * Numbers are parsed with strtol base 0 (0x.., 0.. octal). "last" means the last returned fd. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

static long last = -1;

static long num(const char *s)
{
	if (!strcmp(s, "last"))
		return last;
	if (!strcmp(s, "cwd"))
		return AT_FDCWD;
	return strtol(s, NULL, 0);
}

static void report(const char *what, long r)
{
	if (r < 0)
		r = -errno;
	printf("%s %ld\n", what, r);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int i = 1;
	while (i < argc) {
		const char *a = argv[i++];
		if (!strcmp(a, "openat")) {
			long dirfd = num(argv[i]);
			long r = syscall(SYS_openat, (int)dirfd, argv[i + 1], (int)num(argv[i + 2]), (int)num(argv[i + 3]));
			i += 4;
			if (r >= 0)
				last = r;
			report("openat", r);
		} else if (!strcmp(a, "open")) {
			long r = syscall(SYS_open, argv[i], (int)num(argv[i + 1]), (int)num(argv[i + 2]));
			i += 3;
			if (r >= 0)
				last = r;
			report("open", r);
		} else if (!strcmp(a, "close")) {
			long r = syscall(SYS_close, (int)num(argv[i++]));
			report("close", r);
		} else if (!strcmp(a, "exit")) {
			fflush(stdout);
			syscall(SYS_exit_group, (int)num(argv[i]));
		} else {
			fprintf(stderr, "trigger: unknown action %s\n", a);
			return 100;
		}
	}
	return 0;
}
