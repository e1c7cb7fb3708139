export declare function startMailbox(options?: {
  /** 0 (the default): a random free port. */
  smtpPort?: number;
  httpPort?: number;
  /** Keep messages in dir/messages.ndjson across restarts. */
  dir?: string;
}): Promise<{ smtpPort: number; httpUrl: string; close(): Promise<void> }>;
