/**
 * `onepoint customers …`: import a file, generate demo data. (Key rotation is `onepoint rotate-keys`,
 * over every module: pii-keys.service.ts is this module's part.)
 * Declared in the module's definition (index.ts); the command line passes the platform opener.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { moduleCli, type ModuleCliDeps } from '../../platform/module-cli.ts';
import { systemActor } from '../audit/index.ts';
import { orgUnits } from '../identity/index.ts';
import { insertPrepared, nextCustomerNumbers, prepareCustomer } from './customers.bulk.ts';
import { planDemoCustomers, resolveAreas } from './customers.demo.ts';
import {
  customersToCsv,
  importCustomers,
  type ImportProgress,
  type ImportReport,
} from './customers.import.ts';
import type { CustomersTables } from './customers.tables.ts';
import { vaultFor } from './pii-keys.service.ts';

export type CustomerCliDeps = ModuleCliDeps<CustomersTables>;

/** Every command here handles personal data: the development-key warning and refusal apply. */
const PERSONAL = { personalData: true } as const;

const count = (v: string) => {
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1 || n > 10_000_000)
    throw new InvalidArgumentError('must be a whole number from 1 to 10 000 000');
  return n;
};

export function progressLine(p: ImportProgress): string {
  const pct = p.total ? Math.floor((p.done / p.total) * 100) : 100;
  return `${p.phase}: ${p.done.toLocaleString('en')}/${p.total.toLocaleString('en')} (${pct}%)`;
}

export function formatReport(r: ImportReport, maxErrors = 50): string {
  const lines = [
    r.ok
      ? `${r.dryRun ? 'valid (dry run, nothing written)' : 'imported'}: ${r.customers} customers, ${r.contacts} contacts, ${r.instances} instances from ${r.rows} rows in ${r.ms} ms`
      : `rejected: ${r.truncated ? 'more than ' : ''}${r.errors.length} problem(s) in ${r.rows} rows; nothing was imported`,
  ];
  for (const e of r.errors.slice(0, maxErrors))
    lines.push(`  row ${e.row}${e.column ? `, column ${e.column}` : ''}: ${e.message}`);
  if (r.errors.length > maxErrors) lines.push(`  … and ${r.errors.length - maxErrors} more`);
  return `${lines.join('\n')}\n`;
}

export function registerCustomerCommands(program: Command, deps: CustomerCliDeps): Command {
  const { out, err, withPlatform } = moduleCli(deps);

  const customers = program.command('customers').description('Customers: import, demo data');

  customers
    .command('import')
    .description('Import customers and instances from a CSV or XLSX file (all or nothing, with a report)')
    .argument('<file>', 'a .csv or .xlsx file; the first row names the columns')
    .option('--dry-run', 'validate only; write nothing')
    .action(async (file: string, opts: { dryRun?: boolean }) => {
      const buf = fs.readFileSync(file);
      const report = await withPlatform(
        'customers import',
        async (p) => {
          let last = '';
          return importCustomers(buf, {
            db: p.context.db,
            vault: vaultFor(p.context.config),
            actor: systemActor('cli'),
            dryRun: !!opts.dryRun,
            fileName: path.basename(file),
            onProgress: (pr) => {
              const l = progressLine(pr);
              if (l !== last) err(`${l}\n`);
              last = l;
            },
          });
        },
        PERSONAL,
      );
      out(formatReport(report));
      if (!report.ok) process.exitCode = 1;
    });

  customers
    .command('generate')
    .description('Generate fake customers of the demo province (generated names, valid-checksum fake IDs)')
    .requiredOption('--count <n>', 'how many consumers', count)
    .option('--enterprises <n>', 'enterprises per tier', count)
    .option('--seed <n>', 'random seed', count, 42)
    .option('--start <n>', 'first index for generated numbers (keep runs apart)', count, 1_000_000)
    .option('--csv <file>', 'write an import file instead of inserting')
    .action(
      async (opts: { count: number; enterprises?: number; seed: number; start: number; csv?: string }) => {
        await withPlatform(
          'customers generate',
          async (p) => {
            const areas = await resolveAreas(p.context.db);
            if (areas.length === 0)
              throw new Error('the demo org units are missing: run `onepoint serve --demo` once first');
            const plan = {
              consumers: opts.count,
              enterprisesPerTier: opts.enterprises ?? 0,
              seed: opts.seed,
              startIndex: opts.start,
            };
            const inputs = planDemoCustomers(areas, plan);
            if (opts.csv) {
              const codes = new Map((await orgUnits(p.context.db)).map((u) => [u.id, u.code]));
              const numbered = inputs.map((c, i) => ({ ...c, customerNo: `G${opts.start + i}` }));
              fs.writeFileSync(
                opts.csv,
                customersToCsv(numbered, (id) => codes.get(id) ?? id),
              );
              out(`wrote ${inputs.length} customers to ${opts.csv}\n`);
              return;
            }
            const vault = vaultFor(p.context.config);
            const started = performance.now();
            const batch = 5000;
            for (let i = 0; i < inputs.length; i += batch) {
              const part = inputs.slice(i, i + batch);
              await p.context.db.transaction().execute(async (trx) => {
                const numbers = await nextCustomerNumbers(trx, part.length);
                await insertPrepared(
                  trx,
                  part.map((c, k) => prepareCustomer(vault, c, numbers[k]!)),
                );
              });
              err(`inserted ${Math.min(i + batch, inputs.length)}/${inputs.length}\n`);
            }
            const s = (performance.now() - started) / 1000;
            out(
              `inserted ${inputs.length} customers in ${s.toFixed(1)} s (${Math.round(inputs.length / s)}/s)\n`,
            );
          },
          PERSONAL,
        );
      },
    );

  return customers;
}
