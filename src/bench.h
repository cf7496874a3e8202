/*
 * bench.h: `homeward bench`, speed measured as a ratio against a baseline
 * run in the same run (never as absolute times in tests).
 */
#ifndef HW_BENCH_H
#define HW_BENCH_H

#include <stdbool.h>
#include <stdint.h>

struct strbuf;

/* The `homeward bench KIND` command; KINDs are listed in bench.c. */
int cmd_bench(int argc, char **argv);

/*
 * Write the benchmarks' population to `path`: `people` registrants of
 * nationality CN, seed 1, around today. HW_EIO / HW_EINPUT with a message.
 */
int bench_generate(const char *path, int64_t people, struct strbuf *err);

/*
 * Make the benchmarks' database in the scratch directory `dir`: generate
 * `people` registrants (bench_generate), create DIR/homeward.db with its
 * key file, and import them with this very program as a child process, as
 * a user would. `dbp` gets the database's path. Progress goes to stderr
 * unless `quiet`. HW_EIO / HW_EINPUT with a message in `err`.
 */
int bench_populate(const char *dir, int64_t people, bool quiet,
		   struct strbuf *dbp, struct strbuf *err);

/* Remove a scratch directory and everything under it. NULL-safe. */
void bench_remove_tree(const char *dir);

/* `homeward bench geo` (bench_geo.c): the geo engine against brute force,
 * SQLite's R*Tree and PostGIS. */
int bench_geo(int argc, char **argv);

/* `homeward bench http` (bench_http.c): the HTTP server under wrk,
 * against nginx serving a file of the same size. */
int bench_http(int argc, char **argv);

#endif
