import type { Command } from 'commander';
import { systemClock } from '../core/clock';
import { DATA_TABLES, type DataTable } from '../db/schema-current';
import { recordAccessFor } from '../db/sqlite-fast-path';
import { AssignmentError, parseAssignments, parseRecordRef } from '../records/assignments';
import {
  listRecords,
  type RecordDetail,
  type RecordLine,
  showRecord,
} from '../records/read-records';
import { LocalStore } from '../sync/local-store';
import { SYNC_STATUSES } from '../sync/status-machine';
import type { Values } from '../sync/wire-format';
import { openExistingDevice } from './device-files';
import { UsageError } from './errors';
import type { GlobalOptions } from './global-options';
import { parseInteger } from './global-options';
import { type Printer, printable, wrapAction } from './output';
import { guardTarget } from './production-guard';

const STATUSES: readonly string[] = SYNC_STATUSES;

/**
 * `records list|show|edit|delete`: look at one device's records and change them the way the app
 * does (the record and its sync-queue row in one transaction), so a person can make a conflict or
 * pair with the app by hand. Nothing here talks to the server: the next `sync` pushes the change.
 */
export function registerRecordsCommand(program: Command): void {
  const records = program
    .command('records')
    .description('look at a device’s records and edit or delete them as the app would');

  records
    .command('list')
    .description('the newest records of the device (all collections, or one)')
    .option('--collection <name>', `one of ${DATA_TABLES.join(', ')}`)
    .option('--status <status>', `only records in this sync status (${STATUSES.join(', ')})`)
    .option('--limit <n>', 'at most this many', '20')
    .addHelpText(
      'after',
      '\nExamples:\n  $ personalai-sync --user alice --device phone records list --collection text_notes\n  $ personalai-sync records list --status error\n',
    )
    .action(
      wrapAction(async (options, command) => {
        const flags = command.opts() as { collection?: string; status?: string; limit: string };
        const collection = flags.collection === undefined ? undefined : table(flags.collection);
        if (flags.status !== undefined && !STATUSES.includes(flags.status))
          throw new UsageError(
            `--status must be one of ${STATUSES.join(', ')}; got "${flags.status}".`,
          );
        const limit = parseInteger('--limit', flags.limit, 1);
        await guardTarget(options, 'records list');
        const listed = await withDevice(options, (db) =>
          listRecords(db.database, { collection, status: flags.status, limit }),
        );
        return { result: listed, print: printList };
      }),
    );

  records
    .command('show')
    .argument('<collection/id>', 'e.g. text_notes/abc123')
    .description('every field of a record, its sync status, and its queued change if any')
    .action(
      wrapAction(async (options, command) => {
        const { table: t, id } = ref(command.args[0]);
        await guardTarget(options, 'records show');
        const detail = await withDevice(options, (db) => showRecord(db.database, t, id));
        if (!detail) throw notOnDevice(options, t, id);
        return { result: detail, print: printDetail };
      }),
    );

  records
    .command('edit')
    .argument('<collection/id>', 'e.g. text_notes/abc123')
    .argument('[field=value...]', 'fields to change, e.g. title="Tuesday" mood=calm (empty: null)')
    .description('change fields of a record as the app does; the next sync pushes it')
    .addHelpText(
      'after',
      '\nExamples:\n  $ personalai-sync --device phone records edit text_notes/abc123 title="From the phone"\n  $ personalai-sync --device tablet records edit text_notes/abc123 title="From the tablet"\n  $ personalai-sync --device phone sync && personalai-sync --device tablet sync   # a conflict\n',
    )
    .action(
      wrapAction(async (options, command) => {
        const { table: t, id } = ref(command.args[0]);
        let changes: Values;
        try {
          changes = parseAssignments(t, command.args.slice(1));
        } catch (error) {
          if (error instanceof AssignmentError) throw new UsageError(error.message);
          throw error;
        }
        await guardTarget(options, 'records edit');
        const detail = await withDevice(options, async (db) => {
          if (!(await showRecord(db.database, t, id))?.values.user_id)
            throw notOnDevice(options, t, id);
          await store(db, options).update(t, id, changes);
          return showRecord(db.database, t, id);
        });
        return {
          result: { changed: Object.keys(changes), record: detail },
          print: (r: { changed: string[]; record: RecordDetail | null }, out: Printer) => {
            out.line(
              `${t}/${printable(id)}: changed ${r.changed.join(', ')}; queued for the next sync (${r.record?.status})`,
            );
          },
        };
      }),
    );

  records
    .command('delete')
    .argument('<collection/id>', 'e.g. text_notes/abc123')
    .description('delete a record as the app does (a tombstone goes up with the next sync)')
    .action(
      wrapAction(async (options, command) => {
        const { table: t, id } = ref(command.args[0]);
        await guardTarget(options, 'records delete');
        const detail = await withDevice(options, async (db) => {
          if (!(await showRecord(db.database, t, id))?.values.user_id)
            throw notOnDevice(options, t, id);
          await store(db, options).delete(t, [id]);
          return showRecord(db.database, t, id);
        });
        return {
          result: { deleted: `${t}/${id}`, queued: detail?.queued ?? null },
          print: (_r: unknown, out: Printer) =>
            out.line(`${t}/${printable(id)}: deleted; the tombstone goes up with the next sync`),
        };
      }),
    );
}

