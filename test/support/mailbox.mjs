// A real mailbox, for the email tests and for `npm start`: the npm `smtp-server` on 127.0.0.1
// receives what the Worker sends over SMTP, and a small HTTP server (also 127.0.0.1) shows it:
//   GET  /                 the messages, newest first (HTML), each HTML email viewable with its charts
//   GET  /messages         the messages parsed by `mailparser` (JSON; ?to= filters by recipient)
//   POST /fail?count=N     refuse the next N deliveries (451), for retry tests
//   POST /drop?to=A&count=N  drop the connection in the middle of the next N messages to A (no reply
//                          to DATA, nothing kept), for fault tests; by recipient, so parallel tests do not collide
//   POST /parse            parse raw MIME (the send_email binding path delivers nothing locally)
//   POST /hooks/<name>     a webhook receiver: records the request (headers, body, the status answered)
//   GET  /hooks?path=      the recorded webhook requests (JSON; path filters by /hooks/<name>)
//   POST /hooks-fail?count=N  answer the next N webhook requests 503, for retry tests
// Ports default to random ones (tests); `npm start` passes fixed ones. With `dir`, messages are
// appended to dir/messages.ndjson and read back on the next start.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { resolve } from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { messagePage, listPage } from "./mailbox-pages.mjs";

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

function load(file) {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
  // A line cut short by a crash mid-write is skipped, not fatal.
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/**
 * @param {{ smtpPort?: number, httpPort?: number, dir?: string }} [options]
 */
export async function startMailbox({ smtpPort = 0, httpPort = 0, dir } = {}) {
  const file = dir ? resolve(dir, "messages.ndjson") : null;
  if (dir) mkdirSync(dir, { recursive: true });
  const received = file ? load(file) : [];
  let failNext = 0;
  let hooksFailNext = 0;
  const hooks = [];
  /** Recipient -> how many of its next messages lose their connection mid-DATA. */
  const dropNext = new Map();
  const smtp = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onData(stream, session, callback) {
      const dropFor = session.envelope.rcptTo.map((r) => r.address).find((a) => dropNext.get(a) > 0);
      if (dropFor) {
        dropNext.set(dropFor, dropNext.get(dropFor) - 1);
        // Part of the message has arrived: cut the connection before any reply, keep nothing.
        stream.once("data", () => {
          for (const connection of smtp.connections) if (connection.id === session.id) connection._socket.destroy();
        });
        stream.on("error", () => undefined);
        return;
      }
      const chunks = [];
      stream.on("data", (c) => chunks.push(c));
      stream.on("end", () => {
        if (failNext > 0) {
          failNext--;
          const err = new Error("Mailbox temporarily unavailable");
          err.responseCode = 451;
          return callback(err);
        }
        const message = {
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          at: Date.now(),
        };
        try {
          if (file) appendFileSync(file, JSON.stringify(message) + "\n");
        } catch (err) {
          err.responseCode = 452;
          return callback(err);
        }
        received.push(message);
        callback();
      });
    },
  });
  // Without a listener an EventEmitter throws: a client's dropped connection must not end the mailbox.
  // (A failed listen is reported by listen() below.)
  smtp.on("error", (err) => {
    if (smtp.server.listening) console.error("mailbox SMTP:", err.message);
  });
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
    const page = (status, html) => {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
      res.end(html);
    };
    try {
      if (req.method === "GET" && url.pathname === "/messages") {
        const to = url.searchParams.get("to");
        const mine = received.map((m, i) => ({ ...m, id: i + 1 })).filter((m) => !to || m.envelopeTo.includes(to));
        return send(
          200,
          await Promise.all(mine.map(async (m) => ({ id: m.id, envelopeTo: m.envelopeTo, ...(await parse(m.raw)) }))),
        );
      }
      if (req.method === "GET" && url.pathname === "/") {
        const list = await Promise.all(
          received.map(async (m, i) => ({ id: i + 1, at: m.at, ...(await parse(m.raw)) })),
        );
        return page(200, listPage(list.reverse()));
      }
      const view = /^\/messages\/(\d+)(\.eml)?$/.exec(url.pathname);
      if (req.method === "GET" && view) {
        const m = received[Number(view[1]) - 1];
        if (!m) return page(404, listPage([], `No message ${view[1]}.`));
        if (view[2]) {
          res.writeHead(200, { "content-type": "message/rfc822" });
          return res.end(m.raw);
        }
        return page(
          200,
          messagePage({ id: Number(view[1]), at: m.at, envelopeTo: m.envelopeTo, ...(await parse(m.raw)) }),
        );
      }
      if (req.method === "POST" && url.pathname === "/fail") {
        failNext = Number(url.searchParams.get("count") ?? 1);
        return send(200, { failNext });
      }
      if (req.method === "POST" && url.pathname === "/drop") {
        const to = url.searchParams.get("to") ?? "";
        dropNext.set(to, Number(url.searchParams.get("count") ?? 1));
        return send(200, { to, dropNext: dropNext.get(to) });
      }
      if (req.method === "POST" && url.pathname === "/parse") return send(200, await parse(body));
      if (req.method === "POST" && url.pathname.startsWith("/hooks/")) {
        const status = hooksFailNext > 0 ? (hooksFailNext--, 503) : 200;
        hooks.push({ path: url.pathname, headers: req.headers, body, status, at: Date.now() });
        return send(status, { received: status === 200 });
      }
      if (req.method === "GET" && url.pathname === "/hooks") {
        const path = url.searchParams.get("path");
        return send(
          200,
          hooks.filter((h) => !path || h.path === path),
        );
      }
      if (req.method === "POST" && url.pathname === "/hooks-fail") {
        hooksFailNext = Number(url.searchParams.get("count") ?? 1);
        return send(200, { hooksFailNext });
      }
      send(404, { error: "no such route" });
    } catch (err) {
      send(500, { error: String(err) });
    }
  });
  await listen(smtp.server, smtpPort);
  try {
    await listen(http, httpPort);
  } catch (err) {
    smtp.close();
    throw err;
  }
  smtp.server.unref();
  http.unref();
  return {
    smtpPort: smtp.server.address().port,
    httpUrl: `http://127.0.0.1:${http.address().port}`,
    close: () =>
      Promise.all([new Promise((r) => smtp.close(r)), new Promise((r) => http.close(r))]).then(() => undefined),
  };
}
