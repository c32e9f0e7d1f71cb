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
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/mount.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/inotify.h>
#include <signal.h>
#include <pthread.h>
#include <linux/sched.h>
#include <linux/bpf.h>
#include <linux/capability.h>

static void *thread_fn(void *arg) { return arg; }

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
		} else if (!strcmp(a, "more-fs")) {
			/* more-fs DIR: creat, openat2, chdir, fchdir, symlinkat, linkat, renameat,
			 * fchmod, chroot (to /), mount tmpfs + umount2 */
			const char *d = argv[i++];
			char p1[512];
			snprintf(p1, sizeof(p1), "%s/c.txt", d);
			long fd = syscall(SYS_creat, p1, 0640);
			report("creat", fd);
			report("fchmod", syscall(SYS_fchmod, (int)fd, 0604));
			struct { unsigned long long flags, mode, resolve; } how = {O_RDONLY | O_CLOEXEC, 0, 0x04 /* RESOLVE_NO_SYMLINKS */};
			report("openat2", syscall(SYS_openat2, AT_FDCWD, p1, &how, sizeof(how)));
			report("chdir", syscall(SYS_chdir, d));
			int dfd = open(".", O_RDONLY | O_DIRECTORY);
			report("dirfd", dfd);
			report("fchdir", syscall(SYS_fchdir, dfd));
			report("symlinkat", syscall(SYS_symlinkat, "c.txt", dfd, "s.lnk"));
			report("linkat", syscall(SYS_linkat, dfd, "c.txt", dfd, "h.lnk", 0));
			report("renameat", syscall(SYS_renameat, dfd, "h.lnk", dfd, "h2.lnk"));
			snprintf(p1, sizeof(p1), "%s/mnt", d);
			mkdir(p1, 0700);
			report("mount", syscall(SYS_mount, "kes-tmp", p1, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m"));
			report("umount2", syscall(SYS_umount2, p1, MNT_DETACH));
			report("chroot", syscall(SYS_chroot, "/"));
		} else if (!strcmp(a, "more-proc")) {
			/* clone (thread), clone3 (process), vfork, execveat of /bin/true */
			pthread_t th;
			pthread_create(&th, NULL, thread_fn, NULL);
			pthread_join(th, NULL);
			report("thread", 0);
			struct clone_args ca = {.flags = 0, .exit_signal = SIGCHLD};
			long c = syscall(SYS_clone3, &ca, sizeof(ca));
			if (c == 0)
				syscall(SYS_exit_group, 0);
			report("clone3", c);
			waitpid(c, NULL, 0);
			pid_t v = vfork();
			if (v == 0)
				_exit(0);
			report("vfork", v);
			waitpid(v, NULL, 0);
			pid_t e = fork();
			if (e == 0) {
				int bfd = open("/bin", O_RDONLY | O_DIRECTORY);
				char *av[] = {"true-via-execveat", "x", NULL}, *ev[] = {NULL};
				syscall(SYS_execveat, bfd, "true", av, ev, 0);
				_exit(99);
			}
			report("fork", e);
			waitpid(e, NULL, 0);
		} else if (!strcmp(a, "more-fds")) {
			/* dup, dup3, signalfd4, timerfd_create, inotify_init1, userfaultfd, socketpair,
			 * write/read through the pair, sendmsg/recvmsg, unix connect */
			report("dup", syscall(SYS_dup, 1));
			report("dup3", syscall(SYS_dup3, 1, 70, O_CLOEXEC));
			sigset_t m;
			sigemptyset(&m);
			sigaddset(&m, SIGUSR1);
			report("signalfd4", signalfd(-1, &m, SFD_NONBLOCK));
			report("timerfd_create", syscall(SYS_timerfd_create, CLOCK_MONOTONIC, TFD_CLOEXEC));
			report("inotify_init1", syscall(SYS_inotify_init1, 0));
			report("userfaultfd", syscall(SYS_userfaultfd, O_CLOEXEC));
			int sv[2];
			report("socketpair", syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, sv));
			report("sv0", sv[0]);
			report("sv1", sv[1]);
			report("write", write(sv[0], "0123456789abcdefghij", 20));
			char buf[128];
			report("read", read(sv[1], buf, sizeof(buf)));
			struct iovec iov = {.iov_base = "msg-data", .iov_len = 8};
			struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
			report("sendmsg", sendmsg(sv[0], &mh, 0));
			struct iovec riov = {.iov_base = buf, .iov_len = sizeof(buf)};
			struct msghdr rmh = {.msg_iov = &riov, .msg_iovlen = 1};
			report("recvmsg", recvmsg(sv[1], &rmh, 0));
			int us = socket(AF_UNIX, SOCK_STREAM, 0);
			struct sockaddr_un sun = {.sun_family = AF_UNIX};
			strcpy(sun.sun_path, "/nonexistent/kes.sock");
			report("uconnect", connect(us, (struct sockaddr *)&sun, sizeof(sun)));
		} else if (!strcmp(a, "more-cred")) {
			/* setuid, setresgid, setpgid, setns, capset, bpf (invalid cmd) */
			report("setuid", syscall(SYS_setuid, 0));
			report("setresgid", syscall(SYS_setresgid, 0, 0, 0));
			report("setpgid", syscall(SYS_setpgid, 0, 0));
			int nsfd = open("/proc/self/ns/uts", O_RDONLY);
			report("nsfd", nsfd);
			report("setns", syscall(SYS_setns, nsfd, CLONE_NEWUTS));
			struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
			struct __user_cap_data_struct dd[2];
			syscall(SYS_capget, &h, dd);
			report("capset", syscall(SYS_capset, &h, dd));
			union bpf_attr attr;
			memset(&attr, 0, sizeof(attr));
			report("bpf", syscall(SYS_bpf, 9999, &attr, sizeof(attr)));
		} else if (!strcmp(a, "misc")) {
			/* misc FILE: kill(self, 0), tgkill(self, self, 0), shutdown, mprotect, pwrite64,
			 * pread64, writev, readv */
			report("kill", syscall(SYS_kill, getpid(), 0));
			report("tgkill", syscall(SYS_tgkill, getpid(), getpid(), 0));
			int sv[2];
			socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
			report("sv0", sv[0]);
			report("shutdown", syscall(SYS_shutdown, sv[0], SHUT_WR));
			void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			report("mprotect", syscall(SYS_mprotect, m, 4096, PROT_READ | PROT_EXEC));
			printf("maddr %lu\n", (unsigned long)m);
			int fd = open(argv[i++], O_RDWR | O_CREAT | O_TRUNC, 0600);
			report("fd", fd);
			report("pwrite64", syscall(SYS_pwrite64, fd, "positional", 10, 5));
			char buf[64];
			report("pread64", syscall(SYS_pread64, fd, buf, 20, 5));
			struct iovec w[2] = {{"vec-one|", 8}, {"vec-two", 7}};
			report("writev", syscall(SYS_writev, fd, w, 2));
			lseek(fd, 0, SEEK_SET);
			char b1[8], b2[32];
			struct iovec rv[2] = {{b1, 8}, {b2, 32}};
			report("readv", syscall(SYS_readv, fd, rv, 2));
		} else if (!strcmp(a, "memfd-exec")) {
			/* copy /bin/true into a memfd and execute it from there (fexecve) */
			int mfd = syscall(SYS_memfd_create, "kes-memfd", 0);
			int src = open("/bin/true", O_RDONLY);
			char buf[65536];
			ssize_t n;
			while ((n = read(src, buf, sizeof(buf))) > 0)
				write(mfd, buf, n);
			char *av[] = {"from-memfd", NULL}, *ev[] = {NULL};
			syscall(SYS_execveat, mfd, "", av, ev, 0x1000 /* AT_EMPTY_PATH */);
			report("execveat-failed", -1);
		} else if (!strcmp(a, "connect-meta")) {
			/* TCP connect to the cloud metadata address (169.254.169.254:80): run in a
			 * network namespace without routes it fails with ENETUNREACH, no tuple */
			int s = socket(AF_INET, SOCK_STREAM, 0);
			report("socket", s);
			struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(80)};
			sa.sin_addr.s_addr = htonl(0xa9fea9fe);
			report("connect", connect(s, (struct sockaddr *)&sa, sizeof(sa)));
			close(s);
		} else if (!strcmp(a, "udp-unconn")) {
			/* unconnected UDP on loopback: an unbound sender's sendto(dest_addr) to a bound
			 * receiver, whose recvfrom(src_addr) learns the sender */
			int rx = socket(AF_INET, SOCK_DGRAM, 0);
			report("rx", rx);
			struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
			sa.sin_addr.s_addr = htonl(0x7f000001);
			bind(rx, (struct sockaddr *)&sa, sizeof(sa));
			socklen_t sl = sizeof(sa);
			getsockname(rx, (struct sockaddr *)&sa, &sl);
			report("port", ntohs(sa.sin_port));
			int tx = socket(AF_INET, SOCK_DGRAM, 0);
			report("tx", tx);
			report("sendto", sendto(tx, "ping", 4, 0, (struct sockaddr *)&sa, sizeof(sa)));
			struct sockaddr_in ta;
			sl = sizeof(ta);
			getsockname(tx, (struct sockaddr *)&ta, &sl);
			report("txport", ntohs(ta.sin_port));
			char buf[16];
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			report("recvfrom", recvfrom(rx, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl));
			/* the same with sendmsg(msg_name) / recvmsg(msg_name) */
			struct iovec iov = {"pong", 4};
			struct msghdr mh = {.msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1};
			report("sendmsg", sendmsg(tx, &mh, 0));
			struct iovec riov = {buf, sizeof(buf)};
			struct msghdr rh = {.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &riov, .msg_iovlen = 1};
			report("recvmsg", recvmsg(rx, &rh, 0));
			close(tx);
			close(rx);
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
