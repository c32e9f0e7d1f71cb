/* Syscall trigger for the driver coverage tests (mm, ownership, device nodes, socket options,
 * close_range, setre*id, epoll, pidfd, mmsg, io_uring, sendfile, creat, reaper, pid
 * namespaces). Each action runs its syscalls directly and prints "name value" lines with what
 * the kernel returned (or what the test needs to check the event against).
 *
 *   cover ACTION [ARG] [ACTION [ARG]]...
 *
 * The first line is printed before any action, so stdio's buffer (malloc: brk/mmap) exists
 * before the memory actions run. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/io_uring.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>

static void report(const char *what, long r)
{
	printf("%s %ld\n", what, r < 0 ? -errno : r);
	fflush(stdout);
}

static void value(const char *what, long v)
{
	printf("%s %ld\n", what, v);
	fflush(stdout);
}

/* VmSize / VmRSS / VmSwap (KiB) of this process, read with raw syscalls into static memory
 * so the reading itself maps nothing. */
static char status_buf[8192];
static long status_kb(const char *key)
{
	int fd = syscall(SYS_open, "/proc/self/status", O_RDONLY, 0);
	long n = syscall(SYS_read, fd, status_buf, sizeof(status_buf) - 1);
	syscall(SYS_close, fd);
	if (n <= 0)
		return -1;
	status_buf[n] = 0;
	char *p = strstr(status_buf, key);
	return p ? strtol(p + strlen(key) + 1, NULL, 10) : -1;
}

static void vm(const char *tag)
{
	char k[64];
	snprintf(k, sizeof(k), "%s_vmsize", tag);
	value(k, status_kb("VmSize:"));
	snprintf(k, sizeof(k), "%s_vmrss", tag);
	value(k, status_kb("VmRSS:"));
	snprintf(k, sizeof(k), "%s_vmswap", tag);
	value(k, status_kb("VmSwap:"));
}

static void *thread_forks(void *arg)
{
	/* this thread forks a child that outlives it: its children go to a live thread */
	int *pfd = arg;
	pid_t c = fork();
	if (c == 0) {
		char b;
		close(pfd[1]);
		read(pfd[0], &b, 1); /* until the main thread closes the pipe */
		_exit(0);
	}
	value("thread_tid", syscall(SYS_gettid));
	value("thread_child", c);
	return NULL;
}

