/* Syscall rounds for the detach tests: for each line N read from stdin, creates DIR/rN with
 * mkdirat and removes it with unlinkat (AT_REMOVEDIR), then prints "done N". The test knows
 * both syscalls have returned (their exit records are in the probe's rings) when it reads the
 * line, and tells rounds apart by the path. Exits at end of input.
 *
 *   rounds DIR */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: rounds DIR\n");
		return 2;
	}
	char line[64], path[4096];
	while (fgets(line, sizeof(line), stdin)) {
		long n = strtol(line, NULL, 10);
		snprintf(path, sizeof(path), "%s/r%ld", argv[1], n);
		/* raw syscalls: libc may pick mkdir/rmdir for the at-less wrappers */
		long a = syscall(SYS_mkdirat, AT_FDCWD, path, 0700);
		long b = syscall(SYS_unlinkat, AT_FDCWD, path, AT_REMOVEDIR);
		printf("done %ld %ld %ld\n", n, a, b);
		fflush(stdout);
	}
	return 0;
}
