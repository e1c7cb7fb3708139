// Fault injection for the workerd tests: bindings wrapped in a Proxy and handed to the product's own
// handlers, so the code under test is the shipped code (no test hooks in it). A wrapped D1 records
// what each prepared statement was bound to, so a fault can strike only the writes of one site.
import { createExecutionContext, env } from "cloudflare:test";
import edge from "../../functions/edge/index";

/** A bound D1 statement's parameters, by statement (the statement object stays the real one). */
const boundArgs = new WeakMap<object, unknown[]>();

export interface D1Faults {
  /** Called before each batch with its statements' bound parameters; throw to fail the batch. */
  beforeBatch?: (args: unknown[][]) => void;
  /** Called after a batch committed; throw to lose its answer (written, but the caller sees an error). */
  afterBatch?: (args: unknown[][]) => void;
}

function wrapStatement(statement: D1PreparedStatement): D1PreparedStatement {
  return new Proxy(statement, {
    get(target, prop) {
      if (prop === "bind") {
        return (...args: unknown[]) => {
          const bound = target.bind(...args);
          boundArgs.set(bound, args);
          return bound;
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** env.DB with faults injected into its batches (the consumer writes each site in one batch). */
export function faultyDb(faults: D1Faults, db: D1Database = env.DB): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrapStatement(target.prepare(sql));
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const args = statements.map((s) => boundArgs.get(s) ?? []);
          faults.beforeBatch?.(args);
          const result = await target.batch(statements);
          faults.afterBatch?.(args);
          return result;
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** True when any statement of a batch was bound to `value` (a site id, a message id). */
export const batchBinds = (args: unknown[][], value: unknown) => args.some((a) => a.includes(value));

/** The error D1 gives when it is briefly unreachable, as the consumer would see it. */
export const d1Outage = (what: string) => new Error(`D1_ERROR: Network connection lost (injected: ${what})`);

/** The edge Worker's env with some bindings replaced. */
export const withBindings = (overrides: Partial<typeof env>): typeof env => ({ ...env, ...overrides });

/** One request through the edge Worker's fetch handler with these bindings. */
export async function fetchWith(request: Request, bindings: typeof env): Promise<Response> {
  return edge.fetch(request as Request<unknown, IncomingRequestCfProperties>, bindings, createExecutionContext());
}
