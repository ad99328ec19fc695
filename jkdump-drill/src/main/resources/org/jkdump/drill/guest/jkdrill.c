// SPDX-License-Identifier: GPL-2.0
/*
 * jkdrill: the kernel module jkdump's drill loads to crash the guest in a known place.
 * Writing "oops", "bug" or "panic" to /proc/jkdrill crashes inside drill_crash(): a NULL
 * pointer write, BUG() or panic(). "irq" arms a timer whose callback, drill_timer_fn(), writes
 * through a NULL pointer in softirq context on the IRQ stack. "oom" allocates pages without
 * freeing them until the kernel runs out of memory (the drill sets vm.panic_on_oom=1). "lockup"
 * spins in drill_spin() with preemption off until the soft-lockup watchdog's hrtimer panics
 * (the drill sets kernel.softlockup_panic=1). "stack" recurses in drill_recurse() until the
 * task's stack runs into its guard page: a double fault, handled on the #DF IST stack. "warn"
 * is a WARN() in drill_crash() (the drill sets kernel.panic_on_warn=1). "hung" leaves the
 * writing task in drill_hang(), uninterruptible and never woken, until khungtaskd panics (the
 * drill sets kernel.hung_task_panic=1 and a short hung_task_timeout_secs).
 * (GPL because it is kernel code; it is jkdump's own.)
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/timer.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/bug.h>

static struct timer_list drill_timer;
static LIST_HEAD(drill_hoard);

static noinline void drill_timer_fn(struct timer_list *timer)
{
	int *volatile target = NULL;

	pr_emerg("jkdrill: NULL write from the timer callback\n");
	*target = 0x6a6b;
}

/* order-0 GFP_KERNEL allocations do not fail: they end in the OOM killer, here in the panic */
static noinline void drill_hog(void)
{
	for (;;) {
		struct page *page = alloc_page(GFP_KERNEL);

		if (!page)
			return;
		list_add(&page->lru, &drill_hoard);
	}
}

/* never reschedules: the watchdog's per-cpu thread cannot run and touch its timestamp */
static noinline void drill_spin(void)
{
	preempt_disable();
	for (;;)
		cpu_relax();
}

/* each level keeps a frame the next one reads, so the calls stay calls; no base case is ever met */
static noinline int drill_recurse(volatile char *prev, unsigned long depth)
{
	volatile char frame[512];

	frame[0] = prev ? prev[0] + 1 : 0;
	if (depth == ULONG_MAX)
		return frame[0];
	return drill_recurse(frame, depth + 1) + frame[1];
}

/* nobody wakes this task: it stays in D state until the hung-task watchdog panics */
static noinline void drill_hang(void)
{
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule();
	}
}

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
	else if (strcmp(word, "irq") == 0) {
		mod_timer(&drill_timer, jiffies + 1);
		return len;
	} else if (strcmp(word, "oom") == 0)
		drill_hog();
	else if (strcmp(word, "lockup") == 0)
		drill_spin();
	else if (strcmp(word, "stack") == 0)
		return drill_recurse(NULL, 0);
	else if (strcmp(word, "warn") == 0)
		WARN(1, "jkdrill: warning requested by jkdump drill\n");
	else if (strcmp(word, "hung") == 0)
		drill_hang();
	return -EINVAL;
}

static const struct proc_ops drill_ops = {
	.proc_write = drill_crash,
};

static int __init jkdrill_init(void)
{
	timer_setup(&drill_timer, drill_timer_fn, 0);
	return proc_create("jkdrill", 0200, NULL, &drill_ops) ? 0 : -ENOMEM;
}

static void __exit jkdrill_exit(void)
{
	remove_proc_entry("jkdrill", NULL);
	del_timer_sync(&drill_timer);
}

module_init(jkdrill_init);
module_exit(jkdrill_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("jkdump drill: crash the kernel on request through /proc/jkdrill");
