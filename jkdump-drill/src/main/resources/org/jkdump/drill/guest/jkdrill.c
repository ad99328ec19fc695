// SPDX-License-Identifier: GPL-2.0
/*
 * jkdrill: the kernel module jkdump's drill loads to crash the guest in a known place.
 * Writing "oops", "bug" or "panic" to /proc/jkdrill crashes inside drill_crash(): a NULL
 * pointer write, BUG() or panic(). (GPL because it is kernel code; it is jkdump's own.)
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/string.h>
#include <linux/uaccess.h>

static noinline ssize_t drill_crash(struct file *file, const char __user *buf, size_t len, loff_t *pos)
{
	char word[8] = { 0 };
	int *volatile target = NULL;

	if (copy_from_user(word, buf, min(len, sizeof(word) - 1)))
		return -EFAULT;
	strim(word);
	pr_emerg("jkdrill: crashing the kernel with \"%s\" as the drill asked\n", word);
	if (strcmp(word, "oops") == 0)
		*target = 0x6a6b;
	else if (strcmp(word, "bug") == 0)
		BUG();
	else if (strcmp(word, "panic") == 0)
		panic("jkdrill: panic requested by jkdump drill");
	return -EINVAL;
}

static const struct proc_ops drill_ops = {
	.proc_write = drill_crash,
};

static int __init jkdrill_init(void)
{
	return proc_create("jkdrill", 0200, NULL, &drill_ops) ? 0 : -ENOMEM;
}

static void __exit jkdrill_exit(void)
{
	remove_proc_entry("jkdrill", NULL);
}

module_init(jkdrill_init);
module_exit(jkdrill_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("jkdump drill: crash the kernel on request through /proc/jkdrill");
