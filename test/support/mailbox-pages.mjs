// The mailbox's HTML pages: a list of messages, and one message with its HTML body shown as a mail
// client would (in a sandboxed frame: no scripts, its styles kept apart), inline `cid:` images included.

const escape = (s) =>
  String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );

const time = (ms) =>
  new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");

const STYLE = `body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
a{color:#0b57d0}.muted{color:#666}iframe{width:100%;height:80vh;border:1px solid #ccc;border-radius:4px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#666}dd{margin:0}`;

const layout = (title, body) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;

/** @param {{ id: number, at: number, subject: string | null, to: string[] }[]} messages newest first */
export function listPage(messages, note = "") {
  const rows = messages
    .map(
      (m) =>
        `<tr><td class="muted">${escape(time(m.at))}</td><td>${escape(m.to.join(", "))}</td>` +
        `<td><a href="/messages/${m.id}">${escape(m.subject ?? "(no subject)")}</a></td></tr>`,
    )
    .join("");
  return layout(
    "Wayfind mailbox",
    `<h1>Mailbox</h1>${note ? `<p>${escape(note)}</p>` : ""}
<p class="muted">What the local Workers sent over SMTP. JSON: <a href="/messages">/messages</a>.</p>
${messages.length ? `<table><tr><th>Received</th><th>To</th><th>Subject</th></tr>${rows}</table>` : "<p>No messages yet.</p>"}`,
  );
}

/** The HTML body with each `cid:` reference replaced by its inline part as a data: URL. */
export function inlineImages(html, attachments) {
  const byCid = new Map(attachments.filter((a) => a.cid).map((a) => [a.cid, a]));
  return html.replace(/cid:([^"')\s>]+)/g, (ref, cid) => {
    const a = byCid.get(cid);
    return a ? `data:${a.contentType};base64,${a.base64}` : ref;
  });
}

/** @param {{ id: number, at: number, envelopeTo: string[], from: string | null, to: string[], subject: string | null, text: string | null, html: string | null, attachments: { cid: string | null, contentType: string, filename: string | null, related: boolean, base64: string }[] }} m */
export function messagePage(m) {
  const files = m.attachments.filter((a) => !a.related);
  const body = m.html
    ? `<iframe sandbox srcdoc="${escape(inlineImages(m.html, m.attachments))}" title="Message body"></iframe>`
    : `<pre>${escape(m.text)}</pre>`;
  return layout(
    m.subject ?? "(no subject)",
    `<p><a href="/">← All messages</a></p><h1>${escape(m.subject ?? "(no subject)")}</h1>
<dl><dt>From</dt><dd>${escape(m.from)}</dd><dt>To</dt><dd>${escape(m.to.join(", "))}</dd>
<dt>Envelope to</dt><dd>${escape(m.envelopeTo.join(", "))}</dd><dt>Received</dt><dd>${escape(time(m.at))}</dd>
<dt>Source</dt><dd><a href="/messages/${m.id}.eml">${m.id}.eml</a></dd>
${files.length ? `<dt>Attachments</dt><dd>${files.map((a) => escape(`${a.filename ?? "(unnamed)"} (${a.contentType})`)).join("<br>")}</dd>` : ""}</dl>
${body}${m.html && m.text ? `<details><summary>Text part</summary><pre>${escape(m.text)}</pre></details>` : ""}`,
  );
}
