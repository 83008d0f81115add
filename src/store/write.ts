/**
 * Writes one folded batch in one transaction: sources, addresses, then the observation rows
 * as upserts keyed by row digest. A row written again by the same ingest adds up (its events
 * came in several batches); written by another ingest, its counts are replaced — the same
 * source re-ingested says the same thing again — while first/last seen only widen.
 */
import { type Insertable, type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { Batched, chunks } from './batched.js';
import { type BatchFold, type FoldedPair, rowKey } from './fold.js';
import type { Database, FactTable, FlowTable, OpTable } from './schema.js';
import type { Dialect } from './types.js';

const ref = (table: string, col: string) => sql.ref(`${table}.${col}`);
const excluded = (col: string) => sql.ref(`excluded.${col}`);

/** Counts: summed within one ingest, replaced by another. */
function counted(table: string, col: string): RawBuilder<number> {
  return sql<number>`case when ${ref(table, 'ingest_id')} = ${excluded('ingest_id')} then ${ref(table, col)} + ${excluded(col)} else ${excluded(col)} end`;
}

function earliest(table: string, col: string): RawBuilder<number> {
  return sql<number>`case when ${excluded(col)} < ${ref(table, col)} then ${excluded(col)} else ${ref(table, col)} end`;
}

function latest(table: string, col: string): RawBuilder<number> {
  return sql<number>`case when ${excluded(col)} > ${ref(table, col)} then ${excluded(col)} else ${ref(table, col)} end`;
}

/** Fewest hops, where -1 (unknown) never wins. */
function fewestHops(table: string, col: string): RawBuilder<number> {
  const t = ref(table, col);
  const x = excluded(col);
  return sql<number>`case when ${t} < 0 then ${x} when ${x} < 0 then ${t} when ${x} < ${t} then ${x} else ${t} end`;
}

async function sourceIds(trx: Transaction<Database>, names: Iterable<string>, known: Map<string, number>) {
  const missing = [...names].filter((n) => !known.has(n));
  const now = Date.now();
  for (const part of chunks(missing)) {
    await trx
      .insertInto('sources')
      .values(part.map((name) => ({ name, created: now })))
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const rows = await trx.selectFrom('sources').select(['id', 'name']).where('name', 'in', part).execute();
    for (const r of rows) known.set(r.name, r.id);
  }
}

type EndpointRow = { key: string; first_seen: number };

// In order of first appearance: the ids keep it for identity resolution.
const endpoints = new Batched<EndpointRow>((trx, rows) =>
  trx
    .insertInto('endpoints')
    .values(rows)
    .onConflict((oc) => oc.column('key').doUpdateSet({ first_seen: earliest('endpoints', 'first_seen') })),
);

const facts = new Batched<Insertable<FactTable>>((trx, rows) =>
  trx
    .insertInto('obs_facts')
    .values(rows)
    .onConflict((oc) =>
      oc.column('k').doUpdateSet({
        n: counted('obs_facts', 'n'),
        first_seen: earliest('obs_facts', 'first_seen'),
        last_seen: latest('obs_facts', 'last_seen'),
        frame: sql<number>`case when ${excluded('last_seen')} >= ${ref('obs_facts', 'last_seen')} and ${excluded('frame')} is not null then ${excluded('frame')} else ${ref('obs_facts', 'frame')} end`,
        ingest_id: sql<number>`${excluded('ingest_id')}`,
      }),
    ),
);

const flows = new Batched<Insertable<FlowTable>>((trx, rows) =>
  trx
    .insertInto('obs_flows')
    .values(rows)
    .onConflict((oc) =>
      oc.column('k').doUpdateSet({
        flows: counted('obs_flows', 'flows'),
        c_packets: counted('obs_flows', 'c_packets'),
        s_packets: counted('obs_flows', 's_packets'),
        c_bytes: counted('obs_flows', 'c_bytes'),
        s_bytes: counted('obs_flows', 's_bytes'),
        first_seen: earliest('obs_flows', 'first_seen'),
        last_seen: latest('obs_flows', 'last_seen'),
        c_hops: fewestHops('obs_flows', 'c_hops'),
        s_hops: fewestHops('obs_flows', 's_hops'),
        ingest_id: sql<number>`${excluded('ingest_id')}`,
      }),
    ),
);

const ops = new Batched<Insertable<OpTable>>((trx, rows) =>
  trx
    .insertInto('obs_ops')
    .values(rows)
    .onConflict((oc) =>
      oc.column('k').doUpdateSet({
        n: counted('obs_ops', 'n'),
        failed: counted('obs_ops', 'failed'),
        first_seen: earliest('obs_ops', 'first_seen'),
        last_seen: latest('obs_ops', 'last_seen'),
        ingest_id: sql<number>`${excluded('ingest_id')}`,
      }),
    ),
);

export interface BatchWriter {
  /** Writes the batch and returns once it is committed. */
  write(fold: BatchFold): Promise<void>;
}

export function batchWriter(db: Kysely<Database>, dialect: Dialect, ingestId: number): BatchWriter {
  // Source ids learned from committed batches only: a rolled-back insert leaves no id behind.
  const committed = new Map<string, number>();
  return {
    async write(fold) {
      const learned = new Map(committed);
      await db.transaction().execute(async (trx) => {
        await sourceIds(trx, fold.sources, learned);
        const src = (name: string) => learned.get(name)!;
        /** The columns a flow row and an operation row share: identity, source and endpoints. */
        const pairColumns = (id: string, r: FoldedPair) => ({
          k: rowKey(id),
          source_id: src(r.source),
          ingest_id: ingestId,
          client_ip: r.clientIp,
          client_mac: r.clientMac,
          client_key: r.clientKey,
          server_ip: r.serverIp,
          server_mac: r.serverMac,
          server_key: r.serverKey,
        });
        await endpoints.run(
          trx,
          dialect,
          [...fold.endpoints].map(([key, first_seen]) => ({ key, first_seen })),
        );
        await facts.run(
          trx,
          dialect,
          [...fold.facts].map(([id, r]) => ({
            k: rowKey(id),
            source_id: src(r.source),
            ingest_id: ingestId,
            ip: r.ip,
            mac: r.mac,
            protocol: r.protocol,
            fact_key: r.key,
            fact_value: r.value,
            first_seen: r.first,
            last_seen: r.last,
            n: r.n,
            frame: r.frame,
          })),
        );
        await flows.run(
          trx,
          dialect,
          [...fold.flows].map(([id, r]) => ({
            ...pairColumns(id, r),
            server_port: r.serverPort,
            transport: r.transport,
            app: r.app,
            flows: r.flows,
            c_packets: r.packets[0],
            s_packets: r.packets[1],
            c_bytes: r.bytes[0],
            s_bytes: r.bytes[1],
            first_seen: r.first,
            last_seen: r.last,
            c_hops: r.hops[0],
            s_hops: r.hops[1],
          })),
        );
        await ops.run(
          trx,
          dialect,
          [...fold.ops].map(([id, r]) => ({
            ...pairColumns(id, r),
            protocol: r.protocol,
            op: r.op,
            code: r.code,
            target: r.target,
            n: r.n,
            failed: r.failed,
            first_seen: r.first,
            last_seen: r.last,
          })),
        );
        await trx
          .updateTable('store_state')
          .set((eb) => ({ rows_gen: eb('rows_gen', '+', 1) }))
          .where('id', '=', 1)
          .execute();
        await trx
          .updateTable('ingests')
          .set((eb) => ({ events: eb('events', '+', fold.events), batches: eb('batches', '+', 1) }))
          .where('id', '=', ingestId)
          .execute();
      });
      for (const [name, id] of learned) committed.set(name, id);
    },
  };
}
