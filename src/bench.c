/*
 * bench.c: benchmarks, one row per kind in `benches[]`.
 *
 * Each benchmark runs Homeward and its baseline on the same data in the same
 * run, in a scratch directory it removes afterwards, and reports both rates
 * and their ratio, so that the figure survives a noisy, shared machine.
 */
#include "homeward.h"
#include "bench.h"
#include "cli.h"
#include "db.h"
#include "gen.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void bench_remove_tree(const char *dir)
{
	if (dir && *dir)
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Run argv (no shell) with stdout to `out_fd` (or inherited if < 0);
 * return its exit status, or -1 if it could not be run. */
static int run_program(char *const argv[], int out_fd)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (out_fd >= 0)
			dup2(out_fd, STDOUT_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	/* An interruption (^C reaches the child too) must not leave it
	 * unwaited for. */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The sqlite3 shell's answer to one query, as a number; -1 on failure. */
static int64_t sqlite3_count(const char *db, const char *sql)
{
	char tmpl[] = "/tmp/homeward-count-XXXXXX";
	char buf[64] = "";
	int fd = mkstemp(tmpl);
	int64_t n = -1;
	char *argv[] = { (char *)"sqlite3", (char *)db, (char *)sql, NULL };
	ssize_t got;

	if (fd < 0)
		return -1;
	unlink(tmpl);
	if (run_program(argv, fd) == 0 && lseek(fd, 0, SEEK_SET) == 0 &&
	    (got = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[got] = '\0';
		n = strtoll(buf, NULL, 10);
	}
	close(fd);
	return n;
}

int bench_generate(const char *path, int64_t people, struct strbuf *err)
{
	struct gen_params gp = { 0 };
	int fd, rc;

	gp.people = (uint64_t)people;
	gp.seed = 1;
	gp.nationality = "CN";
	gp.today = (int32_t)(time(NULL) / 86400);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		strbuf_addf(err, "cannot create '%s': %s", path, strerror(errno));
		return HW_EIO;
	}
	rc = gen_write(&gp, fd, err);
	if (close(fd) && !rc) {
		strbuf_addf(err, "cannot write '%s': %s", path, strerror(errno));
		rc = HW_EIO;
	}
	return rc;
}

int bench_populate(const char *dir, int64_t people, bool quiet,
		   struct strbuf *dbp, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT;
	struct db db = { 0 };
	char self[4096];
	bool created;
	ssize_t n;
	int rc, st, devnull;

	strbuf_addf(&csv, "%s/people.csv", dir);
	strbuf_reset(dbp);
	strbuf_addf(dbp, "%s/homeward.db", dir);
	if (!quiet)
		fprintf(stderr, "generating %" PRId64 " registrants...\n", people);
	rc = bench_generate(csv.buf, people, err);
	if (rc)
		goto out;
	rc = db_init(&db, dbp->buf, NULL, &created, err);
	db_release(&db);
	if (rc)
		goto out;
	if (!quiet)
		fprintf(stderr, "importing...\n");
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		strbuf_addf(err, "cannot find this program: %s", strerror(errno));
		rc = HW_EIO;
		goto out;
	}
	self[n] = '\0';
	{
		char *imp[] = { self, (char *)"import", (char *)"registrants",
				csv.buf, (char *)"--db", dbp->buf, NULL };

		/* Its messages stay on stderr, where a failure explains
		 * itself; only the summary on stdout is dropped. */
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		st = run_program(imp, devnull);
		if (devnull >= 0)
			close(devnull);
	}
	if (st != 0) {
		strbuf_addf(err, "importing the generated registrants failed "
			    "(exit status %d)", st);
		rc = HW_EIO;
		goto out;
	}
	unlink(csv.buf);
out:
	strbuf_release(&csv);
	return rc;
}

static int bench_import(int argc, char **argv)
{
	int64_t people = 1000000;
	bool json = false;
	struct opt opts[] = {
		{ "people", OPT_INT, &people },
		{ "json", OPT_FLAG, &json },
		{ NULL, 0, NULL },
	};
	char dir[] = "/tmp/homeward-bench-XXXXXX";
	struct strbuf csv = STRBUF_INIT, dbp = STRBUF_INIT, raw = STRBUF_INIT;
	struct strbuf err = STRBUF_INIT, cmd = STRBUF_INIT;
	struct db db = { 0 };
	bool created, have_dir = false;
	double t0, t_hw, t_sq, hw_rate, sq_rate;
	int64_t sq_rows, hw_rows;
	int rc, st;

	rc = opt_parse_only(opts, argc, argv);
	if (rc)
		goto out;
	rc = HW_EINPUT;
	if (people < 1 || people > 200000000) {
		cli_error("bench import", "option '--people': %" PRId64
			  " is out of range (1 to 200000000)", people);
		goto out;
	}
	{
		char *probe[] = { (char *)"sqlite3", (char *)"-version", NULL };
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		st = run_program(probe, devnull);
		if (devnull >= 0)
			close(devnull);
		if (st != 0) {
			cli_error("bench import", "the sqlite3 shell is needed as the "
				  "baseline: install the Debian package sqlite3 "
				  "('make deps' does)");
			rc = HW_EIO;
			goto out;
		}
	}
	rc = HW_EIO;
	if (!mkdtemp(dir)) {
		cli_error("bench import", "cannot make a scratch directory: %s",
			  strerror(errno));
		goto out;
	}
	have_dir = true;
	strbuf_addf(&csv, "%s/people.csv", dir);
	strbuf_addf(&dbp, "%s/homeward.db", dir);
	strbuf_addf(&raw, "%s/sqlite3.db", dir);

	if (!json)
		fprintf(stderr, "generating %" PRId64 " registrants...\n", people);
	rc = bench_generate(csv.buf, people, &err);
	if (rc) {
		cli_error("bench import", "cannot generate: %s", err.buf);
		goto out;
	}

	rc = db_init(&db, dbp.buf, NULL, &created, &err);
	db_release(&db);
	if (rc) {
		cli_error("bench import", "%s", err.buf);
		goto out;
	}
	if (!json)
		fprintf(stderr, "importing with homeward...\n");
	/*
	 * Both engines run as the commands a user would type, each a process
	 * of its own timed from start to exit, and start with the file
	 * written out and nothing dirty in the page cache, so that neither
	 * pays for the other's writes.
	 */
	{
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		char *imp[] = { self, (char *)"import", (char *)"registrants",
				csv.buf, (char *)"--db", dbp.buf, NULL };
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (n <= 0) {
			cli_error("bench import", "cannot find this program: %s",
				  strerror(errno));
			rc = HW_EIO;
			goto out;
		}
		self[n] = '\0';
		sync();
		t0 = hw_now();
		st = run_program(imp, devnull);
		t_hw = hw_now() - t0;
		if (devnull >= 0)
			close(devnull);
	}
	hw_rows = sqlite3_count(dbp.buf, "SELECT count(*) FROM presence");
	if (st != 0 || hw_rows != people) {
		cli_error("bench import", "homeward imported %" PRId64 " rows of %"
			  PRId64 " (exit status %d)", hw_rows, people, st);
		rc = HW_EINTERNAL;
		goto out;
	}

	if (!json)
		fprintf(stderr, "loading with the sqlite3 shell's .import...\n");
	{
		static const char *const cols[] = { "external_id", "family_name",
			"given_name", "native_name", "sex", "date_of_birth",
			"nationality", "passport_no", "phone", "email", "language",
			"country", "city", "lat", "lon", "arrival", "departure",
			"purpose", "organisation", "party_id", "needs" };
		size_t i;
		char *create[4] = { (char *)"sqlite3", raw.buf, NULL, NULL };

		strbuf_addstr(&cmd, "CREATE TABLE registrant(");
		for (i = 0; i < ARRAY_SIZE(cols); i++)
			strbuf_addf(&cmd, "%s%s TEXT", i ? ", " : "", cols[i]);
		strbuf_addstr(&cmd, ");");
		create[2] = cmd.buf;
		if (run_program(create, -1) != 0) {
			cli_error("bench import", "sqlite3 could not create its table");
			rc = HW_EIO;
			goto out;
		}
		strbuf_reset(&cmd);
		strbuf_addf(&cmd, ".import --csv --skip 1 %s registrant", csv.buf);
		sync();
		create[2] = cmd.buf;
		t0 = hw_now();
		st = run_program(create, -1);
		t_sq = hw_now() - t0;
		sq_rows = sqlite3_count(raw.buf, "SELECT count(*) FROM registrant");
		if (st != 0 || sq_rows != people) {
			cli_error("bench import", "the sqlite3 shell loaded %" PRId64
				  " rows of %" PRId64, sq_rows, people);
			rc = HW_EIO;
			goto out;
		}
	}

	hw_rate = (double)people / t_hw;
	sq_rate = (double)people / t_sq;
	if (json) {
		printf("{\"rows\":%" PRId64 ",\"homeward_rows_per_s\":%.0f,"
		       "\"sqlite3_rows_per_s\":%.0f,\"ratio\":%.3f,"
		       "\"homeward_s\":%.3f,\"sqlite3_s\":%.3f}\n",
		       people, hw_rate, sq_rate, hw_rate / sq_rate, t_hw, t_sq);
	} else {
		printf("rows                  %12" PRId64 "\n", people);
		printf("homeward import       %12.0f rows/s  (%.2f s, validating, "
		       "normalising, sealing, indexing)\n", hw_rate, t_hw);
		printf("sqlite3 shell .import %12.0f rows/s  (%.2f s, one bare table)\n",
		       sq_rate, t_sq);
		printf("ratio                 %12.3f  (homeward / sqlite3)\n",
		       hw_rate / sq_rate);
	}
	rc = HW_OK;
out:
	if (have_dir)
		bench_remove_tree(dir);
	strbuf_release(&csv);
	strbuf_release(&dbp);
	strbuf_release(&raw);
	strbuf_release(&err);
	strbuf_release(&cmd);
	return rc;
}

static const struct subcommand benches[] = {
	{ "import", "bench import", bench_import,
	  "registrant CSV import against the sqlite3 shell's .import" },
	{ "geo", "bench geo", bench_geo,
	  "who is inside an area: against brute force, SQLite R*Tree and PostGIS" },
	{ "http", "bench http", bench_http,
	  "the HTTP server under wrk: persons and area counts against nginx" },
};

int cmd_bench(int argc, char **argv)
{
	return cli_dispatch("bench", benches, ARRAY_SIZE(benches), argc, argv);
}
