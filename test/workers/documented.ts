// Checks a real response body against the schema the OpenAPI document gives for it, strictly: every
// key of an object must be documented (properties, or a typed additionalProperties), every required
// key present, every type and enum respected. Route tests call it on the bodies they already read,
// so the document cannot drift from what the handlers return.
import { expect } from "vitest";
import { api } from "./helpers";

type Schema = Record<string, unknown>;
interface Doc {
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> }>
  >;
  components?: { schemas?: Record<string, Schema> };
}

let cached: Promise<Doc> | undefined;
const openapi = () => (cached ??= api("/api/v1/openapi.json").then((r) => r.json() as Promise<Doc>));

function resolve(doc: Doc, s: Schema): Schema {
  while (typeof s.$ref === "string") s = doc.components!.schemas![s.$ref.replace("#/components/schemas/", "")]!;
  return s;
}

/** allOf branches merged into one object schema, so strictness sees every branch's properties. */
function flatten(doc: Doc, s: Schema): Schema {
  s = resolve(doc, s);
  if (!Array.isArray(s.allOf)) return s;
  const { allOf, ...rest } = s;
  const merged: Schema = { ...rest, properties: { ...((rest.properties as object) ?? {}) } };
  const required = new Set((rest.required as string[]) ?? []);
  for (const branch of (allOf as Schema[]).map((b) => flatten(doc, b))) {
    Object.assign(merged.properties as object, branch.properties ?? {});
    for (const r of (branch.required as string[]) ?? []) required.add(r);
    merged.type ??= branch.type;
  }
  merged.required = [...required];
  return merged;
}

function kindOf(v: unknown): string[] {
  if (v === null) return ["null"];
  if (Array.isArray(v)) return ["array"];
  if (typeof v === "number") return Number.isInteger(v) ? ["integer", "number"] : ["number"];
  return [typeof v];
}

function check(doc: Doc, schema: Schema, value: unknown, at: string, errors: string[]): void {
  const s = flatten(doc, schema);
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = s[key] as Schema[] | undefined;
    if (!branches) continue;
    const fits = branches.some((b) => {
      const e: string[] = [];
      check(doc, b, value, at, e);
      return e.length === 0;
    });
    if (!fits) errors.push(`${at}: matches no branch of ${key} (${JSON.stringify(value)?.slice(0, 200)})`);
  }
  const types = s.type === undefined ? undefined : ([] as string[]).concat(s.type as string | string[]);
  if (types && !kindOf(value).some((k) => types.includes(k))) {
    errors.push(`${at}: ${JSON.stringify(value)?.slice(0, 100)} is not ${types.join(" | ")}`);
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.includes(value))
    errors.push(`${at}: ${String(value)} not in ${s.enum.join(", ")}`);
  if (Array.isArray(value) && s.items) value.forEach((v, i) => check(doc, s.items as Schema, v, `${at}[${i}]`, errors));
  if (value && typeof value === "object" && !Array.isArray(value) && (s.properties || s.additionalProperties)) {
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const r of (s.required as string[]) ?? []) if (!(r in value)) errors.push(`${at}.${r}: missing`);
    for (const [k, v] of Object.entries(value)) {
      if (props[k]) check(doc, props[k], v, `${at}.${k}`, errors);
      else if (s.additionalProperties && typeof s.additionalProperties === "object") {
        check(doc, s.additionalProperties as Schema, v, `${at}.${k}`, errors);
      } else if (s.additionalProperties !== true) errors.push(`${at}.${k}: not documented`);
    }
  }
}

/** Fails unless `body` fits the documented JSON schema of `METHOD /path` (OpenAPI path syntax) at `status`. */
export async function expectDocumented(operation: string, status: number, body: unknown): Promise<void> {
  const [method, path] = operation.split(" ") as [string, string];
  const doc = await openapi();
  const schema =
    doc.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)]?.content?.["application/json"]?.schema;
  expect(schema, `${operation} ${status} has a documented JSON body`).toBeDefined();
  const errors: string[] = [];
  check(doc, schema!, body, "$", errors);
  expect(errors, operation).toEqual([]);
}
