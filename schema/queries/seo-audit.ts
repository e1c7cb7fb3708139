// The on-page audit's findings: replaced whole by each audit, so the API shows the latest run.
import type { SiteDatabase } from "../databases";
import type { AuditCheck, Severity } from "../../models/seo/audit";
import { chunkByJsonBytes, JSON_PARAM_BUDGET_BYTES } from "../limits";
import type { SiteScope } from "./scope";

export interface FindingRow {
  url: string;
  check: AuditCheck;
  severity: Severity;
  message: string;
}

export async function replaceFindings(
  db: SiteDatabase,
  scope: SiteScope,
  rows: readonly FindingRow[],
  auditedAt: number,
) {
  const tuples = rows.map((r, i) => [r.url, i, r.check, r.severity, r.message]);
  await db.batch([
    db.prepare("DELETE FROM seo_audit_findings WHERE site_id = ?1").bind(scope.siteId),
    ...chunkByJsonBytes(tuples, JSON_PARAM_BUDGET_BYTES).map((chunk) =>
      db
        .prepare(
          'INSERT INTO seo_audit_findings (site_id, url, seq, "check", severity, message, audited_at) SELECT ?1, ' +
            "json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), " +
            "json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'), ?2 FROM json_each(?3) AS j",
        )
        .bind(scope.siteId, auditedAt, JSON.stringify(chunk)),
    ),
  ]);
}

export async function findings(db: SiteDatabase, scope: SiteScope) {
  const { results } = await db
    .prepare(
      'SELECT url, "check", severity, message, audited_at FROM seo_audit_findings WHERE site_id = ?1 ORDER BY ' +
        "CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, url, seq",
    )
    .bind(scope.siteId)
    .all<FindingRow & { audited_at: number }>();
  return results;
}

export interface PageRow {
  path: string;
  url: string;
  title: string;
  h1: string;
  description: string;
  words: number;
  linksIn: number;
  structuredData: boolean;
}

export async function replacePages(db: SiteDatabase, scope: SiteScope, rows: readonly PageRow[], auditedAt: number) {
  const tuples = rows.map((r) => [
    r.path,
    r.url,
    r.title,
    r.h1,
    r.description,
    r.words,
    r.linksIn,
    r.structuredData ? 1 : 0,
  ]);
  await db.batch([
    db.prepare("DELETE FROM seo_pages WHERE site_id = ?1").bind(scope.siteId),
    ...chunkByJsonBytes(tuples, JSON_PARAM_BUDGET_BYTES).map((chunk) =>
      db
        .prepare(
          "INSERT INTO seo_pages (site_id, path, url, title, h1, description, words, links_in, structured_data, audited_at) " +
            "SELECT ?1, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), " +
            "json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'), json_extract(j.value, '$[5]'), " +
            "json_extract(j.value, '$[6]'), json_extract(j.value, '$[7]'), ?2 FROM json_each(?3) AS j WHERE true " +
            "ON CONFLICT (site_id, path) DO NOTHING",
        )
        .bind(scope.siteId, auditedAt, JSON.stringify(chunk)),
    ),
  ]);
}

export async function auditedPages(db: SiteDatabase, scope: SiteScope) {
  const { results } = await db
    .prepare(
      "SELECT path, url, title, h1, description, words, links_in AS linksIn, structured_data AS structuredData FROM seo_pages WHERE site_id = ?1",
    )
    .bind(scope.siteId)
    .all<PageRow>();
  return results.map((r) => ({ ...r, structuredData: Boolean(r.structuredData) }));
}
