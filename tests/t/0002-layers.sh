# The layer check of make test (tools/check-layers.sh) holds on the tree,
# and refuses what it must: an include against src/LAYERS, an include not
# by path, a cycle between modules, backend SQL outside the store.
. "$TESTS/t/lib.sh"

top="$TESTS/.."
expect_status 0 sh "$top/tools/check-layers.sh"
expect_in out "follow src/LAYERS, no cycles"

fresh() {
	rm -rf copy && mkdir -p copy/tools && cp -R "$top/src" copy/src &&
		cp "$top/tools/check-layers.sh" copy/tools/
}

fresh
echo '#include "api/registry.h"' >> copy/src/core/csv.h
expect_status 1 sh copy/tools/check-layers.sh
expect_in out 'core/csv.h:'
expect_in out '"api/registry.h" is in wing api, above core'

fresh
echo '#include "strbuf.h"' >> copy/src/geo/geo.c
expect_status 1 sh copy/tools/check-layers.sh
expect_in out '"strbuf.h" is not included by its path'

fresh
# roster.h is included by checkin.h: the other way round makes a loop.
echo '#include "crisis/checkin.h"' >> copy/src/crisis/roster.c
expect_status 1 sh copy/tools/check-layers.sh
expect_in out "include cycle:"
expect_in out "crisis/roster"

fresh
printf 'static const char *q = "PRAGMA synchronous=OFF";\n' >> copy/src/crisis/roster.c
expect_status 1 sh copy/tools/check-layers.sh
expect_in out "backend-specific"

fresh
mkdir copy/src/attic && echo 'int x;' > copy/src/attic/x.c
expect_status 1 sh copy/tools/check-layers.sh
expect_in out 'wing "attic" is not listed in src/LAYERS'
