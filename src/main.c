/*
 * main.c: the command table and dispatch of the homeward binary.
 *
 * Every command is one row below; `homeward help` and `CMD --help` print
 * from this table, so a command is documented where it is registered.
 */
#include "core/homeward.h"
#include "auth/audit.h"
#include "bench/bench.h"
#include "core/cli.h"
#include "core/config.h"
#include "core/settings.h"
#include "store/db.h"
#include "registry/export.h"
#include "gen/gen.h"
#include "registry/import.h"
#include "crisis/incident.h"
#include "registry/mission.h"
#include "registry/person.h"
#include "http/openapi.h"
#include "crisis/outbox.h"
#include "registry/query.h"
#include "http/server.h"
#include "auth/user.h"
#include "registry/stats.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct command commands[] = {
	{ "init", cmd_init, "init [--db PATH] [--key FILE]",
	  "create a database, or migrate it to this version",
	  "Creates the database if it does not exist and applies every pending\n"
	  "migration. The first time, it also creates the key file that seals\n"
	  "sensitive fields (passport numbers): PATH.key beside the database,\n"
	  "mode 0600, unless --key or $HOMEWARD_KEY names another place. Keep\n"
	  "a copy of the key file apart from database backups: without it the\n"
	  "sealed fields cannot be read.\n", false },
	{ "gen", cmd_gen,
	  "gen --people N [--seed S] [--nationality CC] [--today DATE] --out FILE.csv",
	  "write a synthetic, realistic population as registrant CSV",
	  "Writes N registrants of one nationality in the canonical registrant\n"
	  "CSV: countries weighted like that nationality's real diaspora, cities\n"
	  "by real population, households sharing a place and a party_id,\n"
	  "organisations with workforces at one site, names in the native script\n"
	  "and in Latin script, E.164 phones, trips around today, special needs\n"
	  "at realistic rates. The same seed and date give the same file.\n", false },
	{ "import", cmd_import,
	  "import registrants FILE.csv [--db PATH] [--key FILE] [--skip-invalid]",
	  "validate and load registrants from CSV",
	  "Reads the canonical registrant CSV (UTF-8, RFC 4180, a header naming\n"
	  "the columns) and checks every row: required fields, dates, E.164\n"
	  "phones, ISO country codes, coordinates inside the row's country, a\n"
	  "person's rows agreeing with each other, a party not split across\n"
	  "countries at the same time. By default one invalid row refuses the\n"
	  "whole file: the first 100 problems are listed as FILE:LINE:COLUMN:\n"
	  "reason, nothing is written and the exit status is 2.\n"
	  "\n"
	  "A person already in the database (same external_id) is updated, and\n"
	  "its presences are replaced by the rows of the file.\n", false },
	{ "export", cmd_export,
	  "export registrants [--db PATH] [--key FILE] [--country CC] [--format csv|geojson]",
	  "write registrants to standard output",
	  "Writes every person and presence, one row each, in the canonical\n"
	  "registrant CSV (or as a GeoJSON FeatureCollection of points), in the\n"
	  "order they were first imported. Importing the output into an empty\n"
	  "database and exporting again gives the same bytes.\n", false },
	{ "stats", cmd_stats, "stats [--db PATH] [--json]",
	  "count persons, presences, parties and organisations",
	  "Prints the totals, then counts by country and by mission (through the\n"
	  "missions' jurisdictions).\n", false },
	{ "query", cmd_query,
	  "query [--db PATH] AREA... [--on DATE | --any-day] [--nationality CC]\n"
	  "       [--count | --ids | --csv | --geojson]",
	  "who is inside an area: circles, polygons, CAP alerts, countries",
	  "Loads the geo index from the database and lists the persons with a\n"
	  "presence inside the area on a date (by default today, UTC). Several\n"
	  "area options make a union, as in a CAP alert; a person counts once.\n"
	  "\n"
	  "Bad geometry (an unclosed ring, fewer than 4 positions, a latitude\n"
	  "beyond 90, a radius <= 0 or beyond half the Earth's circumference)\n"
	  "is refused with exit status 2.\n", false },
	{ "incident", cmd_incident,
	  "incident create (--cap FILE | --circle LAT,LON,KM | --polygon FILE.geojson |\n"
	  "       --country CC[,CC...]) [--title T] [--type TYPE] [--exercise]\n"
	  "       homeward incident list [--json]\n"
	  "       homeward incident show ID [--json]\n"
	  "       homeward incident update ID [AREA] [--title T] [--type TYPE]\n"
	  "       homeward incident close ID\n"
	  "       homeward incident poll --feed URL [--timeout S]",
	  "declare incidents from CAP alerts or areas; keep their rosters",
	  "create: declares an incident over an area and prints its id. Everyone\n"
	  "with a presence inside the area today (exactly whom 'homeward query'\n"
	  "counts for the same area) joins its roster with status unknown. A CAP\n"
	  "alert (1.0 to 1.2) brings the title (its first headline, else its\n"
	  "event), the type (from its event and category where obvious, else\n"
	  "'other') and the severity; status Exercise or Test makes an exercise,\n"
	  "which never messages real contacts. A CAP Update or Cancel is applied\n"
	  "to the incident its <references> name: an Update's area replaces the\n"
	  "area (the roster follows), a Cancel cancels it; the incident's id is\n"
	  "printed. A CAP message already applied (same sender and identifier)\n"
	  "is refused with exit status 2, as is an Update or Cancel whose\n"
	  "reference is unknown.\n"
	  "\n"
	  "update: a new area (widened or narrowed), title or type. Newcomers\n"
	  "join the roster; persons outside the new area stay on it with their\n"
	  "status but no longer count as affected, until they are inside again.\n"
	  "\n"
	  "poll: fetches an Atom or RSS feed of CAP messages (http or https),\n"
	  "fetches each message it links to and applies the new ones, oldest\n"
	  "first; messages applied before are skipped. Exit status 0 when every\n"
	  "message was applied or skipped, 2 if one was refused, 1 if one could\n"
	  "not be fetched (the others are applied all the same).\n"
	  "\n"
	  "People who register or arrive inside an open incident's area later\n"
	  "(through the API) join its roster then.\n", false },
	{ "mission", cmd_mission,
	  "mission add --code CODE --name NAME --countries CC[,CC...] [--kind KIND] [--city CITY]\n"
	  "       homeward mission list",
	  "add and list embassies, consulates and their jurisdictions",
	  "A mission covers the countries of its jurisdiction: officers see the\n"
	  "people present there, and stats count them by mission. A country may\n"
	  "be covered by more than one mission.\n", false },
	{ "audit", cmd_audit,
	  "audit verify [--db PATH]\n"
	  "       homeward audit list [--db PATH] [--limit N]\n"
	  "       homeward audit head [--db PATH]",
	  "check and read the audit log of writes and sensitive reads",
	  "Every write (import, mission add) and every read of sensitive fields\n"
	  "(export, query --csv/--geojson) adds an entry to the audit log: id,\n"
	  "UTC time, actor, action, object, detail and network address. Each\n"
	  "entry holds the hash of the one before it, so the log is a chain.\n"
	  "\n"
	  "verify: recompute the chain. Prints 'audit log intact: N entries,\n"
	  "head HASH' and exits 0, or names the first entry that was altered or\n"
	  "that follows a removed one, and exits 1.\n"
	  "list:   the latest entries, newest first, tab-separated: id, at,\n"
	  "        actor, action, object, detail, address.\n"
	  "head:   the id and hash of the latest entry. Removing the latest\n"
	  "        entries leaves a chain that is still intact, so keep a copy of\n"
	  "        the head somewhere else and compare it later.\n", false },
	{ "user", cmd_user,
	  "user add --login LOGIN --role ROLE [--mission CODE] --password-stdin\n"
	  "       homeward user list",
	  "add and list the people who sign in",
	  "Roles: citizen (its own records only), officer (the persons present\n"
	  "in its mission's jurisdiction), mission-head (an officer who also\n"
	  "manages the mission's users), hq (everything), auditor (read-only,\n"
	  "with the audit log). Officers and mission heads belong to a mission.\n"
	  "The password is read from the first line of standard input (never\n"
	  "from the command line) and stored as an argon2id hash.\n", false },
	{ "serve", cmd_serve,
	  "serve [--db PATH] [--listen ADDRESS:PORT] [--tls-cert FILE --tls-key FILE]",
	  "serve the HTTP API, check-in pages and the outbox dispatchers",
	  "Serves the registry and the geo engine over HTTP: the JSON API under\n"
	  "/api/v1 (its OpenAPI document at /api/openapi.json), /healthz and\n"
	  "/metrics (Prometheus). Loads every location into memory at start,\n"
	  "then answers from there. Sign in with POST /api/v1/session; users are\n"
	  "made with 'homeward user add'. Prints the address it listens on, and\n"
	  "stops cleanly on SIGINT or SIGTERM.\n"
	  "\n"
	  "It also runs the outbox's dispatchers (see 'homeward help dispatch'),\n"
	  "the check-in pages at /c/TOKEN with their group commit, and the SMS\n"
	  "gateway's web hooks, each configured by the settings below.\n", false },
	{ "notify", cmd_notify,
	  "notify --incident ID [--template NAME] [--channels email,sms,webhook]\n"
	  "       [--instructions TEXT] [--base-url URL] [settings...] [--db PATH] [--json]",
	  "enqueue an incident's messages to everyone on its roster",
	  "Writes one message per person on the incident's roster (inside its\n"
	  "area) and channel they can be reached on, in one transaction: e-mail\n"
	  "to their preferred e-mail contact, SMS to their preferred phone, and\n"
	  "the webhook (one JSON document per person) when asked for. Each text\n"
	  "is rendered now, in the person's language (en, zh, fr, es, ar; else\n"
	  "English), with their check-in link BASE_URL/c/TOKEN. A message is\n"
	  "enqueued once per incident, person, template and channel: running\n"
	  "notify again adds nothing. An exercise incident's messages are written\n"
	  "as 'suppressed' and never sent. 'homeward dispatch' (or 'serve')\n"
	  "sends them.\n", false },
	{ "dispatch", cmd_dispatch,
	  "dispatch [--once] [--smtp-url URL] [--sms-url URL] [--webhook-url URL]\n"
	  "       [settings...] [--db PATH]",
	  "send the outbox's messages: e-mail, SMS, webhook",
	  "Runs one dispatcher per configured channel until SIGINT or SIGTERM:\n"
	  "each claims due messages for a lease, sends them (several at once on\n"
	  "kept connections, within its rate limit), and records the provider's\n"
	  "id. A failure is retried with exponential backoff and jitter; after the\n"
	  "last attempt, or a refusal for good (a bad address), the message is\n"
	  "dead. Every few seconds the escalation ladder runs: a person still only\n"
	  "'notified' after --escalate-after seconds gets the alert on the channels\n"
	  "not yet used, then their emergency contacts are written to, then they\n"
	  "go on the officers' call list. 'serve' runs the same dispatchers, with\n"
	  "the same settings. Prints the messages sent, retried and dead at the\n"
	  "end.\n", false },
	{ "bench", cmd_bench,
	  "bench import|geo|http|crisis [--people N] [--queries Q] [--duration S]\n"
	  "       [--connections C] [--threads T] [--affected A]\n"
	  "       [--dispatch-seconds D] [--json]",
	  "measure speed against a baseline run in the same run, or a goal",
	  "bench import: generates N registrants (default 1,000,000), imports\n"
	  "them into a fresh database, then loads the same file with the sqlite3\n"
	  "shell's .import into a bare table, and prints rows per second for\n"
	  "both and their ratio. --json prints one object with the keys rows,\n"
	  "homeward_rows_per_s, sqlite3_rows_per_s and ratio.\n"
	  "\n"
	  "bench geo: generates and imports N registrants (default 1,000,000),\n"
	  "loads the geo engine from the database (load and build timed apart),\n"
	  "and runs a fixed query mix on it and, on the same points, on a\n"
	  "brute-force scan, an SQLite R*Tree and PostGIS: circles of 10, 50, 200\n"
	  "and 500 km around cities drawn by population, 30 countries from\n"
	  "Singapore to the United States, and irregular polygons read from CAP\n"
	  "alerts. Every engine's answer must equal Homeward's before any time\n"
	  "is printed; a difference is shown with the points in dispute and the\n"
	  "run fails. PostGIS runs in a scratch cluster on a free loopback port\n"
	  "(as the postgres user when run as root), removed at the end; if it is\n"
	  "missing, root installs it with apt-get, anyone else gets a notice and\n"
	  "a run without it. Then it times an answer holding everyone against\n"
	  "copying as many ids, and a million updates. Prints the median\n"
	  "milliseconds per query kind and engine, the totals of the mix and\n"
	  "Homeward's speedups (a baseline's total over Homeward's). --json\n"
	  "prints one object with the keys points, queries, load_s, build_s,\n"
	  "bytes_per_point, rtree_build_s, postgis_load_s,\n"
	  "speedup_vs_bruteforce, speedup_vs_rtree, speedup_vs_postgis (null\n"
	  "when skipped), total_s, median_ms (per kind), all_persons, all_ms,\n"
	  "copy_ms, updates and updates_per_s.\n"
	  "\n"
	  "bench http: generates and imports N registrants (default 100,000),\n"
	  "adds an hq user, starts the server in-process on a free loopback port\n"
	  "(T worker threads, no request log), signs in, and drives it with wrk\n"
	  "(T threads, C connections, S seconds each): GET /api/v1/persons/{id}\n"
	  "for random existing ids, then GET /api/v1/query?circle=..&format=count\n"
	  "around 60 real cities (10, 50 and 200 km). Then nginx (T workers, no\n"
	  "access log) serves a person's answer as a static file to the same wrk\n"
	  "settings. Any error status or socket error fails the run, naming it.\n"
	  "Prints requests per second, p50 and p99 latency for the three and the\n"
	  "ratios person/nginx and query/nginx. wrk and nginx (Debian packages\n"
	  "wrk, nginx-light) are installed with apt-get when root; others are\n"
	  "told to. --json prints one object with the keys people, duration_s,\n"
	  "connections, threads, response_bytes, person_rps, person_p50_ms,\n"
	  "person_p99_ms, query_rps, query_p50_ms, query_p99_ms, nginx_rps,\n"
	  "nginx_p50_ms, nginx_p99_ms (and *_requests), person_vs_nginx and\n"
	  "query_vs_nginx.\n"
	  "\n"
	  "bench crisis: generates and imports N registrants (default\n"
	  "5,000,000) and runs the crisis loop on them, each step against its\n"
	  "goal on a 2-core machine: declares an incident over the countries\n"
	  "(largest first, as the geo engine counts persons present today)\n"
	  "that hold about A persons (default N/5), timing the roster from\n"
	  "BEGIN to COMMIT with the engine loaded (goal: under 1 s); enqueues\n"
	  "the alert by webhook for everyone on the roster as 'homeward notify'\n"
	  "does (goal: 200,000 messages/s), then by e-mail; dispatches the\n"
	  "webhooks to a local nginx answering every POST (goal: 10,000/s) and\n"
	  "the e-mails to Postfix's smtp-sink (goal: 2,000/s), each for at most\n"
	  "D seconds (default 30; the figure is messages sent over the time\n"
	  "taken); then starts the server on a free loopback port and posts\n"
	  "check-in forms to /c/TOKEN for random roster persons with wrk (T\n"
	  "threads, C connections, S seconds), each acknowledged only once\n"
	  "committed (goal: 15,000/s), and checks that every acknowledged\n"
	  "check-in was recorded. The dispatchers' other settings come from the\n"
	  "environment as for serve (HOMEWARD_WEBHOOK_CONNECTIONS...). Prints\n"
	  "each figure beside its goal; --json prints one object with the keys\n"
	  "people, countries, roster, roster_s, enqueue_per_s, webhook_per_s,\n"
	  "smtp_per_s, checkin_rps, checkin_p99_ms, the counts behind them\n"
	  "(enqueued, webhooks_sent, emails_sent, emails_received, checkins,\n"
	  "checkins_recorded...) and goals_met. wrk and nginx are installed as\n"
	  "for bench http; smtp-sink comes with Postfix, which 'make deps'\n"
	  "installs with its daemon stopped and disabled.\n", false },
	{ "config", cmd_config, "config [--config FILE] [--NAME VALUE...] [--reference]",
	  "show every setting, its value and where it came from",
	  "Prints each setting of Homeward with the value a command would use\n"
	  "and where that value came from: its default, a settings file\n"
	  "(--config FILE, lines of 'name = value'), the environment\n"
	  "(HOMEWARD_...) or a flag. A flag wins over the environment, which wins\n"
	  "over the file. Secrets show only whether they are set. Every setting\n"
	  "can be given here as a flag, to see its effect: 'homeward config\n"
	  "--config /etc/homeward.conf --threads 8'.\n", false },
	{ "help", cmd_help, "help [CMD]", "list the commands, or explain one",
	  "Without an argument, lists the commands; with one, prints its usage\n"
	  "and options. 'homeward CMD --help' does the same.\n", false },
	{ "version", cmd_version, "version", "print the version", "", false },
	/* Internals for the black-box tests (after Fossil's test-* commands). */
	{ "test-routes", cmd_test_routes, "test-routes", "print the HTTP route table",
	  "", true },
	{ "test-passport-lookup", cmd_test_passport_lookup,
	  "test-passport-lookup [--db PATH] [--key FILE] NUMBER",
	  "print the external ids of the persons with this passport number",
	  "Looks the number up through the keyed hash index, as the server will.\n",
	  true },
	{ "test-login", cmd_test_login,
	  "test-login [--db PATH] --login LOGIN --password-stdin",
	  "check a password as sign-in will: exit 0 if it is accepted",
	  "", true },
	{ "test-query-brute", cmd_test_query_brute,
	  "test-query-brute [query options]",
	  "answer a query by scanning every presence, without the geo index",
	  "The reference the tests compare 'homeward query' with.\n", true },
};

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_usage_list(FILE *out)
{
	size_t i;

	fprintf(out, "usage: homeward <command> [options]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!commands[i].hidden)
			fprintf(out, "  %-9s %s\n", commands[i].name,
				commands[i].summary);
	fprintf(out, "\n'homeward help CMD' or 'homeward CMD --help' explains one.\n"
		"The database is --db PATH, else $HOMEWARD_DB, else ./homeward.db.\n");
}

/* A command's usage line, summary and prose (cli_set_help's printer):
 * the options and settings follow, printed from the tables that parse
 * them (cli_print_help). `cmd` may be a subcommand's full name. */
static void print_prose(const char *cmd)
{
	char name[32];
	const struct command *c;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(cmd, " "), cmd);
	c = find_command(name);
	if (!c)
		return;
	printf("usage: homeward %s\n\n%s\n", c->usage, c->summary);
	if (*c->help)
		printf("\n%s", c->help);
}

