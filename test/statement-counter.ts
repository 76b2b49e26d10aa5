// Counts the statements a server sends to the database (BEGIN/COMMIT aside): the round-trip
// tests hold each write path's count, since every round trip costs throughput under load.
import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/** The first table a statement names (for the log line). */
function firstTable(node: OperationNode): string {
  const seen = JSON.stringify(node);
  const m =
    /"kind":"TableNode","table":\{"kind":"SchemableIdentifierNode",[^}]*"identifier":\{"kind":"IdentifierNode","name":"([^"]+)"/.exec(
      seen,
    );
  return m ? m[1]! : 'raw';
}

/** Plug into the test server with `createTestServer({ wrapDb: (db) => db.withPlugin(counter) })`. */
export class StatementCounter implements KyselyPlugin {
  /** Each statement as `Kind:table` (e.g. `Insert:service_requests`), in order. */
  statements: string[] = [];
  private on = false;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.on) this.statements.push(`${args.node.kind.replace('QueryNode', '')}:${firstTable(args.node)}`);
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
  /** The number of statements `run` sends. */
  async measure(run: () => Promise<unknown>): Promise<number> {
    this.statements = [];
    this.on = true;
    try {
      await run();
    } finally {
      this.on = false;
    }
    return this.statements.length;
  }
}
