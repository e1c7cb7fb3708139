// The site a request acts on, or the standard 404.
import type { ControlDatabase } from "../../../schema/databases";
import type { SiteScope } from "../../../schema/queries/scope";
import { getSite, type SiteRow } from "../../../schema/queries/sites";
import { ApiError } from "../../shared/errors";

export async function siteOr404(db: ControlDatabase, scope: SiteScope): Promise<SiteRow> {
  const site = await getSite(db, scope);
  if (!site) throw new ApiError(404, "not_found", "No such site.");
  return site;
}
