// A minimal SMTP submission client over cloudflare:sockets, for a message we built ourselves.
// worker-mailer speaks the protocol well but builds its own MIME without inline (Content-ID)
// parts, which the report's charts need; this sends any RFC 5322 message as is.
// Supports implicit TLS (465), STARTTLS (587) and plain (local test servers), AUTH PLAIN/LOGIN.
import { connect } from "cloudflare:sockets";

export interface SmtpOptions {
  host: string;
  port: number;
  security: "tls" | "starttls" | "none";
  username?: string;
  password?: string;
  /** Name we greet with (EHLO). */
  helo?: string;
}

/** A refusal or failure of the SMTP conversation; `code` is the server's reply code (0: none). */
export class SmtpError extends Error {
  override readonly name = "SmtpError";
  constructor(
    readonly code: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const TIMEOUT_MS = 15_000;

/** Reads one (possibly multi-line) reply: "250-..." lines continue, "250 ..." ends it. */
class ReplyReader {
  private buffer = "";
  constructor(private reader: ReadableStreamDefaultReader<Uint8Array>) {}

  async read(): Promise<{ code: number; text: string }> {
    const lines: string[] = [];
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const end = this.buffer.indexOf("\r\n");
      if (end >= 0) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        lines.push(line);
        if (line[3] !== "-") return { code: Number(line.slice(0, 3)), text: lines.map((l) => l.slice(4)).join("\n") };
        continue;
      }
      if (Date.now() > deadline) throw new SmtpError(0, "SMTP server timed out");
      const { value, done } = await this.reader.read();
      if (done) throw new SmtpError(0, "SMTP connection closed");
      this.buffer += decoder.decode(value, { stream: true });
    }
  }
}

/** Lines starting with "." get another "." (RFC 5321 4.5.2); line ends become CRLF. */
export function dotStuff(message: string): string {
  return message.replace(/\r?\n/g, "\r\n").replace(/^\./gm, "..");
}

export async function sendSmtp(options: SmtpOptions, from: string, to: string[], message: string): Promise<string> {
  let socket = connect(
    { hostname: options.host, port: options.port },
    {
      secureTransport: options.security === "tls" ? "on" : options.security === "starttls" ? "starttls" : "off",
      allowHalfOpen: false,
    },
  );
  let writer = socket.writable.getWriter();
  let replies = new ReplyReader(socket.readable.getReader());
  const expect = async (ok: number[], what: string) => {
    const reply = await replies.read();
    if (!ok.includes(reply.code)) throw new SmtpError(reply.code, `${what}: ${reply.code} ${reply.text}`);
    return reply;
  };
  const command = async (line: string, ok: number[], what = line.split(" ")[0]!) => {
    await writer.write(encoder.encode(`${line}\r\n`));
    return expect(ok, what);
  };
  try {
    await expect([220], "greeting");
    const helo = options.helo ?? "wayfind";
    let ehlo = await command(`EHLO ${helo}`, [250]);
    if (options.security === "starttls") {
      await command("STARTTLS", [220]);
      writer.releaseLock();
      socket = socket.startTls();
      writer = socket.writable.getWriter();
      replies = new ReplyReader(socket.readable.getReader());
      ehlo = await command(`EHLO ${helo}`, [250]);
    }
    if (options.username && options.password) {
      if (/AUTH[^\n]*PLAIN/i.test(ehlo.text)) {
        await command(`AUTH PLAIN ${btoa(`\0${options.username}\0${options.password}`)}`, [235], "AUTH");
      } else {
        await command("AUTH LOGIN", [334], "AUTH");
        await command(btoa(options.username), [334], "AUTH");
        await command(btoa(options.password), [235], "AUTH");
      }
    }
    await command(`MAIL FROM:<${from}>`, [250], "MAIL FROM");
    for (const rcpt of to) await command(`RCPT TO:<${rcpt}>`, [250, 251], "RCPT TO");
    await command("DATA", [354]);
    const data = dotStuff(message);
    await writer.write(encoder.encode(`${data}${data.endsWith("\r\n") ? "" : "\r\n"}.\r\n`));
    const accepted = await expect([250], "message");
    await command("QUIT", [221]).catch(() => undefined);
    return accepted.text;
  } finally {
    await socket.close().catch(() => undefined);
  }
}
