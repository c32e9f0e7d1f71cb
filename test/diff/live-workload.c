/* Workload for the live differential test (live-capture.test.ts): a varied, deterministic
 * mix of syscalls from one process tree, so that a live capture of it exercises most of the
 * state (files, sockets of every family, pipes, dup family, cwd, credentials, exec, fork tree).
 *
 *   live-workload DIR    waits for a line on stdin ("go"), then runs everything in DIR
 *
 * The process is started before the capture (it is in the /proc snapshot, not seen by clone)
 * and waits, so the test can also check what the snapshot says about a running process.
 * Every child is waited for; the exit code is 0 when every step did what it should. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

static int failures = 0;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "live-workload: %s failed: %s\n", what, strerror(errno));
		failures++;
	}
}

static void wait_all(void)
{
	int st;
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failures++;
}

static void files(const char *dir)
{
	char path[4096];
	check(chdir(dir) == 0, "chdir");
	check(mkdir("sub", 0755) == 0, "mkdir");
	int d = open("sub", O_RDONLY | O_DIRECTORY);
	check(d >= 0, "open dir");
	int f = openat(d, "a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	check(f >= 0, "openat create");
	check(write(f, "hello live\n", 11) == 11, "write");
	check(pwrite(f, "HELLO", 5, 0) == 5, "pwrite");
	close(f);
	f = open("sub/a.txt", O_RDONLY);
	check(f >= 0, "open read");
	char buf[64];
	check(read(f, buf, sizeof(buf)) == 11, "read");
	check(pread(f, buf, 4, 2) == 4, "pread");
	int g = dup(f);
	check(g >= 0, "dup");
	check(dup2(f, 40) == 40, "dup2");
	check(dup3(f, 41, O_CLOEXEC) == 41, "dup3");
	int h = fcntl(f, F_DUPFD, 50);
	check(h >= 50, "fcntl F_DUPFD");
	int k = fcntl(f, F_DUPFD_CLOEXEC, 60);
	check(k >= 60, "fcntl F_DUPFD_CLOEXEC");
	check(fcntl(f, F_SETFD, FD_CLOEXEC) == 0, "fcntl F_SETFD");
	close(g); close(40); close(41); close(h); close(k); close(f);
	check(renameat(d, "a.txt", d, "b.txt") == 0, "renameat");
	check(rename("sub/b.txt", "c.txt") == 0, "rename");
	check(link("c.txt", "d.txt") == 0, "link");
	check(symlink("c.txt", "e.lnk") == 0, "symlink");
	check(chmod("c.txt", 0600) == 0, "chmod");
	check(unlink("d.txt") == 0, "unlink");
	check(unlinkat(AT_FDCWD, "e.lnk", 0) == 0, "unlinkat");
	/* failures on purpose: ENOENT and EEXIST */
	check(open("no/such/file", O_RDONLY) < 0, "open missing");
	check(mkdir("sub", 0755) < 0, "mkdir existing");
	/* a relative open after fchdir resolves against the new cwd */
	check(fchdir(d) == 0, "fchdir");
	f = creat("made-by-creat", 0644);
	check(f >= 0, "creat");
	close(f);
	check(chdir("..") == 0, "chdir ..");
	close(d);
	check(rmdir("sub") < 0, "rmdir non-empty");
	snprintf(path, sizeof(path), "%s/sub/made-by-creat", dir);
	check(unlink(path) == 0, "unlink absolute");
	check(rmdir("sub") == 0, "rmdir");
}

static void pipes(void)
{
	int p[2];
	check(pipe(p) == 0, "pipe");
	check(write(p[1], "through a pipe", 14) == 14, "pipe write");
	char buf[32];
	check(read(p[0], buf, sizeof(buf)) == 14, "pipe read");
	close(p[0]); close(p[1]);
	check(pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0, "pipe2");
	check(read(p[0], buf, sizeof(buf)) < 0, "empty pipe read (EAGAIN)");
	close(p[0]); close(p[1]);
	int e = eventfd(3, EFD_CLOEXEC);
	check(e >= 0, "eventfd");
	uint64_t v;
	check(read(e, &v, sizeof(v)) == 8, "eventfd read");
	close(e);
}