int main(int argc, char **argv)
{
	value("start", getpid());
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "mm")) {
			long cur = syscall(SYS_brk, 0);
			value("brk_cur", cur);
			long nb = syscall(SYS_brk, cur + 8192);
			report("brk", nb);
			vm("brk");
			char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
			report("mmap", (long)p);
			vm("mmap");
			int fd = open(argv[++i], O_RDWR | O_CREAT | O_TRUNC, 0600);
			ftruncate(fd, 8192);
			value("mmap_fd", fd);
			char *q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
			report("mmap_file", (long)q);
			long r = munmap(p, 3 * 4096);
			report("munmap", r);
			value("munmap_addr", (long)p);
			vm("munmap");
		} else if (!strcmp(a, "own")) {
			/* dir: chown dir/f, lchown dir/l (symlink to f), fchown, fchownat dirfd "f" */
			const char *d = argv[++i];
			char f[4096], l[4096];
			snprintf(f, sizeof(f), "%s/f", d);
			snprintf(l, sizeof(l), "%s/l", d);
			int fd = open(f, O_RDWR | O_CREAT, 0600);
			symlink(f, l);
			int dfd = open(d, O_RDONLY | O_DIRECTORY);
			value("fd", fd);
			value("dirfd", dfd);
			report("chown", syscall(SYS_chown, f, 1234, 5678));
			report("lchown", syscall(SYS_lchown, l, 1235, -1));
			report("fchown", syscall(SYS_fchown, fd, -1, 5679));
			report("fchownat", syscall(SYS_fchownat, dfd, "l", 1236, 5680, AT_SYMLINK_NOFOLLOW));
			report("chown_missing", syscall(SYS_chown, "/nonexistent/kestrel", 1, 1));
		} else if (!strcmp(a, "nodes")) {
			const char *d = argv[++i];
			char f[4096];
			snprintf(f, sizeof(f), "%s/fifo", d);
			int dfd = open(d, O_RDONLY | O_DIRECTORY);
			value("dirfd", dfd);
			report("mknod", syscall(SYS_mknod, f, S_IFIFO | 0640, 0));
			report("mknodat", syscall(SYS_mknodat, dfd, "null2", S_IFCHR | 0600, makedev(1, 3)));
			value("rdev", makedev(1, 3));
		} else if (!strcmp(a, "sockopt")) {
			int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
			report("socket", s);
			int one = 1;
			report("set_reuseaddr", setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
			struct timeval tv = {2, 500000};
			report("set_rcvtimeo", setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
			report("set_nodelay", setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));
			int v = 0;
			socklen_t len = sizeof(v);
			report("get_rcvbuf", getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len));
			value("rcvbuf", v);
			int err = -1;
			len = sizeof(err);
			report("get_error", getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len));
			unsigned long long cookie = 0;
			len = sizeof(cookie);
			report("get_cookie", getsockopt(s, SOL_SOCKET, SO_COOKIE, &cookie, &len));
			value("cookie", (long)cookie);
			report("set_badfd", setsockopt(-1, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
		} else if (!strcmp(a, "close_range")) {
			int x = dup(0), y = dup(0), z = dup(0);
			value("x", x);
			value("y", y);
			value("z", z);
			report("close_range", syscall(SYS_close_range, y, z, 0));
			report("close_range_cloexec", syscall(SYS_close_range, x, x, 4 /* CLOSE_RANGE_CLOEXEC */));
		} else if (!strcmp(a, "setre")) {
			report("setregid", syscall(SYS_setregid, -1, 4321));
			report("setreuid", syscall(SYS_setreuid, -1, 4321));
			report("setreuid_denied", syscall(SYS_setreuid, 0, 0));
			report("setfsgid", syscall(SYS_setfsgid, 4322));
			report("setfsuid", syscall(SYS_setfsuid, 4322));
		} else if (!strcmp(a, "epoll")) {
			report("epoll_create", syscall(SYS_epoll_create, 7));
			report("epoll_create1", syscall(SYS_epoll_create1, EPOLL_CLOEXEC));
		} else if (!strcmp(a, "pidfd")) {
			int pfd[2];
			pipe(pfd);
			pid_t c = fork();
			if (c == 0) {
				char b;
				close(pfd[1]);
				read(pfd[0], &b, 1);
				_exit(0);
			}
			value("child", c);
			long p = syscall(SYS_pidfd_open, c, O_NONBLOCK);
			report("pidfd_open", p);
			report("pidfd_getfd", syscall(SYS_pidfd_getfd, p, 1, 0));
			close(pfd[1]);
			waitpid(c, NULL, 0);
		} else if (!strcmp(a, "mmsg")) {
			int sv[2];
			socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
			int one = 1;
			setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
			value("fd0", sv[0]);
			value("fd1", sv[1]);
			struct iovec iv[2] = {{"hello", 5}, {"world!", 6}};
			struct mmsghdr m[2];
			memset(m, 0, sizeof(m));
			m[0].msg_hdr.msg_iov = &iv[0];
			m[0].msg_hdr.msg_iovlen = 1;
			m[1].msg_hdr.msg_iov = &iv[1];
			m[1].msg_hdr.msg_iovlen = 1;
			report("sendmmsg", syscall(SYS_sendmmsg, sv[0], m, 2, 0));
			char b0[32], b1[32];
			union { char buf[CMSG_SPACE(sizeof(struct ucred))]; struct cmsghdr align; } c0;
			struct iovec rv[2] = {{b0, sizeof(b0)}, {b1, sizeof(b1)}};
			struct mmsghdr rm[2];
			memset(rm, 0, sizeof(rm));
			rm[0].msg_hdr.msg_iov = &rv[0];
			rm[0].msg_hdr.msg_iovlen = 1;
			rm[0].msg_hdr.msg_control = c0.buf;
			rm[0].msg_hdr.msg_controllen = sizeof(c0.buf);
			rm[1].msg_hdr.msg_iov = &rv[1];
			rm[1].msg_hdr.msg_iovlen = 1;
			report("recvmmsg", syscall(SYS_recvmmsg, sv[1], rm, 2, 0, NULL));
			value("controllen", rm[0].msg_hdr.msg_controllen);
			/* recvmsg with the credentials as ancillary data */
			send(sv[0], "x", 1, 0);
			char b2[8];
			union { char buf[CMSG_SPACE(sizeof(struct ucred))]; struct cmsghdr align; } c1;
			struct iovec r1 = {b2, sizeof(b2)};
			struct msghdr h = {.msg_iov = &r1, .msg_iovlen = 1, .msg_control = c1.buf, .msg_controllen = sizeof(c1.buf)};
			report("recvmsg", recvmsg(sv[1], &h, 0));
			value("recvmsg_controllen", h.msg_controllen);
		} else if (!strcmp(a, "iouring")) {
			struct io_uring_params p;
			memset(&p, 0, sizeof(p));
			p.flags = IORING_SETUP_CLAMP;
			long fd = syscall(SYS_io_uring_setup, 4, &p);
			report("io_uring_setup", fd);
			value("sq_entries", p.sq_entries);
			value("cq_entries", p.cq_entries);
			value("features", p.features);
			report("io_uring_enter", syscall(SYS_io_uring_enter, fd, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0));
			int efd = eventfd(0, 0);
			value("efd", efd);
			value("efd_addr", (long)&efd);
			report("io_uring_register", syscall(SYS_io_uring_register, fd, IORING_REGISTER_EVENTFD, &efd, 1));
		} else if (!strcmp(a, "sendfile")) {
			const char *d = argv[++i];
			char in[4096], out[4096];
			snprintf(in, sizeof(in), "%s/in", d);
			snprintf(out, sizeof(out), "%s/out", d);
			int ifd = open(in, O_RDWR | O_CREAT | O_TRUNC, 0600);
			char data[100];
			memset(data, 'k', sizeof(data));
			write(ifd, data, sizeof(data));
			int ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			value("in_fd", ifd);
			value("out_fd", ofd);
			off_t off = 10;
			report("sendfile", sendfile(ofd, ifd, &off, 50));
			lseek(ifd, 0, SEEK_SET);
			report("sendfile_nooff", sendfile(ofd, ifd, NULL, 30));
		} else if (!strcmp(a, "handle")) {
			const char *f = argv[++i];
			close(open(f, O_WRONLY | O_CREAT, 0600));
			struct { struct file_handle h; unsigned char b[128]; } fh;
			fh.h.handle_bytes = sizeof(fh.b);
			int mount_id;
			report("name_to_handle_at", name_to_handle_at(AT_FDCWD, f, &fh.h, &mount_id, 0));
			int mfd = open(argv[++i], O_RDONLY | O_DIRECTORY);
			value("mountfd", mfd);
			report("open_by_handle_at", open_by_handle_at(mfd, &fh.h, O_RDONLY | O_CLOEXEC));
			report("open_by_handle_at_bad", open_by_handle_at(-1, &fh.h, O_RDONLY));
		} else if (!strcmp(a, "legacy")) {
			/* the older variants of syscalls whose newer ones other tests use */
			int pf[2] = {-1, -1};
			report("pipe", syscall(SYS_pipe, pf));
			value("pipe0", pf[0]);
			value("pipe1", pf[1]);
			report("eventfd", syscall(SYS_eventfd, 5));
			sigset_t m;
			sigemptyset(&m);
			sigaddset(&m, SIGUSR1);
			report("signalfd", syscall(SYS_signalfd, -1, &m, 8));
			report("inotify_init", syscall(SYS_inotify_init));
			signal(SIGUSR2, SIG_IGN);
			report("tkill", syscall(SYS_tkill, syscall(SYS_gettid), SIGUSR2));
			report("setgid", syscall(SYS_setgid, 0));
			int ls = socket(AF_INET, SOCK_STREAM, 0);
			struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
			socklen_t sl = sizeof(sa);
			bind(ls, (struct sockaddr *)&sa, sizeof(sa));
			listen(ls, 4);
			getsockname(ls, (struct sockaddr *)&sa, &sl);
			value("port", ntohs(sa.sin_port));
			value("listen_fd", ls);
			int c = socket(AF_INET, SOCK_STREAM, 0);
			connect(c, (struct sockaddr *)&sa, sizeof(sa));
			struct sockaddr_in ca;
			socklen_t cl = sizeof(ca);
			getsockname(c, (struct sockaddr *)&ca, &cl);
			value("client_port", ntohs(ca.sin_port));
			report("accept", syscall(SYS_accept, ls, NULL, NULL));
		} else if (!strcmp(a, "creat")) {
			long fd = syscall(SYS_creat, argv[++i], 0644);
			report("creat", fd);
		} else if (!strcmp(a, "reaper")) {
			/* We are a child subreaper. A child forks a grandchild and exits: the grandchild
			 * comes to us. A thread forks a child and exits: the child goes to a live thread
			 * of ours (the main one). */
			prctl(PR_SET_CHILD_SUBREAPER, 1);
			int pfd[2];
			pipe(pfd);
			int rp[2];
			pipe(rp);
			pid_t a1 = fork();
			if (a1 == 0) {
				pid_t g = fork();
				if (g == 0) {
					char b;
					close(rp[1]);
					close(pfd[1]);
					read(pfd[0], &b, 1);
					_exit(0);
				}
				write(rp[1], &g, sizeof(g));
				_exit(0);
			}
			pid_t g = 0;
			read(rp[0], &g, sizeof(g));
			waitpid(a1, NULL, 0);
			value("middle", a1);
			value("grandchild", g);
			pthread_t th;
			pthread_create(&th, NULL, thread_forks, pfd);
			pthread_join(th, NULL);
			close(pfd[1]);
			while (wait(NULL) > 0)
				;
		} else if (!strcmp(a, "newpidns")) {
			/* fork into a new pid namespace: the child is its init */
			report("unshare", unshare(CLONE_NEWPID));
			pid_t c = fork();
			if (c == 0)
				_exit(0);
			value("child", c);
			char path[64], buf[1024];
			snprintf(path, sizeof(path), "/proc/%d/stat", c);
			int fd = open(path, O_RDONLY);
			long n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			buf[n > 0 ? n : 0] = 0;
			/* field 22 (starttime) after the ")" of comm */
			char *p = strrchr(buf, ')');
			for (int f = 2; p && f < 22; f++)
				p = strchr(p + 1, ' ');
			value("child_start_ticks", p ? strtol(p + 1, NULL, 10) : -1);
			waitpid(c, NULL, 0);
		} else {
			fprintf(stderr, "cover: unknown action %s\n", a);
			return 2;
		}
	}
	return 0;
}
