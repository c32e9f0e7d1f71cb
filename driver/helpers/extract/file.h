/* Extract layer: the struct file behind an fd of the current task, and its dev/ino. */
#ifndef KES_EXTRACT_FILE_H
#define KES_EXTRACT_FILE_H

#include "helpers/extract/task.h"

static __always_inline struct file *extract__fd_file(struct task_struct *t, long fd)
{
	if (fd < 0)
		return NULL;
	struct fdtable *fdt = READ_KERN(t, files, fdt);
	if (!fdt)
		return NULL;
	unsigned int max = READ_KERN(fdt, max_fds);
	if ((unsigned long)fd >= max)
		return NULL;
	struct file **fds = READ_KERN(fdt, fd);
	struct file *f = NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

/* dev_t as user space sees it in st_dev (new_encode_dev of the superblock's s_dev). */
static __always_inline __u32 extract__encode_dev(__u32 kdev)
{
	__u32 major = kdev >> 20, minor = kdev & 0xfffff;
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

static __always_inline void extract__file_dev_ino(struct file *f, __u32 *dev, __u64 *ino)
{
	*dev = 0;
	*ino = 0;
	if (!f)
		return;
	struct inode *i = READ_KERN(f, f_inode);
	if (!i)
		return;
	*ino = READ_KERN(i, i_ino);
	*dev = extract__encode_dev(READ_KERN(i, i_sb, s_dev));
}

/* overlayfs layer of an open file: 1 when it lives in the upper (writable, e.g. container)
 * layer, 2 when it comes from a lower (image) layer, 0 when the file is not on overlayfs. The
 * ovl inode's upper dentry, when it has an inode, means the upper layer holds the file. */
#define KES_OVL_UPPER 1
#define KES_OVL_LOWER 2
#define KES_OVERLAYFS_SUPER_MAGIC 0x794c7630

static __always_inline __u32 extract__ovl_layer(struct file *f)
{
	struct dentry *d = f ? READ_KERN(f, f_path.dentry) : NULL;
	if (!d || READ_KERN(d, d_sb, s_magic) != KES_OVERLAYFS_SUPER_MAGIC)
		return 0;
	struct inode *vi = READ_KERN(d, d_inode);
	if (!vi)
		return 0;
	struct ovl_inode *oi = (struct ovl_inode *)((char *)vi - bpf_core_field_offset(struct ovl_inode, vfs_inode));
	struct dentry *up = READ_KERN(oi, __upperdentry);
	return (up && READ_KERN(up, d_inode)) ? KES_OVL_UPPER : KES_OVL_LOWER;
}

#endif