static void tcp(int family)
{
	int s = socket(family, SOCK_STREAM, 0);
	check(s >= 0, "tcp socket");
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_storage ss;
	socklen_t len;
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		len = sizeof(*a);
	}
	check(bind(s, (struct sockaddr *)&ss, len) == 0, "tcp bind");
	check(listen(s, 4) == 0, "listen");
	check(getsockname(s, (struct sockaddr *)&ss, &len) == 0, "getsockname");
	pid_t c = fork();
	if (c == 0) {
		close(s);
		int cs = socket(family, SOCK_STREAM, 0);
		if (connect(cs, (struct sockaddr *)&ss, len) != 0) _exit(2);
		if (write(cs, "ping", 4) != 4) _exit(3);
		char b[8];
		if (read(cs, b, sizeof(b)) != 4) _exit(4);
		if (sendto(cs, "bye", 3, 0, NULL, 0) != 3) _exit(5);
		shutdown(cs, SHUT_WR);
		close(cs);
		_exit(0);
	}
	int a = accept4(s, NULL, NULL, SOCK_CLOEXEC);
	check(a >= 0, "accept4");
	char b[8];
	check(read(a, b, 4) == 4, "server read");
	check(write(a, "pong", 4) == 4, "server write");
	check(recvfrom(a, b, 3, MSG_WAITALL, NULL, NULL) == 3, "server recvfrom");
	close(a);
	close(s);
	wait_all();
}

static void udp(void)
{
	int r = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	check(bind(r, (struct sockaddr *)&a, len) == 0, "udp bind");
	check(getsockname(r, (struct sockaddr *)&a, &len) == 0, "udp getsockname");
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	check(sendto(s, "datagram", 8, 0, (struct sockaddr *)&a, len) == 8, "udp sendto");
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	char b[16];
	check(recvfrom(r, b, sizeof(b), 0, (struct sockaddr *)&from, &fl) == 8, "udp recvfrom");
	check(connect(s, (struct sockaddr *)&a, len) == 0, "udp connect");
	check(send(s, "again", 5, 0) == 5, "udp send");
	struct iovec iov = { b, sizeof(b) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	check(recvmsg(r, &m, 0) == 5, "udp recvmsg");
	iov.iov_base = "msg";
	iov.iov_len = 3;
	check(sendmsg(s, &m, 0) == 3, "udp sendmsg");
	check(read(r, b, sizeof(b)) == 3, "udp read");
	close(s);
	close(r);
}

static void unix_sockets(const char *dir)
{
	int sv[2];
	check(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	check(write(sv[0], "x", 1) == 1, "socketpair write");
	char b[8];
	check(read(sv[1], b, 1) == 1, "socketpair read");
	close(sv[0]); close(sv[1]);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/live.sock", dir);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	check(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0, "unix bind");
	check(listen(s, 2) == 0, "unix listen");
	pid_t c = fork();
	if (c == 0) {
		int cs = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(cs, (struct sockaddr *)&a, sizeof(a)) != 0) _exit(2);
		if (write(cs, "unix!", 5) != 5) _exit(3);
		close(cs);
		_exit(0);
	}
	int x = accept(s, NULL, NULL);
	check(x >= 0, "unix accept");
	check(read(x, b, 5) == 5, "unix read");
	close(x);
	close(s);
	wait_all();
	unlink(a.sun_path);
}

static void *thread_main(void *arg)
{
	/* threads share the fd table: an fd opened here is the process's */
	int f = open("/etc/hostname", O_RDONLY);
	char b[64];
	if (f >= 0) {
		if (read(f, b, sizeof(b)) < 0)
			failures++;
		close(f);
	} else {
		failures++;
	}
	return arg;
}

static void threads(void)
{
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		check(pthread_create(&t[i], NULL, thread_main, NULL) == 0, "pthread_create");
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
}

/* vfork + exec, execveat on an O_PATH fd, and a program run from a memfd (fexecve) */
static void other_execs(void)
{
	char *argv[] = { "true", NULL };
	char *envp[] = { "LIVE_DIFF=other", NULL };
	pid_t c = vfork();
	if (c == 0) {
		execve("/bin/true", argv, envp);
		_exit(127);
	}
	wait_all();
	c = fork();
	if (c == 0) {
		int f = open("/bin/true", O_PATH | O_CLOEXEC);
		syscall(SYS_execveat, f, "", argv, envp, AT_EMPTY_PATH);
		_exit(127);
	}
	wait_all();
	c = fork();
	if (c == 0) {
		int m = memfd_create("live-true", MFD_CLOEXEC);
		int src = open("/bin/true", O_RDONLY);
		char b[65536];
		ssize_t n;
		while ((n = read(src, b, sizeof(b))) > 0)
			if (write(m, b, n) != n)
				_exit(3);
		close(src);
		fexecve(m, argv, envp);
		_exit(127);
	}
	wait_all();
}

static void exec_child(const char *path, char *const argv[], char *const envp[])
{
	pid_t c = fork();
	if (c == 0) {
		execve(path, argv, envp);
		_exit(127);
	}
	/* the program's own exit code is not the workload's business (cat fails on purpose) */
	int st;
	check(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) != 127, "exec");
}

