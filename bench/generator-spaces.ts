/**
 * Checks, without a database, that the customer generator's identifiers stay unique over the first
 * N indices (default: the whole INDEX_LIMIT): every number of every kind and lane is marked in a
 * bitmap of its space, and a second mark is a duplicate.
 *
 *   node --import tsx bench/generator-spaces.ts [N]
 */
import {
  INDEX_LIMIT,
  creditCode,
  fixedNumber,
  mobileNumber,
  residentId,
  serviceNumber,
} from '../src/modules/customers/domain/generator.ts';

const count = Number((process.argv[2] ?? String(INDEX_LIMIT)).replace(/_/g, ''));
if (!Number.isInteger(count) || count < 1 || count > INDEX_LIMIT)
  throw new Error(`N must be a whole number from 1 to ${INDEX_LIMIT}`);

class Bitmap {
  private readonly bits: Uint8Array;
  duplicates = 0;
  constructor(size: number) {
    this.bits = new Uint8Array(Math.ceil(size / 8));
  }
  mark(i: number) {
    const byte = i >>> 3;
    const bit = 1 << (i & 7);
    if (this.bits[byte]! & bit) this.duplicates++;
    this.bits[byte]! |= bit;
  }
}

const MOBILE_PREFIXES = new Map<string, number>();
const mobile = new Bitmap(20 * 100_000_000);
const fixed = new Bitmap(100_000_000);
const ids = new Bitmap(20_454 * 1000);
const credit = new Bitmap(100_000_000);
const service = new Bitmap(20_000_000);
const EPOCH = Date.UTC(1950, 0, 1);

const t0 = performance.now();
for (let n = 0; n < count; n++) {
  for (let lane = 0; lane < 4; lane++) {
    const m = mobileNumber(n, lane);
    const p = m.slice(0, 3);
    let k = MOBILE_PREFIXES.get(p);
    if (k === undefined) MOBILE_PREFIXES.set(p, (k = MOBILE_PREFIXES.size));
    mobile.mark(k * 100_000_000 + Number(m.slice(3)));
  }
  for (const lane of ['consumer', 'switchboard', 'direct'] as const)
    fixed.mark(Number(fixedNumber('0571', n, lane).slice(4)));
  const id = residentId('330106', n);
  const day = (Date.UTC(+id.slice(6, 10), +id.slice(10, 12) - 1, +id.slice(12, 14)) - EPOCH) / 86_400_000;
  ids.mark(day * 1000 + Number(id.slice(14, 17)));
  credit.mark(Number(creditCode('330106', n).slice(8, 16)));
  const s = serviceNumber(n).accountNo;
  service.mark((s.startsWith('800') ? 10_000_000 : 0) + Number(s.slice(3)));
  if (n % 1_000_000 === 999_999)
    process.stderr.write(
      `${(n + 1).toLocaleString('en')} indices, ${Math.round(performance.now() - t0)} ms\n`,
    );
}
const result = {
  indices: count,
  duplicates: {
    mobile: mobile.duplicates,
    fixedLine: fixed.duplicates,
    residentId: ids.duplicates,
    creditCode: credit.duplicates,
    serviceNumber: service.duplicates,
  },
  seconds: Math.round((performance.now() - t0) / 100) / 10,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
if (Object.values(result.duplicates).some((d) => d > 0)) process.exitCode = 1;
