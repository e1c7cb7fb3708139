export declare function startMailbox(): Promise<{ smtpPort: number; httpUrl: string }>;
