// How the edge Worker talks to the recommend Worker over the RECOMMEND service binding: the
// authenticated site travels in this header (the recommend Worker is reachable only through the
// binding, so it trusts it). Here so that both the edge's routes and its cron jobs can name it.

/** The edge Worker names the authenticated site in this header when it calls the recommend Worker. */
export const SITE_HEADER = "x-wayfind-site";
