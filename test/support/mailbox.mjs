// A real mailbox for the email tests: the npm `smtp-server` on 127.0.0.1 receives what the Worker
// sends over SMTP, and a small HTTP API (also 127.0.0.1) lets tests inside workerd read the
// messages, parsed by `mailparser`, make the server refuse the next deliveries, and parse raw MIME
// (for the send_email binding path, which delivers nothing locally).
import { createServer } from "node:http";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

async function parse(raw) {
  const m = await simpleParser(raw, { keepCidLinks: true });
  return {
    from: m.from?.text ?? null,
    to: m.to ? [m.to].flat().map((a) => a.text) : [],
    subject: m.subject ?? null,
    messageId: m.messageId ?? null,
    text: m.text ?? null,
    html: typeof m.html === "string" ? m.html : null,
    // Raw header values as sent (mailparser's parsed forms lose e.g. List-Unsubscribe's URL brackets).
    headers: Object.fromEntries(m.headerLines.map((h) => [h.key, h.line.slice(h.line.indexOf(":") + 1).trim()])),
    attachments: m.attachments.map((a) => ({
      contentType: a.contentType,
      contentId: a.contentId ?? null,
      cid: a.cid ?? null,
      filename: a.filename ?? null,
      related: a.related ?? false,
      base64: a.content.toString("base64"),
    })),
  };
}

export async function startMailbox() {
  const received = [];
  let failNext = 0;
  const smtp = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on("data", (c) => chunks.push(c));
      stream.on("end", () => {
        if (failNext > 0) {
          failNext--;
          const err = new Error("Mailbox temporarily unavailable");
          err.responseCode = 451;
          return callback(err);
        }
        received.push({
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          at: Date.now(),
        });
        callback();
      });
    },
  });
  await new Promise((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const http = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const body = await new Promise((resolve) => {
      const parts = [];
      req.on("data", (c) => parts.push(c));
      req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    });
    const send = (status, value) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    try {
      if (req.method === "GET" && url.pathname === "/messages") {
        const to = url.searchParams.get("to");
        const mine = received.filter((m) => !to || m.envelopeTo.includes(to));
        return send(
          200,
          await Promise.all(mine.map(async (m) => ({ envelopeTo: m.envelopeTo, ...(await parse(m.raw)) }))),
        );
      }
      if (req.method === "POST" && url.pathname === "/fail") {
        failNext = Number(url.searchParams.get("count") ?? 1);
        return send(200, { failNext });
      }
      if (req.method === "POST" && url.pathname === "/parse") return send(200, await parse(body));
      send(404, { error: "no such route" });
    } catch (err) {
      send(500, { error: String(err) });
    }
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  smtp.server.unref();
  http.unref();
  return { smtpPort: smtp.server.address().port, httpUrl: `http://127.0.0.1:${http.address().port}` };
}
