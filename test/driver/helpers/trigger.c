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
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/prctl.h>
#include <sched.h>

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
		} else if (!strcmp(a, "tcp-loop")) {
			/* server socket on 127.0.0.1:0, client connects, server accepts, client sends,
			 * server receives: socket, bind, listen, connect, accept4, sendto, recvfrom */
			int srv = socket(AF_INET, SOCK_STREAM, 0);
			report("socket", srv);
			struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
			sa.sin_addr.s_addr = htonl(0x7f000001);
			report("bind", bind(srv, (struct sockaddr *)&sa, sizeof(sa)));
			report("listen", listen(srv, 7));
			socklen_t sl = sizeof(sa);
			getsockname(srv, (struct sockaddr *)&sa, &sl);
			report("port", ntohs(sa.sin_port));
			int cli = socket(AF_INET, SOCK_STREAM, 0);
			report("socket", cli);
			report("connect", connect(cli, (struct sockaddr *)&sa, sizeof(sa)));
			struct sockaddr_in ca;
			sl = sizeof(ca);
			getsockname(cli, (struct sockaddr *)&ca, &sl);
			report("cport", ntohs(ca.sin_port));
			int acc = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
			report("accept4", acc);
			report("sendto", sendto(cli, "hello kestrel", 13, 0, NULL, 0));
			char buf[64];
			report("recvfrom", recvfrom(acc, buf, sizeof(buf), 0, NULL, NULL));
			close(acc);
			close(cli);
			close(srv);
		} else if (!strcmp(a, "fs")) {
			/* fs DIR: mkdir, mkdirat, symlink, link, rename, renameat2, chmod, fchmodat,
			 * unlink, unlinkat, rmdir */
			const char *d = argv[i++];
			char p1[512], p2[512], p3[512];
			snprintf(p1, sizeof(p1), "%s/sub", d);
			report("mkdir", syscall(SYS_mkdir, p1, 0751));
			int dfd = open(d, O_RDONLY | O_DIRECTORY);
			report("dirfd", dfd);
			report("mkdirat", syscall(SYS_mkdirat, dfd, "sub2", 0700));
			snprintf(p2, sizeof(p2), "%s/file", d);
			close(open(p2, O_CREAT | O_WRONLY, 0644));
			snprintf(p3, sizeof(p3), "%s/sym", d);
			report("symlink", syscall(SYS_symlink, p2, p3));
			snprintf(p3, sizeof(p3), "%s/hard", d);
			report("link", syscall(SYS_link, p2, p3));
			snprintf(p1, sizeof(p1), "%s/moved", d);
			report("rename", syscall(SYS_rename, p3, p1));
			report("renameat2", syscall(SYS_renameat2, dfd, "moved", dfd, "moved2", 1 /* NOREPLACE */));
			report("chmod", syscall(SYS_chmod, p2, 04755));
			report("fchmodat", syscall(SYS_fchmodat, dfd, "file", 0600));
			report("unlink", syscall(SYS_unlink, p2));
			report("unlinkat", syscall(SYS_unlinkat, dfd, "sub2", 0x200));
			snprintf(p1, sizeof(p1), "%s/sub", d);
			report("rmdir", syscall(SYS_rmdir, p1));
		} else if (!strcmp(a, "fork")) {
			pid_t c = syscall(SYS_fork);
			if (c == 0)
				syscall(SYS_exit_group, 7);
			report("fork", c);
			int st;
			waitpid(c, &st, 0);
		} else if (!strcmp(a, "fds")) {
			int p[2];
			report("pipe2", syscall(SYS_pipe2, p, O_CLOEXEC));
			report("fd0", p[0]);
			report("fd1", p[1]);
			report("dup2", syscall(SYS_dup2, p[0], 50));
			report("fcntl", syscall(SYS_fcntl, p[1], 1030 /* F_DUPFD_CLOEXEC */, 60));
			report("eventfd2", syscall(SYS_eventfd2, 5, 0));
		} else if (!strcmp(a, "cred")) {
			report("setsid", syscall(SYS_setsid));
			report("setresuid", syscall(SYS_setresuid, -1, 0, -1));
			report("setgid", syscall(SYS_setgid, 0));
			report("unshare", syscall(SYS_unshare, CLONE_NEWUTS));
			report("prctl", syscall(SYS_prctl, PR_SET_NAME, "kes-renamed"));
			report("memfd", syscall(SYS_memfd_create, "kes", 0));
			report("ptrace", syscall(SYS_ptrace, 0 /* TRACEME */, 0, 0, 0));
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
