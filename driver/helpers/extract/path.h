/* Extract layer: kernel paths (cwd, executable, cgroups) rebuilt by walking dentries or
 * kernfs nodes, since bpf_d_path is not available to tracepoint programs.
 *
 * Two passes keep the verifier's work linear: first collect the component name pointers
 * leaf → root into scratch tmp, then write them root → leaf into the event with constant-size
 * string reads. Lengths then never become "precise" scalars, which is what made a one-pass
 * backwards copy explode past the 1M-instruction verifier limit. */
#ifndef KES_EXTRACT_PATH_H
#define KES_EXTRACT_PATH_H

#include "helpers/extract/task.h"

#define KES_PATH_DEPTH 32
#define KES_NAME_MAX 256

/* Component pointers of (dentry, vfsmount), leaf first, crossing mount points up to the
 * namespace root, into names[0..KES_PATH_DEPTH) (0 = no component at that step). Indexing by
 * the loop counter instead of a running count keeps every loop-exit state equivalent. */
static __always_inline void extract__dentry_names(struct kes_ev *e, struct dentry *d, struct vfsmount *vfsmnt)
{
	__u64 *names = (__u64 *)e->tmp;
	struct mount *mnt = container_of(vfsmnt, struct mount, mnt);
	struct dentry *mnt_root = READ_KERN(vfsmnt, mnt_root);

	for (int i = 0; i < KES_PATH_DEPTH; i++)
		names[i] = 0;
	for (int i = 0; i < KES_PATH_DEPTH; i++) {
		struct dentry *parent = READ_KERN(d, d_parent);
		if (d == mnt_root || d == parent) {
			if (d != mnt_root) {
				/* a pseudo-filesystem dentry (memfd, pipe, socket) is its own parent: keep
				 * its name, so a memfd shows as /memfd:NAME */
				names[i] = (__u64)READ_KERN(d, d_name.name);
				break;
			}
			struct mount *mp = READ_KERN(mnt, mnt_parent);
			if (mp == mnt)
				break; /* the namespace root */
			d = READ_KERN(mnt, mnt_mountpoint);
			mnt = mp;
			mnt_root = READ_KERN(mnt, mnt.mnt_root);
			continue;
		}
		names[i] = (__u64)READ_KERN(d, d_name.name);
		d = parent;
	}
}

/* Writes "/" + each non-zero names[] entry from the root end, without NUL, at e->pos;
 * returns bytes written ("/" alone for the root). */
static __always_inline __u32 store__names_raw(struct kes_ev *e)
{
	__u64 *names = (__u64 *)e->tmp;
	__u32 start = e->pos;
	for (int j = KES_PATH_DEPTH - 1; j >= 0; j--) {
		__u64 p = names[j];
		if (!p)
			continue;
		e->pos = store__launder(e, e->pos);
		e->buf[e->pos & KES_EV_MASK] = '/';
		e->pos++;
		long n = bpf_probe_read_kernel_str(&e->buf[e->pos & KES_EV_MASK], KES_NAME_MAX, (void *)p);
		if (n > 1)
			e->pos += n - 1;
	}
	if (e->pos == start) {
		e->buf[e->pos & KES_EV_MASK] = '/';
		e->pos++;
	}
	return e->pos - start;
}

__noinline __u32 kes_path_write(__u32 pos, __u64 dentry, __u64 vfsmnt)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct kes_scratch *s = bpf_map_lookup_elem(&kes_scratch_map, &cpu);
	if (!s || !dentry || !vfsmnt)
		return 0;
	struct kes_ev e = {.buf = s->ev, .tmp = s->tmp, .pos = pos};
	extract__dentry_names(&e, (struct dentry *)dentry, (struct vfsmount *)vfsmnt);
	store__names_raw(&e);
	e.buf[e.pos & KES_EV_MASK] = 0;
	return e.pos + 1 - pos;
}

/* Store the path of a struct path* as a NUL-terminated CHARBUF parameter. */
static __always_inline void store__kpath(struct kes_ev *e, const struct path *p)
{
	struct dentry *d = READ_KERN(p, dentry);
	struct vfsmount *m = READ_KERN(p, mnt);
	store__len(e, kes_path_write(e->pos, (__u64)d, (__u64)m));
}

static __always_inline void store__cwd(struct kes_ev *e, struct task_struct *t)
{
	struct fs_struct *fs = READ_KERN(t, fs);
	if (!fs) {
		store__empty(e);
		return;
	}
	store__kpath(e, &fs->pwd);
}

/* kernfs_node's parent is __parent since 6.15 (RCU-protected); older kernels call it
 * parent. Only the new name is handled: a ___old flavor relocation left a poisoned
 * instruction that this kernel's verifier refused even on the dead branch. */
static __always_inline struct kernfs_node *extract__kn_parent(struct kernfs_node *kn)
{
	return READ_KERN(kn, __parent);
}

#define KES_CGROUP_DEPTH 12

/* Path of one cgroup's kernfs node, written at e->pos without NUL. */
static __always_inline void store__cgroup_path(struct kes_ev *e, struct kernfs_node *kn)
{
	__u64 *names = (__u64 *)e->tmp;
	for (int j = 0; j < KES_PATH_DEPTH; j++)
		names[j] = 0;
	for (int j = 0; j < KES_CGROUP_DEPTH && kn; j++) {
		struct kernfs_node *parent = extract__kn_parent(kn);
		if (!parent)
			break;
		names[j] = (__u64)READ_KERN(kn, name);
		kn = parent;
	}
	store__names_raw(e);
}

/* Global function (verified once): the cgroups BYTEBUF, "subsys=path\0" for each controller
 * of the task's css_set, each with its own hierarchy's path (v1 and v2 alike). */
__noinline __u32 kes_cgroups_write(__u32 pos, __u64 task)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct kes_scratch *s = bpf_map_lookup_elem(&kes_scratch_map, &cpu);
	if (!s || !task)
		return 0;
	struct kes_ev ev = {.buf = s->ev, .tmp = s->tmp, .pos = pos};
	struct kes_ev *e = &ev;
	struct css_set *cs = READ_KERN((struct task_struct *)task, cgroups);
	if (!cs)
		return 0;
	for (int i = 0; i < CGROUP_SUBSYS_COUNT; i++) {
		struct cgroup_subsys_state *css = READ_KERN(cs, subsys[i]);
		if (!css)
			continue;
		e->pos = store__launder(e, e->pos);
		long n = bpf_probe_read_kernel_str(&e->buf[e->pos & KES_EV_MASK], 32, READ_KERN(css, ss, name));
		if (n <= 1)
			continue;
		e->pos += n;
		e->buf[(e->pos - 1) & KES_EV_MASK] = '=';
		store__cgroup_path(e, READ_KERN(css, cgroup, kn));
		e->buf[e->pos & KES_EV_MASK] = 0;
		e->pos++;
	}
	return e->pos - pos;
}

static __always_inline void store__cgroups(struct kes_ev *e, struct task_struct *t)
{
	store__len(e, kes_cgroups_write(e->pos, (__u64)t));
}

#endif
