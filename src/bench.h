/*
 * bench.h: `homeward bench`, speed measured as a ratio against a baseline
 * run in the same run (never as absolute times in tests).
 */
#ifndef HW_BENCH_H
#define HW_BENCH_H

#include <stdint.h>

struct strbuf;

/* The `homeward bench KIND` command; KINDs are listed in bench.c. */
int cmd_bench(int argc, char **argv);

/*
 * Write the benchmarks' population to `path`: `people` registrants of
 * nationality CN, seed 1, around today. HW_EIO / HW_EINPUT with a message.
 */
int bench_generate(const char *path, int64_t people, struct strbuf *err);

/* `homeward bench geo` (bench_geo.c): the geo engine against brute force,
 * SQLite's R*Tree and PostGIS. */
int bench_geo(int argc, char **argv);

#endif
