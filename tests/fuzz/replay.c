/* Replays fuzz inputs as an ordinary test: each argument is a file or a
 * directory of files given to LLVMFuzzerTestOneInput (BIND's fuzz/main.c
 * idea). A crash or a sanitizer report fails the test. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	size_t len;

	if (f == NULL) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		return 1;
	}
	buf = malloc(1 << 20);
	len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int
replay(const char *path)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int rc = 0, n = 0;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		return replay_file(path);
	}
	d = opendir(path);
	if (d == NULL) {
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		char full[4096];

		if (e->d_name[0] == '.') {
			continue;
		}
		snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
		rc |= replay_file(full);
		n++;
	}
	closedir(d);
	printf("%s: %d inputs replayed\n", path, n);
	return rc;
}

int
main(int argc, char **argv)
{
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		rc |= replay(argv[i]);
	}
	return rc;
}