type Opened = Awaited<ReturnType<typeof openExistingDevice>>['opened'];

async function withDevice<T>(options: GlobalOptions, work: (db: Opened) => Promise<T>): Promise<T> {
  const { opened } = await openExistingDevice(options);
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}

function store(db: Opened, options: GlobalOptions): LocalStore {
  return new LocalStore(db.database, systemClock, options.user, recordAccessFor(db.database));
}

function table(name: string): DataTable {
  if (!(DATA_TABLES as readonly string[]).includes(name))
    throw new UsageError(`--collection must be one of ${DATA_TABLES.join(', ')}; got "${name}".`);
  return name as DataTable;
}

function ref(text: string): { table: DataTable; id: string } {
  try {
    return parseRecordRef(text);
  } catch (error) {
    if (error instanceof AssignmentError) throw new UsageError(error.message);
    throw error;
  }
}

function notOnDevice(options: GlobalOptions, t: DataTable, id: string): UsageError {
  return new UsageError(
    `${t}/${id} is not on ${options.user}/${options.device}; \`records list --collection ${t}\` shows what is.`,
  );
}

function printList(r: { records: RecordLine[]; total: number }, out: Printer): void {
  if (r.records.length === 0) {
    out.line('no records');
    return;
  }
  const idWidth = Math.max(...r.records.map((x) => x.id.length));
  for (const x of r.records) {
    const when = new Date(x.updatedAt).toISOString().replace('T', ' ').slice(0, 19);
    out.line(
      `${x.collection.padEnd(14)} ${printable(x.id).padEnd(idWidth)}  ${x.status.padEnd(7)}  ${when}  ${printable(x.summary).slice(0, 60)}`,
    );
  }
  if (r.total > r.records.length)
    out.line(`… and ${r.total - r.records.length} more (--limit, --collection, --status)`);
}

function printDetail(r: RecordDetail, out: Printer): void {
  out.line(`${r.collection}/${printable(r.id)}  ${r.status}`);
  for (const [name, value] of Object.entries(r.values))
    out.line(`  ${name.padEnd(20)} ${value === null ? '—' : printable(JSON.stringify(value))}`);
  out.line(`  ${'remote version'.padEnd(20)} ${r.remoteVersion ?? 'never on the server'}`);
  if (r.queued)
    out.line(
      `  queued: ${r.queued.operation}, ${r.queued.attempts} attempt(s)${r.queued.parked ? ', parked' : ''}${r.queued.lastError ? ` — ${printable(r.queued.lastError)}` : ''}`,
    );
}
