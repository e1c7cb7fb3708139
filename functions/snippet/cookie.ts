// The cookie-mode visitor id (data-cookie on the tag, the site's cookie_mode on): a first-party
// `_wf_vid` cookie, 1 year, SameSite=Lax. Shared by the options add-on (which puts it on events)
// and the experiments add-on (which may run first and hashes it), so both see the same id.

/** The visitor's id from the cookie; with `create`, made when missing and the cookie's year renewed. */
export function visitorCookie(create: unknown): string | undefined {
  let id = /(?:^|; )_wf_vid=([^;]+)/.exec(document.cookie)?.[1];
  if (create) {
    id ??= Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
    document.cookie = `_wf_vid=${id};max-age=31536000;path=/;samesite=lax${location.protocol == "https:" ? ";secure" : ""}`;
  }
  return id;
}

/** A tag option in the core's sense: present and not "false". */
export const tagOption = (data: DOMStringMap, name: string) => (data[name] ?? "false") != "false";
