// RFC 5322 / MIME messages: a text and an HTML part, with images inline by Content-ID
// (multipart/related), as mail clients expect for charts. Pure; the same bytes go over SMTP or
// to the send_email binding.

export interface InlineImage {
  cid: string;
  filename: string;
  content: Uint8Array;
}

export interface MailInput {
  from: { name?: string; address: string };
  to: string;
  subject: string;
  text: string;
  html: string;
  images?: InlineImage[];
  headers?: Record<string, string>;
  /** For tests and reproducible output; random by default. */
  boundarySeed?: string;
  date?: Date;
}

const encoder = new TextEncoder();

export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Base64 in lines of 76 characters, as MIME requires. */
export function base64Lines(bytes: Uint8Array): string {
  return (base64(bytes).match(/.{1,76}/g) ?? []).join("\r\n");
}

/** RFC 2047 encoded word for non-ASCII header text ("ROI 周报" -> =?UTF-8?B?...?=). */
export function encodeHeader(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${base64(encoder.encode(text))}?=`;
}

const address = (a: { name?: string; address: string }) =>
  a.name ? `${encodeHeader(a.name.replace(/["\\]/g, ""))} <${a.address}>` : a.address;

export function buildMime(m: MailInput): { raw: string; messageId: string } {
  const seed = m.boundarySeed ?? crypto.randomUUID().replace(/-/g, "");
  const related = `rel_${seed}`;
  const alternative = `alt_${seed}`;
  const domain = m.from.address.split("@")[1] ?? "wayfind.local";
  const messageId = `<${seed}.${Date.now().toString(36)}@${domain}>`;
  const headers = {
    From: address(m.from),
    To: m.to,
    Subject: encodeHeader(m.subject),
    Date: (m.date ?? new Date()).toUTCString().replace("GMT", "+0000"),
    "Message-ID": messageId,
    "MIME-Version": "1.0",
    ...m.headers,
    "Content-Type": `multipart/related; type="multipart/alternative"; boundary="${related}"`,
  };
  const part = (type: string, body: string) =>
    `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(encoder.encode(body))}\r\n`;
  const lines = [
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    "",
    `--${related}`,
    `Content-Type: multipart/alternative; boundary="${alternative}"`,
    "",
    `--${alternative}`,
    part("text/plain", m.text),
    `--${alternative}`,
    part("text/html", m.html),
    `--${alternative}--`,
    "",
  ];
  for (const image of m.images ?? []) {
    lines.push(
      `--${related}`,
      `Content-Type: image/png; name="${image.filename}"`,
      "Content-Transfer-Encoding: base64",
      `Content-ID: <${image.cid}>`,
      `Content-Disposition: inline; filename="${image.filename}"`,
      "",
      base64Lines(image.content),
    );
  }
  lines.push(`--${related}--`, "");
  return { raw: lines.join("\r\n"), messageId };
}