/* A fork tree DEPTH levels deep; the deepest one runs a shell pipeline. */
static void tree(int depth, const char *dir)
{
	if (depth == 0) {
		char cmd[4200];
		snprintf(cmd, sizeof(cmd), "echo deep > %s/deep.txt && cat %s/deep.txt | wc -c > /dev/null", dir, dir);
		char *argv[] = { "sh", "-c", cmd, NULL };
		char *envp[] = { "LIVE_DIFF=deep", "PATH=/usr/bin:/bin", NULL };
		execve("/bin/sh", argv, envp);
		_exit(127);
	}
	pid_t c = fork();
	if (c == 0) {
		tree(depth - 1, dir);
		_exit(failures ? 1 : 0);
	}
	check(c > 0, "fork");
	wait_all();
}

static void creds(const char *dir)
{
	pid_t c = fork();
	if (c == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0) _exit(2);
		/* as nobody: the test dir is root's 0700 dir, so this fails with EACCES */
		char p[4200];
		snprintf(p, sizeof(p), "%s/nobody.txt", dir);
		if (open(p, O_CREAT | O_WRONLY, 0644) >= 0) _exit(3);
		int f = open("/etc/hostname", O_RDONLY);
		if (f < 0) _exit(4);
		close(f);
		_exit(0);
	}
	wait_all();
	c = fork();
	if (c == 0) {
		if (setsid() < 0) _exit(2);
		if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0) _exit(3);
		_exit(kill(getppid(), 0) == 0 ? 4 : 0); /* EPERM: nobody cannot signal root */
	}
	wait_all();
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: live-workload DIR\n");
		return 2;
	}
	const char *dir = argv[1];
	char line[16];
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 2;
	files(dir);
	pipes();
	tcp(AF_INET);
	tcp(AF_INET6);
	udp();
	unix_sockets(dir);
	{
		char *a[] = { "ls", "-la", (char *)dir, NULL };
		char *e[] = { "LIVE_DIFF=ls", "LANG=C", NULL };
		exec_child("/bin/ls", a, e);
		char *b[] = { "cat", "/etc/hostname", "/no/such/file", NULL };
		exec_child("/bin/cat", b, e);
	}
	tree(4, dir);
	threads();
	other_execs();
	creds(dir);
	printf("done %d\n", failures);
	fflush(stdout);
	return failures ? 1 : 0;
}
