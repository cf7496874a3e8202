# `homeward stats` (text and --json) and `homeward export` (CSV, GeoJSON,
# --country) agree with the file that was imported. JSON is checked by
# parsing it with node, and the CSV with a small RFC 4180 reader.
. "$TESTS/t/lib.sh"

cat > check.js <<'EOF'
// node check.js MODE ARGS...: exits non-zero with a message on a mismatch.
const fs = require("fs");
const fail = (m) => { console.error("FAIL: " + m); process.exit(1); };
const eq = (got, want, what) => {
	if (JSON.stringify(got) !== JSON.stringify(want))
		fail(`${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
};
const json = (f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); }
	catch (e) { fail(`${f} is not JSON: ${e.message}`); } };
// RFC 4180: records of fields, quotes doubled inside quoted fields.
function csv(f) {
	const s = fs.readFileSync(f, "utf8").replace(/^\uFEFF/, "");
	const rows = []; let row = [], fld = "", q = false;
	for (let i = 0; i < s.length; i++) {
		const c = s[i];
		if (q) {
			if (c === '"' && s[i + 1] === '"') { fld += '"'; i++; }
			else if (c === '"') q = false;
			else fld += c;
		} else if (c === '"') q = true;
		else if (c === ",") { row.push(fld); fld = ""; }
		else if (c === "\n") { row.push(fld.replace(/\r$/, "")); rows.push(row); row = []; fld = ""; }
		else fld += c;
	}
	if (fld !== "" || row.length) { row.push(fld); rows.push(row); }
	const head = rows.shift();
	return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}
const count = (rows, key) => {
	const m = {};
	for (const r of rows) if (r[key] !== "") m[r[key]] = (m[r[key]] || 0) + 1;
	return m;
};
const distinct = (rows, key) => new Set(rows.map((r) => r[key]).filter((v) => v !== "")).size;
const [mode, ...a] = process.argv.slice(2);

if (mode === "stats") {
	// stats.json stats.txt file.csv: totals and by_country against the file.
	const j = json(a[0]), rows = csv(a[2]);
	const persons = distinct(rows, "external_id");
	eq(j.persons, persons, "persons");
	eq(j.presences, rows.length, "presences");
	eq(j.parties, distinct(rows, "party_id"), "parties");
	eq(j.organisations, distinct(rows, "organisation"), "organisations");
	eq(j.missions, 0, "missions");
	eq(j.by_mission, [], "by_mission");
	const want = {};
	for (const r of rows) {
		const w = want[r.country] ||= { p: new Set(), n: 0, pa: new Set(), o: new Set() };
		w.p.add(r.external_id); w.n++;
		if (r.party_id) w.pa.add(r.party_id);
		if (r.organisation) w.o.add(r.organisation);
	}
	const got = {};
	let sum = 0, sumPres = 0, last = Infinity;
	for (const c of j.by_country) {
		if (c.persons > last) fail(`by_country not in descending order at ${c.country}`);
		last = c.persons;
		got[c.country] = [c.persons, c.presences, c.parties, c.organisations];
		sum += c.persons; sumPres += c.presences;
	}
	const wantBy = Object.fromEntries(Object.entries(want).map(([k, w]) =>
		[k, [w.p.size, w.n, w.pa.size, w.o.size]]));
	eq(Object.keys(got).sort(), Object.keys(wantBy).sort(), "countries");
	for (const k of Object.keys(wantBy)) eq(got[k], wantBy[k], `by_country ${k}`);
	eq(sumPres, rows.length, "sum of by_country presences");
	// A person with stays in two countries counts in each (ARG 4: 1 if the
	// file has such a person).
	if (+a[3] === 0 ? sum !== persons : sum <= persons)
		fail(`sum of by_country persons ${sum} for ${persons} persons`);
	// The text form says the same.
	const t = fs.readFileSync(a[1], "utf8");
	for (const k of ["persons", "presences", "parties", "organisations", "missions"]) {
		const m = t.match(new RegExp(`^${k} +(\\d+)$`, "m"));
		if (!m) fail(`text stats lack a '${k}' line`);
		eq(+m[1], j[k], `text ${k}`);
	}
	const lines = t.split("\n");
	const at = lines.findIndex((l) => l === "by country:");
	if (at < 0) fail("text stats lack 'by country:'");
	const text = [];
	for (const l of lines.slice(at + 2)) {
		const m = l.match(/^  ([A-Z]{2}) +(\d+) +(\d+) +(\d+) +(\d+)$/);
		if (!m) break;
		text.push([m[1], +m[2], +m[3], +m[4], +m[5]]);
	}
	eq(text, j.by_country.map((c) => [c.country, c.persons, c.presences, c.parties, c.organisations]),
	   "text by country");
	if (!/^by mission:\n.*\n  \(none\)$/m.test(t)) fail("text stats lack an empty 'by mission:'");
} else if (mode === "geojson") {
	// export.geojson file.csv: one Feature per row, in order, with the
	// row's values (lat/lon as the geometry, empty cells left out).
	const g = json(a[0]), rows = csv(a[1]);
	eq(g.type, "FeatureCollection", "type");
	eq(g.features.length, rows.length, "features");
	g.features.forEach((f, i) => {
		const r = rows[i];
		eq(f.type, "Feature", `feature ${i} type`);
		if (r.lat === "") eq(f.geometry, null, `feature ${i} geometry`);
		else eq(f.geometry, { type: "Point", coordinates: [+r.lon, +r.lat] }, `feature ${i} geometry`);
		const want = {};
		for (const [k, v] of Object.entries(r)) if (k !== "lat" && k !== "lon" && v !== "") want[k] = v;
		eq(f.properties, want, `feature ${i} properties`);
	});
} else if (mode === "country") {
	// export.csv file.csv CC: the rows of CC, in the file's order.
	const got = csv(a[0]), rows = csv(a[1]).filter((r) => r.country === a[2]);
	eq(got, rows, `rows of ${a[2]}`);
} else if (mode === "empty") {
	// stats.json export.geojson: an empty registry.
	const j = json(a[0]), g = json(a[1]);
	eq([j.persons, j.presences, j.parties, j.organisations, j.by_country], [0, 0, 0, 0, []], "empty stats");
	eq(g, { type: "FeatureCollection", features: [] }, "empty geojson");
} else {
	fail(`unknown mode ${mode}`);
}
EOF

# An empty registry: valid JSON with zeros and no features.
hw init --db t.db >/dev/null
hw stats --db t.db --json > s0.json
hw export registrants --db t.db --format geojson > e0.geojson
node check.js empty s0.json e0.geojson

# A generated registry of 3000 rows, one per person.
hw gen --people 3000 --seed 11 --nationality PH --today 2026-11-27 --out p.csv >/dev/null
hw import registrants p.csv --db t.db >/dev/null
expect_status 0 hw stats --db t.db --json
cp out s.json
expect_status 0 hw stats --db t.db
cp out s.txt
node check.js stats s.json s.txt p.csv 0

# GeoJSON: one Feature per row with the row's values.
hw export registrants --db t.db --format geojson > all.geojson
node check.js geojson all.geojson p.csv

# --country: the rows of that country only, in order, in CSV and GeoJSON;
# the code may be given in lower case. The two largest countries, and one
# with nobody in it (just the header, no features).
for cc in $(node -e 'const j = JSON.parse(require("fs").readFileSync("s.json")); console.log(j.by_country.slice(0, 2).map((c) => c.country).join(" "))') IS; do
	lc=$(echo $cc | tr A-Z a-z)
	hw export registrants --db t.db --country $lc > c-$cc.csv
	head -1 c-$cc.csv | grep -q '^external_id,family_name,' || fail "no header in the $cc export"
	node check.js country c-$cc.csv p.csv $cc
	hw export registrants --db t.db --country $cc --format geojson > c-$cc.geojson
	node check.js geojson c-$cc.geojson c-$cc.csv
done
[ "$(wc -l < c-IS.csv)" -eq 1 ] || fail "rows for IS"

# A small hand-written registry: a person with stays in two countries counts
# once in each (and once in the total); a row without a point has a null
# geometry; names with quotes, backslashes and other scripts survive JSON.
cat > x.csv <<'EOF'
external_id,family_name,given_name,native_name,sex,date_of_birth,nationality,passport_no,phone,email,language,country,city,lat,lon,arrival,departure,purpose,organisation,party_id,needs
X1,"O""Brien \ Jr",Seán,,M,1970-03-04,IE,,,,ga,FR,Paris,48.8566,2.3522,2026-01-01,2026-01-31,business,"Acme, ""Ltd""",,medical
X1,"O""Brien \ Jr",Seán,,M,1970-03-04,IE,,,,ga,DE,Berlin,52.52,13.405,2026-02-01,2026-02-28,business,"Acme, ""Ltd""",,medical
X2,王,小明,王小明,F,1999-12-31,CN,,,,zh-CN,DE,,,,,,resident,,H1,
X3,Müller,Jörg,,,,DE,,,,,FR,Lyon,45.764,4.8357,,,,,H2,wheelchair;infant
EOF
hw init --db x.db >/dev/null
hw import registrants x.csv --db x.db >/dev/null
hw stats --db x.db --json > xs.json
hw stats --db x.db > xs.txt
node check.js stats xs.json xs.txt x.csv 1
expect_eq "$(counts x.db)" "3 4" "counts of x.csv"
hw export registrants --db x.db --format geojson > x.geojson
node check.js geojson x.geojson x.csv
hw export registrants --db x.db > xe.csv
cmp xe.csv x.csv || { diff xe.csv x.csv; fail "x.csv does not round-trip"; }
