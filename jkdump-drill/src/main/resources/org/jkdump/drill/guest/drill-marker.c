/*
 * drill-marker: a user process jkdump's drill starts before crashing the guest, so that the
 * dump holds something recognisable: a heap buffer with the text "JKDRILL-MARKER pid=N" in
 * every page, an open file and a shared file mapping. Then it waits for the crash.
 * Built statically by the drill: gcc -static -O2 -o drill-marker drill-marker.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { PAGE = 4096, PAGES = 16 };

int main(int argc, char **argv)
{
	char text[64];
	/* built at run time so the complete string exists only in this process's memory */
	snprintf(text, sizeof text, "%s-%s pid=%d", "JKDRILL", "MARKER", (int)getpid());

	char *heap = malloc(PAGE * PAGES);
	if (heap == NULL)
		return 1;
	memset(heap, 0, PAGE * PAGES);
	for (int i = 0; i < PAGES; i++)
		strcpy(heap + i * PAGE, text);

	if (argc > 1) {
		int fd = open(argv[1], O_RDWR | O_CREAT | O_APPEND, 0644);
		if (fd >= 0)
			dprintf(fd, "%s keeps this file open\n", text);
	}
	if (argc > 2) {
		int fd = open(argv[2], O_RDWR | O_CREAT, 0644);
		if (fd >= 0 && ftruncate(fd, PAGE) == 0) {
			char *map = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			if (map != MAP_FAILED)
				snprintf(map, PAGE, "%s mmap\n", text);
		}
	}
	printf("drill-marker: %s heap=%p\n", text, (void *)heap);
	fflush(stdout);
	for (;;)
		pause();
}