/* The commands that take no options answer --help here; the others do in
 * their option parser, which knows their options. */
static bool takes_options(const struct command *c)
{
	return c->fn != cmd_help && c->fn != cmd_version && c->fn != cmd_test_routes;
}

static int print_command_help(const struct command *c)
{
	char *argv[] = { (char *)c->name, (char *)"--help", NULL };

	if (!takes_options(c)) {
		print_prose(c->name);
		return HW_OK;
	}
	/* The command's parser prints its help and exits. */
	return c->fn(2, argv);
}

static int cmd_help(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		print_usage_list(stdout);
		return HW_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		cli_error("help", "unknown command '%s'", argv[1]);
		print_usage_list(stderr);
		return HW_EINPUT;
	}
	return print_command_help(c);
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("homeward %s\n", HW_VERSION);
	return HW_OK;
}

int main(int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT;
	const struct command *c;
	int i;

	/* A bad environment variable stops only the commands that read it
	 * (settings_env_check below). */
	(void)settings_init(&err);
	strbuf_release(&err);

	if (argc < 2) {
		print_usage_list(stderr);
		return 2;
	}
	c = find_command(argv[1]);
	if (!c) {
		if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			print_usage_list(stdout);
			return 0;
		}
		if (!strcmp(argv[1], "--version"))
			return hw_exit_status(cmd_version(0, NULL));
		fprintf(stderr, "homeward: unknown command '%s'\n\n", argv[1]);
		print_usage_list(stderr);
		return 2;
	}
	for (i = 2; i < argc && strcmp(argv[i], "--") && !takes_options(c); i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			print_prose(c->name);
			return 0;
		}
	}
	if (settings_env_check(c->name, &err)) {
		fprintf(stderr, "homeward %s: %s\n", c->name, err.buf);
		strbuf_release(&err);
		return 2;
	}
	strbuf_release(&err);
	cli_set_help(print_prose);
	/* The hooks by which lower wings reach higher ones (src/LAYERS). */
	incident_listen_arrivals();
	return hw_exit_status(c->fn(argc - 1, argv + 1));
}
